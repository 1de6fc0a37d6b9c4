// `wrangler dev` for the suites that drive Lockstep from outside (the browser test, plain Node;
// the end-to-end suite, TypeScript under vitest): free ports, a quiet environment, a process
// group stopped as one, and a wait until the app answers. Plain JavaScript so both can load it;
// its types are in wrangler-dev.d.mts.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";

/** A TCP port nothing listens on now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// CLOUDFLARE_CF_FETCH_ENABLED=false: miniflare would otherwise fetch the `cf` request properties
// from Cloudflare at start-up; nothing leaves the machine.
export const wranglerEnv = () => ({
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
  NO_COLOR: "1",
});

/**
 * Starts `npx wrangler dev <args> --port … --ip 127.0.0.1 --inspector-port …` with its state in
 * `state` (removed on stop), and resolves once GET /api/v1/openapi.json answers.
 */
export async function startWranglerDev({ root, args, state, env = {}, onOutput = () => {} }) {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child = spawn(
    "npx",
    ["wrangler", "dev", ...args, "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort)],
    // detached: npx, wrangler and workerd share one process group, stopped together.
    { cwd: root, env: { ...wranglerEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  const keep = (chunk) => {
    log += chunk.toString();
    onOutput(chunk);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
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
