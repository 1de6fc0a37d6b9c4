// Lockstep under `wrangler dev --env demo` (the app plus the platform simulators at /__sim/<key>)
// on a fresh local state in a temporary folder, with the migrations applied as `npm start` does
// and a random encryption key. Nothing is seeded: the browser test builds everything itself.
// The demo entry is bundled first and that bundle is served (see below).
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const wranglerEnv = () => ({ ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" });

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
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child = spawn(
    "npx",
    [
      "wrangler", "dev", path.join(build, "demo.js"), "--no-bundle", "--config", path.join(ROOT, "wrangler.toml"), "--env", "demo", "--port", String(port), "--ip", "127.0.0.1",
      "--inspector-port", String(inspectorPort), "--persist-to", state, "--show-interactive-dev-session=false",
      "--var", `ENCRYPTION_KEY:${randomBytes(32).toString("base64")}`,
    ],
    // detached: npx, wrangler and workerd share one process group, stopped together.
    { cwd: ROOT, env: wranglerEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk.toString()));
  child.stderr.on("data", (chunk) => (log += chunk.toString()));
  // A loopback address: the demo serves its simulators (and allows plain http) only there.
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    }
    rmSync(state, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 120 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { baseUrl, stop, output: () => log };
}
