// Proves the simulators never ship: bundles the production Worker and the demo Worker the way
// `wrangler deploy` would (--dry-run, nothing is uploaded) and looks for the simulators' code.
// The demo bundle must contain it (so this check can tell), the production bundle must not.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const MARKERS = ["X-Simulator-Base", "__sim", "FaultPlan"];

function bundle(envName) {
  const outdir = mkdtempSync(path.join(tmpdir(), "lockstep-bundle-"));
  const args = ["wrangler", "deploy", "--dry-run", "--outdir", outdir, ...(envName ? ["--env", envName] : [])];
  const result = spawnSync("npx", args, { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    process.exit(1);
  }
  const code = readdirSync(outdir).filter((f) => f.endsWith(".js")).map((f) => readFileSync(path.join(outdir, f), "utf8")).join("\n");
  rmSync(outdir, { recursive: true, force: true });
  return code;
}

const found = (code) => MARKERS.filter((marker) => code.includes(marker));
const production = found(bundle(null));
const demo = found(bundle("demo"));
if (demo.length !== MARKERS.length) {
  console.error(`The demo bundle lacks simulator code (${MARKERS.filter((m) => !demo.includes(m)).join(", ")}): this check cannot see anything.`);
  process.exit(1);
}
if (production.length) {
  console.error(`The production bundle contains simulator code: ${production.join(", ")}`);
  process.exit(1);
}
console.log("Production bundle: no simulator code (the demo bundle has it).");
