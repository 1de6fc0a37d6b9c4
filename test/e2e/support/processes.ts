// The processes the suite drives: the two RT instances (through scripts/rt/rt.sh) and Lockstep
// itself under `wrangler dev`, the production entry on a fresh local state in a temporary folder.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startWranglerDev, wranglerEnv } from "../../support/wrangler-dev.mjs";

export const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const RT_SCRIPT = path.join(ROOT, "scripts", "rt", "rt.sh");

export const RT_STATE_DIR = process.env.RT_E2E_DIR ?? path.join(tmpdir(), "lockstep-rt");
export const RT_ROOT_PASSWORD = process.env.RT_ROOT_PASSWORD ?? "lockstep-e2e-root";
export const RT_PORTS = { a: Number(process.env.RT_A_PORT ?? 18081), b: Number(process.env.RT_B_PORT ?? 18082) };

/** Runs scripts/rt/rt.sh with the suite's settings; its log goes to our stderr. */
export function rt(...args: string[]): void {
  execFileSync("bash", [RT_SCRIPT, ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, RT_E2E_DIR: RT_STATE_DIR, RT_ROOT_PASSWORD, RT_A_PORT: String(RT_PORTS.a), RT_B_PORT: String(RT_PORTS.b) },
    timeout: 15 * 60_000,
  });
}

export type RunningLockstep = { baseUrl: string; stop: () => Promise<void>; output: () => string; logFile: string };

/**
 * `wrangler dev` on the production entry (src/index.ts, no simulators, no demo seed), with its D1,
 * R2 and Durable Objects in a new temporary folder, the migrations applied as in production, a
 * random encryption key, and `--test-scheduled` so the suite can fire the cron.
 * APP_ENV=development is what lets platform accounts use http on loopback (src/connectors/base-url.ts).
 */
export async function startLockstep(): Promise<RunningLockstep> {
  const state = mkdtempSync(path.join(tmpdir(), "lockstep-e2e-state-"));
  execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd: ROOT, env: wranglerEnv(), stdio: ["ignore", "ignore", "inherit"], timeout: 5 * 60_000,
  });
  const key = randomBytes(32).toString("base64");
  // Everything wrangler and the Worker print, kept beside the state for a failure's post-mortem.
  const logFile = path.join(tmpdir(), "lockstep-e2e-wrangler.log");
  writeFileSync(logFile, "");
  const app = await startWranglerDev({
    root: ROOT,
    state,
    args: ["--persist-to", state, "--test-scheduled", "--show-interactive-dev-session=false", "--var", "APP_ENV:development"],
    // ENCRYPTION_KEY is a required secret: wrangler dev takes it from the environment.
    env: { ENCRYPTION_KEY: key },
    onOutput: (chunk) => appendFileSync(logFile, chunk),
  });
  return { ...app, logFile };
}
