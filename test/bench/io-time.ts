// Where a benchmark run's wall time goes: waiting on D1, on R2 and on each simulated platform.
// Each call is timed from the moment it is made until its promise settles. The engine works on
// several tickets at once, so calls overlap: for each kind the summed time of its calls is kept
// (what the tickets waited, added up) and so is the time during which at least one was in flight
// (what the run waited); likewise for any platform call, and for any call of any kind, so that
// the rest of the wall time is the engine's own work (plus the test runner's, which is small).
// The clock is performance.now(), which in local workerd moves while code computes, to the
// millisecond: a sub-millisecond call counts 0 or 1, right on average over thousands.
import type { FetchLike } from "../../src/connectors/http-client";
import { observeD1 } from "../../src/sync/engine/budget";

export type IoKind = "d1" | "r2" | "source" | "target";
export type IoFigures = { calls: number; summedMs: number; inFlightMs: number };

/** Unions of kinds whose time in flight is reported as well as each kind's own. */
const GROUPS = {
  platform: ["source", "target"],
  d1OrPlatform: ["d1", "source", "target"],
  any: ["d1", "r2", "source", "target"],
} as const satisfies Record<string, readonly IoKind[]>;
type Group = keyof typeof GROUPS;

type Span = IoFigures & { open: number; since: number; limit: number; fullSince: number; fullMs: number };
const span = (): Span => ({ calls: 0, summedMs: 0, inFlightMs: 0, open: 0, since: 0, limit: Infinity, fullSince: 0, fullMs: 0 });

export class IoClock {
  private readonly spans: Record<IoKind | Group, Span> = { d1: span(), r2: span(), source: span(), target: span(), platform: span(), d1OrPlatform: span(), any: span() };

  /** Also keep the time during which `limit` calls of `kind` (a platform's concurrency) were in
   * flight at once: the platform could take no more. */
  limit(kind: IoKind, limit: number): this {
    this.spans[kind].limit = limit;
    return this;
  }

  /** Times `work` as one call of `kind`. */
  async time<T>(kind: IoKind, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const spans = this.spansOf(kind);
    for (const s of spans) {
      s.calls++;
      if (s.open++ === 0) s.since = started;
      if (s.open === s.limit) s.fullSince = started;
    }
    try {
      return await work();
    } finally {
      const ended = performance.now();
      for (const s of spans) {
        s.summedMs += ended - started;
        if (s.open-- === s.limit) s.fullMs += ended - s.fullSince;
        if (s.open === 0) s.inFlightMs += ended - s.since;
      }
    }
  }

  private spansOf(kind: IoKind): Span[] {
    return [this.spans[kind], ...(Object.keys(GROUPS) as Group[]).filter((g) => (GROUPS[g] as readonly IoKind[]).includes(kind)).map((g) => this.spans[g])];
  }

  /** The figures so far, in whole milliseconds (a call still open counts up to now). */
  report(): Record<IoKind | Group, IoFigures & { atLimitMs?: number }> {
    const t = performance.now();
    const out = {} as Record<IoKind | Group, IoFigures & { atLimitMs?: number }>;
    for (const [name, s] of Object.entries(this.spans) as [IoKind | Group, Span][]) {
      out[name] = { calls: s.calls, summedMs: Math.round(s.summedMs), inFlightMs: Math.round(s.inFlightMs + (s.open > 0 ? t - s.since : 0)) };
      if (s.limit !== Infinity) out[name].atLimitMs = Math.round(s.fullMs + (s.open >= s.limit ? t - s.fullSince : 0));
    }
    return out;
  }

  /** A platform's fetch, timed until its answer's headers arrive (an in-process simulator has
   * made its body by then, or streams it from memory). */
  fetch(inner: FetchLike, sideOf: (url: URL) => "source" | "target"): FetchLike {
    return (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      return this.time(sideOf(url), () => inner(input, init));
    };
  }

  /** D1 with every statement, batch and exec timed. */
  d1(db: D1Database): D1Database {
    return observeD1(db, (_statements, call) => this.time("d1", call));
  }

  /** R2 with every operation timed (a put of a streamed file lasts as long as its stream). */
  r2(bucket: R2Bucket): R2Bucket {
    const timed = new Set(["head", "get", "put", "delete", "list", "createMultipartUpload"]);
    const clock = this;
    return new Proxy(bucket, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        const fn = value as (...a: unknown[]) => unknown;
        if (typeof prop === "string" && timed.has(prop)) return (...args: unknown[]) => clock.time("r2", () => fn.apply(target, args) as Promise<unknown>);
        return fn.bind(target);
      },
    });
  }
}
