#!/usr/bin/env node
// `npm run bench`: runs the scenarios of test/bench/scenarios/ in workerd (vitest with
// vitest.bench.config.ts), samples the workerd's memory and CPU while they run, and prints every
// figure beside its target (pass or falls short: a benchmark, never a failing test). Writes the
// figures to artifacts/bench/results.json. BENCH_LATENCY_MS sets the injected per-call latency
// (5 ms by default: the ratios to the floor, not the absolute times, are what the targets judge).
// `npm run bench -- cw-sn-1000 idle-tick` runs only the scenarios named.
//
// Each full sync gets a workerd of its own, so the workerd's peak memory is that sync's. The
// small scenarios, whose memory is not a figure, share one workerd (one after another, each
// with its own storage): a workerd's start costs some ten seconds on this machine.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.join(import.meta.dirname, "..");
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? "5");
const only = process.argv.slice(2);
const GROUPS = [["cw-sn-1000"], ["cw-sn-5000"], ["rt-rt-1000"], ["rt-rt-5000"], ["engine-overhead", "webhook-latency", "idle-tick", "cron-fanout"]]
  .map((group) => group.filter((s) => only.length === 0 || only.includes(s)))
  .filter((group) => group.length > 0);
const FULL_SYNC = /^(cw-sn|rt-rt)-\d+$/;
const TICKS_PER_SECOND = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in clock ticks.

/** Every workerd below `pid`: peak resident memory (VmHWM, kB) and CPU time used (s). */
function workerds(pid) {
  const parents = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const below = (p) => {
    for (let q = parents.get(p); q !== undefined; q = parents.get(q)) if (q === pid) return true;
    return false;
  };
  const found = [];
  for (const [p] of parents) {
    if (!below(p)) continue;
    try {
      if (!readFileSync(`/proc/${p}/cmdline`, "utf8").includes("workerd")) continue;
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const [utime, stime] = stat.slice(stat.lastIndexOf(")") + 2).split(" ").slice(11, 13).map(Number);
      found.push({ pid: p, peakKb: hwm ? Number(hwm[1]) : 0, cpuS: (utime + stime) / TICKS_PER_SECOND });
    } catch {}
  }
  return found;
}

/** Runs `group` in one vitest (one workerd); resolves with each scenario's result. */
function run(group) {
  return new Promise((resolve) => {
    const child = spawn("npx", ["vitest", "run", "--config", "vitest.bench.config.ts"], {
      cwd: root,
      env: { ...process.env, BENCH_SCENARIO: group.join(","), BENCH_LATENCY_MS: String(latencyMs), WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let peakKb = 0;
    const cpu = new Map();
    const cpuNow = () => [...cpu.values()].reduce((a, b) => a + b, 0);
    const sample = () => {
      for (const w of workerds(child.pid)) {
        peakKb = Math.max(peakKb, w.peakKb);
        cpu.set(w.pid, w.cpuS);
      }
    };
    const sampler = setInterval(sample, 250);
    // A sync's start and end (BENCH_MARK lines): the workerd's CPU time read at each.
    const marks = {};
    let partial = "";
    child.stdout.on("data", (d) => {
      out += d;
      const lines = (partial + d).split("\n");
      partial = lines.pop();
      for (const l of lines) {
        const mark = /BENCH_MARK (\S+) sync (start|end)/.exec(l);
        if (!mark) continue;
        sample();
        (marks[mark[1]] ??= {})[mark[2]] = cpuNow();
      }
    });
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => {
      clearInterval(sampler);
      const found = new Map();
      for (const line of out.split("\n")) {
        const at = line.indexOf("BENCH_RESULT ");
        if (at < 0) continue;
        const result = JSON.parse(line.slice(at + 13));
        found.set(result.scenario, result);
      }
      const results = group.map((scenario) => {
        const result = found.get(scenario);
        if (!result) return { scenario, error: `exit ${code}` };
        // The workerd's CPU time during the sync: the engine's, D1's, the simulators' and the
        // test runner's together (to a quarter second: the sampler's and the log's delays).
        const m = marks[scenario];
        const syncCpuS = m?.start !== undefined && m?.end !== undefined ? Math.round((m.end - m.start) * 10) / 10 : undefined;
        // Memory is the whole workerd's: a scenario's own only when it ran alone.
        return { ...result, ...(group.length === 1 ? { peakMemoryMb: Math.round(peakKb / 1024) } : {}), ...(syncCpuS !== undefined ? { workerdCpuDuringSyncS: syncCpuS } : {}) };
      });
      if (results.some((r) => r.error)) process.stderr.write(`\n${group.join(", ")} failed (exit ${code}):\n${out.split("\n").slice(-40).join("\n")}\n`);
      resolve(results);
    });
  });
}

const verdict = (ok) => (ok ? "pass" : "falls short");
const fmt = (n, digits = 2) => (n === null || n === undefined ? "–" : typeof n === "number" ? (Number.isInteger(n) ? String(n) : n.toFixed(digits)) : String(n));
const seconds = (ms) => (ms / 1000).toFixed(1);

const results = [];
const runs = [];
const started = Date.now();
for (const group of GROUPS) {
  process.stdout.write(`running ${group.join(", ")}… `);
  const t0 = Date.now();
  results.push(...(await run(group)));
  // The whole run: vitest's and workerd's start, the backlog's seeding and the scenarios.
  runs.push({ scenarios: group, runMs: Date.now() - t0 });
  process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}
const totalMs = Date.now() - started;

const rows = [];
const row = (scenario, figure, value, target, ok) => rows.push({ scenario, figure, value: fmt(value), target, verdict: ok === null ? "" : verdict(ok) });

/** Where a sync's wall time went (test/bench/io-time.ts): each kind of call's time added up over
 * calls and the time with at least one in flight, then the time with nothing in flight. */
function timeRows(r) {
  const t = r.time;
  const p = r.perTicket;
  row(r.scenario, "time: D1, summed / in flight (s)", `${seconds(t.d1.summedMs)} / ${seconds(t.d1.inFlightMs)}`, "", null);
  row(r.scenario, "time: platforms, summed / in flight (s)", `${seconds(t.platform.summedMs)} / ${seconds(t.platform.inFlightMs)}`, "", null);
  row(r.scenario, "time: source / target in flight (s)", `${seconds(t.source.inFlightMs)} / ${seconds(t.target.inFlightMs)}`, "", null);
  if (t.source.atLimitMs !== undefined) row(r.scenario, "time: source / target at their concurrency (s)", `${seconds(t.source.atLimitMs)} / ${seconds(t.target.atLimitMs)}`, "", null);
  row(r.scenario, "time: a call's latency, injected / idle timer / served (ms)", `${t.platform.latencyMs} / ${fmt(t.platform.latencyTimerMs)} / ${fmt(t.platform.latencyServedMs)}`, "", null);
  row(r.scenario, "time: simulators' handlers (s)", seconds(t.platform.simBusyMs), "", null);
  row(r.scenario, "time: R2, summed / in flight (s)", `${seconds(t.r2.summedMs)} / ${seconds(t.r2.inFlightMs)}`, "", null);
  if (t.pausedMs > 0) row(r.scenario, "time: paused between chunks (s)", seconds(t.pausedMs), "", null);
  row(r.scenario, "time: nothing in flight (s)", seconds(t.restMs), "", null);
  row(r.scenario, "per ticket: D1 round trips / ms", `${fmt(p.d1Calls)} / ${fmt(p.d1Ms)}`, "", null);
  row(r.scenario, "per ticket: platform calls / ms", `${fmt(p.platformCalls)} / ${fmt(p.platformMs)}`, "", null);
  row(r.scenario, "per ticket: nothing in flight (ms)", p.restMs, "", null);
  if (r.workerdCpuDuringSyncS !== undefined) row(r.scenario, "CPU of the whole workerd during the sync (s)", r.workerdCpuDuringSyncS, "", null);
}

for (const r of results) {
  if (r.error) {
    row(r.scenario, "error", r.error, "", false);
    continue;
  }
  if (FULL_SYNC.test(r.scenario)) {
    row(r.scenario, "wall time (s)", r.wallMs / 1000, "", null);
    row(r.scenario, "API calls source / target", `${r.calls.source} / ${r.calls.target}`, "", null);
    row(r.scenario, "minimum calls source / target", `${r.minimumCalls.source} / ${r.minimumCalls.target}`, "", null);
    row(r.scenario, "calls ÷ minimum", r.callRatio, "≤ 1.1", r.callRatio <= 1.1);
    row(r.scenario, "time floor (s)", r.floorMs / 1000, "", null);
    row(r.scenario, "wall ÷ floor", r.wallToFloor, "≤ 1.5", r.wallToFloor <= 1.5);
    // Not a target: the floor with each call's latency as served, to tell the runtime's and the
    // shared isolate's slowness from the sync's own.
    row(r.scenario, "wall ÷ floor at the latency served", r.wallToServedFloor, "", null);
    row(r.scenario, "D1 statements per ticket", r.d1PerTicket, "", null);
    timeRows(r);
    // Locally one workerd holds the app, the simulators (every ticket and file in memory) and the
    // test runner, so its peak is an upper bound on the run's isolates, not their figure.
    row(r.scenario, "peak memory, whole workerd (MB)", r.peakMemoryMb, "isolate < 128 (bound only)", null);
  } else if (r.scenario === "engine-overhead") {
    // A lower bound (the isolate computing with no call in flight: engine-overhead.ts says why)
    // and an upper one (all the workerd's CPU, D1's SQLite and the simulators' included).
    row(r.scenario, "engine time per ticket, nothing in flight (ms)", r.engineMsPerTicket, "< 2", r.engineMsPerTicket < 2);
    if (r.workerdCpuDuringSyncS !== undefined) row(r.scenario, "whole workerd's CPU per ticket (ms), bound", (r.workerdCpuDuringSyncS * 1000) / r.tickets, "", null);
    row(r.scenario, "wall time (s)", r.wallMs / 1000, "", null);
    timeRows(r);
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
for (const r of runs) row(r.scenarios.join(", "), "run time, workerd start to figures (s)", seconds(r.runMs), "", null);

const widths = ["scenario", "figure", "value", "target", "verdict"].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
console.log(`\nLockstep benchmark — injected latency ${latencyMs} ms per call, vendors' concurrency limits enforced (${(totalMs / 1000).toFixed(0)} s)\n`);
console.log(line(["scenario", "figure", "value", "target", "verdict"]));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const r of rows) console.log(line([r.scenario, r.figure, r.value, r.target, r.verdict]));
mkdirSync(path.join(root, "artifacts", "bench"), { recursive: true });
const file = path.join(root, "artifacts", "bench", "results.json");
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), latencyMs, totalMs, runs, results, rows }, null, 2));
console.log(`\nFigures: ${path.relative(root, file)}`);
