#!/usr/bin/env node
// `npm run bench`: runs each scenario of test/bench/scenarios.ts in its own workerd (vitest with
// vitest.bench.config.ts), samples that workerd's memory while it runs, and prints every figure
// beside its target (pass or falls short: a benchmark, never a failing test). Writes the figures
// to artifacts/bench/results.json. BENCH_LATENCY_MS sets the injected per-call latency (5 ms by
// default: the ratios to the floor, not the absolute times, are what the targets judge).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.join(import.meta.dirname, "..");
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? "5");
const only = process.argv.slice(2);
const SCENARIOS = ["cw-sn-1000", "cw-sn-5000", "rt-rt-1000", "rt-rt-5000", "engine-overhead", "webhook-latency", "idle-tick", "cron-fanout"].filter((s) => only.length === 0 || only.includes(s));

/** Peak resident memory (VmHWM, kB) of every workerd below `pid`. */
function workerdPeakKb(pid) {
  let peak = 0;
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(Number(entry), ppid);
    } catch {}
  }
  const below = (p) => {
    for (let q = children.get(p); q !== undefined; q = children.get(q)) if (q === pid) return true;
    return false;
  };
  for (const [p] of children) {
    if (!below(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8");
      if (!cmd.includes("workerd")) continue;
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (hwm) peak = Math.max(peak, Number(hwm[1]));
    } catch {}
  }
  return peak;
}

function run(scenario) {
  return new Promise((resolve) => {
    const child = spawn("npx", ["vitest", "run", "--config", "vitest.bench.config.ts"], {
      cwd: root,
      env: { ...process.env, BENCH_SCENARIO: scenario, BENCH_LATENCY_MS: String(latencyMs), WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let peakKb = 0;
    const sampler = setInterval(() => (peakKb = Math.max(peakKb, workerdPeakKb(child.pid))), 250);
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => {
      clearInterval(sampler);
      const line = out.split("\n").find((l) => l.includes("BENCH_RESULT "));
      const result = line ? JSON.parse(line.slice(line.indexOf("BENCH_RESULT ") + 13)) : null;
      if (!result) process.stderr.write(`\n${scenario} failed (exit ${code}):\n${out.split("\n").slice(-40).join("\n")}\n`);
      resolve(result ? { ...result, peakMemoryMb: Math.round(peakKb / 1024) } : { scenario, error: `exit ${code}` });
    });
  });
}

const verdict = (ok) => (ok ? "pass" : "falls short");
const fmt = (n, digits = 2) => (n === null || n === undefined ? "–" : typeof n === "number" ? (Number.isInteger(n) ? String(n) : n.toFixed(digits)) : String(n));

const results = [];
const started = Date.now();
for (const scenario of SCENARIOS) {
  process.stdout.write(`running ${scenario}… `);
  const t0 = Date.now();
  const result = await run(scenario);
  results.push(result);
  process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

const rows = [];
const row = (scenario, figure, value, target, ok) => rows.push({ scenario, figure, value: fmt(value), target, verdict: ok === null ? "" : verdict(ok) });
let baselineMb = null;
for (const r of results) {
  if (r.error) {
    row(r.scenario, "error", r.error, "", false);
    continue;
  }
  if (/^(cw-sn|rt-rt)-\d+$/.test(r.scenario)) {
    row(r.scenario, "wall time (s)", r.wallMs / 1000, "", null);
    row(r.scenario, "API calls source / target", `${r.calls.source} / ${r.calls.target}`, "", null);
    row(r.scenario, "minimum calls source / target", `${r.minimumCalls.source} / ${r.minimumCalls.target}`, "", null);
    row(r.scenario, "calls ÷ minimum", r.callRatio, "≤ 1.1", r.callRatio <= 1.1);
    row(r.scenario, "time floor (s)", r.floorMs / 1000, "", null);
    row(r.scenario, "wall ÷ floor", r.wallToFloor, "≤ 1.5", r.wallToFloor <= 1.5);
    row(r.scenario, "D1 statements per ticket", r.d1PerTicket, "", null);
    // Locally one workerd holds the app, the simulators (every ticket and file in memory) and the
    // test runner, so its peak is an upper bound on the run's isolates, not their figure.
    row(r.scenario, "peak memory, whole workerd (MB)", r.peakMemoryMb, "isolate < 128 (bound only)", null);
  } else if (r.scenario === "engine-overhead") {
    row(r.scenario, "engine time per ticket (ms)", r.engineMsPerTicket, "< 2", r.engineMsPerTicket < 2);
    baselineMb = r.peakMemoryMb;
  } else if (r.scenario === "webhook-latency") {
    row(r.scenario, "webhook → target p50 (ms)", r.p50Ms, "< 2,000", r.p50Ms < 2000);
    row(r.scenario, "webhook → target p99 (ms)", r.p99Ms, "< 10,000", r.p99Ms < 10000);
  } else if (r.scenario === "idle-tick") {
    row(r.scenario, "calls source / target", `${r.calls.source} / ${r.calls.target}`, "≤ 1 list call per side", r.listCalls.source <= 1 && r.listCalls.target <= 1 && r.calls.source <= 1 && r.calls.target <= 1);
    row(r.scenario, "D1 statements", r.d1Statements, "≤ 3", r.d1Statements <= 3);
  } else if (r.scenario === "cron-fanout") {
    row(r.scenario, "subrequests (of 10,000)", r.subrequests, "≤ 5,000", r.subrequests <= 5000);
    row(r.scenario, "D1 queries (of 1,000)", r.d1Queries, "≤ 500", r.d1Queries <= 500);
    row(r.scenario, `time to wake ${r.due} due (s)`, r.wakeMs / 1000, "", null);
  }
}

const widths = ["scenario", "figure", "value", "target", "verdict"].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
console.log(`\nLockstep benchmark — injected latency ${latencyMs} ms per call, vendors' concurrency limits enforced (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
console.log(line(["scenario", "figure", "value", "target", "verdict"]));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const r of rows) console.log(line([r.scenario, r.figure, r.value, r.target, r.verdict]));
mkdirSync(path.join(root, "artifacts", "bench"), { recursive: true });
const file = path.join(root, "artifacts", "bench", "results.json");
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), latencyMs, results, rows }, null, 2));
console.log(`\nFigures: ${path.relative(root, file)}`);
