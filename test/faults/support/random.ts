// Seeded randomness for the fault suite: every random choice (which call fails and how, when the
// Durable Object is evicted) comes from a generator seeded by a number the test prints, so a
// failing case is replayed with `FAULT_SEED=<seed> npm run test:faults`.
import { env } from "cloudflare:workers";

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed for a scenario: FAULT_SEED from the environment when set (a replay), else the fixed one. */
export function scenarioSeed(fixed: number): number {
  const override = (env as unknown as { FAULT_SEED?: string }).FAULT_SEED;
  return override && /^\d+$/.test(override) ? Number(override) : fixed;
}

/** Independent streams from one seed (one per simulator, one for evictions). */
export function streams(seed: number) {
  const root = seededRandom(seed);
  return { next: () => seededRandom(Math.floor(root() * 4_294_967_296)) };
}

/** The share of calls that fail: FAULT_RATE from the environment when set (to explore), else the given one. */
export function failureRate(fixed: number): number {
  const override = (env as unknown as { FAULT_RATE?: string }).FAULT_RATE;
  return override && /^(0(\.\d+)?|1(\.0+)?)$/.test(override) ? Number(override) : fixed;
}

/** The fault kinds to inject: FAULT_KINDS from the environment (e.g. `hang,cut`) when set, to
 * narrow down which one a failure needs; else all of `all`. */
export function faultKinds<T extends { kind: string; status?: number }>(all: T[]): T[] {
  const override = (env as unknown as { FAULT_KINDS?: string }).FAULT_KINDS;
  if (!override) return all;
  const wanted = new Set(override.split(",").map((k) => k.trim()));
  return all.filter((f) => wanted.has(f.kind) || (f.status !== undefined && wanted.has(String(f.status))));
}
