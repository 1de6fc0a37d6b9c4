// Lockstep under `wrangler dev --env demo` (the app plus the platform simulators at /__sim/<key>)
// on a fresh local state in a temporary folder, with the migrations applied as `npm start` does
// and a random encryption key. Nothing is seeded: the browser test builds everything itself.
// The demo entry is bundled first and that bundle is served (see below).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startWranglerDev, wranglerEnv } from "../support/wrangler-dev.mjs";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Starts the demo Worker; resolves once it answers, with its address and a stop function. */
export async function startDemoApp() {
  const state = mkdtempSync(path.join(tmpdir(), "lockstep-browser-state-"));
  execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--env", "demo", "--persist-to", state], {
    cwd: ROOT,
    env: wranglerEnv(),
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 5 * 60_000,
  });
  // Built once and served as built: `wrangler dev` on the sources would rebuild (and restart the
  // simulators, losing their tickets) whenever a file of the checkout changes during the run.
  const build = path.join(state, "build");
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--env", "demo", "--outdir", build], {
    cwd: ROOT,
    env: wranglerEnv(),
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 5 * 60_000,
  });
  return startWranglerDev({
    root: ROOT,
    state,
    args: [
      path.join(build, "demo.js"), "--no-bundle", "--config", path.join(ROOT, "wrangler.toml"), "--env", "demo",
      "--persist-to", state, "--show-interactive-dev-session=false",
      "--var", `ENCRYPTION_KEY:${randomBytes(32).toString("base64")}`,
    ],
  });
}
