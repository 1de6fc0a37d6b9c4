// What the benchmark's scenarios (test/bench/scenarios/*.ts) share: the scenario names asked for
// (BENCH_SCENARIO, comma-separated), the injected latency, every platform reached in process,
// a connection between two fresh simulators with a seeded backlog, and a full sync of it timed
// and counted. Each scenario prints one `BENCH_RESULT {json}` line; scripts/bench.mjs runs them,
// adds memory and CPU and prints the table.
import { env, exports } from "cloudflare:workers";
import type { ConnectorClient } from "../../src/connectors/contract";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { servicenowConnector } from "../../src/connectors/servicenow/index";
import { useOutboundFetch } from "../../src/connectors/outbound-fetch";
import type { FetchLike } from "../../src/connectors/http-client";
import { createDb } from "../../src/db/client";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import type { FaultPlan } from "../../src/simulators/faults";
import { ChunkBudget } from "../../src/sync/engine/budget";
import { beginRun, runChunk, type EngineDeps } from "../../src/sync/engine/run-sync";
import { MemoryWorkStore } from "../../src/sync/engine/run-state";
import { setupFirstOrganisation } from "../helpers";
import { addAccount, createConnection } from "../support/sync-fixture";
import { IoClock } from "./io-time";
import { sourceMinimum, targetMinimum, type Backlog, type SidePlatform } from "./minimum-calls";
import { COMMENTS_PER_TICKET, seedConnectWiseBacklog, seedRequestTrackerBacklog } from "./seed-backlog";

const bindings = env as unknown as Record<string, string>;
/** The scenarios this run was asked for. */
export const SCENARIOS = (bindings.BENCH_SCENARIO ?? "").split(",").map((s) => s.trim()).filter(Boolean);
export const LATENCY_MS = Number(bindings.BENCH_LATENCY_MS || "5");
export const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";
export const SN = { authType: "basic" as const, username: "lockstep.integration", password: "sn-password" };
const RT = { kind: "basic" as const, username: "lockstep", password: "lockstep-password" };

export function report(scenario: string, result: Record<string, unknown>) {
  console.log(`BENCH_RESULT ${JSON.stringify({ scenario, latencyMs: LATENCY_MS, ...result })}`);
}

type App = { fetch: (request: Request) => Response | Promise<Response> };
type Sim = { app: App; faults: FaultPlan };

/** Every platform reached in process, as the demo does: no interception layer in the figures. */
export function network(hosts: Record<string, App>): FetchLike {
  const route: FetchLike = async (input, init) => {
    const request = new Request(input, init);
    const host = new URL(request.url).host;
    const app = hosts[host];
    if (app) return app.fetch(request);
    if (host === "lockstep.test") return exports.default.fetch(request);
    throw new Error(`no simulator for ${host}`);
  };
  useOutboundFetch(route);
  return route;
}

export function client(platform: SidePlatform, baseUrl: string, fetch: FetchLike): ConnectorClient {
  if (platform === "connectwise") return connectwiseConnector.create({ fetch, config: { baseUrl, credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });
  if (platform === "servicenow") return servicenowConnector.create({ fetch, config: { baseUrl, credentials: SN, settings: servicenowConnector.settingsSchema.parse({}) } });
  return requestTrackerConnector.create({ fetch, config: { baseUrl, credentials: RT, settings: requestTrackerConnector.settingsSchema.parse({}) } });
}

export type Pair = {
  name: string;
  platforms: { source: SidePlatform; target: SidePlatform };
  sims: { source: Sim; target: Sim };
  hosts: { source: string; target: string };
  connectionId: string;
  fetch: FetchLike;
  backlog: Backlog;
};

/** A connection between two fresh simulators and a source backlog of `tickets`, 3 comments each,
 * one ticket in ten with a 200 KB file, written into the source's store (seed-backlog.ts). */
/** The ConnectWise and ServiceNow simulators' accounts (at cw.sim.test and sn.sim.test). */
export async function connectWiseAndServiceNowAccounts(token: string) {
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const source = await addAccount(token, { name: "CW", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } });
  const target = await addAccount(token, { name: "SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: SN });
  return { source, target };
}

export async function pair(kind: "cw-sn" | "rt-rt", tickets: number): Promise<Pair> {
  const org = await setupFirstOrganisation();
  const comments = { public: true, internal: true };
  let result: Omit<Pair, "backlog">;
  let requesters = 0;
  if (kind === "cw-sn") {
    const cw = createConnectWiseSimulator();
    const sn = createServiceNowSimulator();
    const fetch = network({ "cw.sim.test": cw.app, "sn.sim.test": sn.app });
    const { source, target } = await connectWiseAndServiceNowAccounts(org.token);
    const connectionId = await createConnection(
      org.organisation.id,
      {
        source: { accountId: source, settings: { ...DEMO_SIDE_SETTINGS.source, comments, attachments: { enabled: true } } },
        target: { accountId: target, settings: { ...DEMO_SIDE_SETTINGS.target, comments, attachments: { enabled: true } } },
      },
      { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
    );
    requesters = seedConnectWiseBacklog(cw.store, tickets);
    result = { name: kind, platforms: { source: "connectwise", target: "servicenow" }, sims: { source: cw, target: sn }, hosts: { source: "cw.sim.test", target: "sn.sim.test" }, connectionId, fetch };
  } else {
    const a = createRequestTrackerSimulator();
    const b = createRequestTrackerSimulator();
    // The target starts empty; the source holds the backlog.
    b.store.tickets.splice(0);
    b.store.transactions.splice(0);
    b.store.attachments.splice(0);
    const fetch = network({ "rt-a.sim.test": a.app, "rt-b.sim.test": b.app });
    const source = await addAccount(org.token, { name: "RT A", platform: "request-tracker", baseUrl: "https://rt-a.sim.test", credentials: RT });
    const target = await addAccount(org.token, { name: "RT B", platform: "request-tracker", baseUrl: "https://rt-b.sim.test", credentials: RT });
    const connectionId = await createConnection(
      org.organisation.id,
      {
        source: { accountId: source, settings: { filters: { queueIds: ["3"] }, comments, attachments: { enabled: true } } },
        target: { accountId: target, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" }, comments, attachments: { enabled: true } } },
      },
      {
        mappings: [
          { sourceField: "status", targetField: "status", kind: "direct", direction: "bidirectional" },
          { sourceField: "priority", targetField: "priority", kind: "direct", direction: "bidirectional" },
          { sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" },
        ],
      },
    );
    requesters = seedRequestTrackerBacklog(a.store, tickets, 3);
    result = { name: kind, platforms: { source: "request-tracker", target: "request-tracker" }, sims: { source: a, target: b }, hosts: { source: "rt-a.sim.test", target: "rt-b.sim.test" }, connectionId, fetch };
  }
  const targetChanged = 0;
  return { ...result, backlog: { tickets, comments: COMMENTS_PER_TICKET, files: Math.ceil(tickets / 10), requesters, targetChanged } };
}

/** Each vendor's concurrency as the sync is told it (its facts), enforced by the simulator. */
function limit(sim: Sim, platform: SidePlatform) {
  const facts = { connectwise: connectwiseConnector, servicenow: servicenowConnector, "request-tracker": requestTrackerConnector }[platform].facts;
  sim.faults.calls.length = 0;
  sim.faults.latencyMs = LATENCY_MS;
  sim.faults.maxConcurrent = facts.rateLimit.concurrency;
  sim.faults.busyMs = 0;
  return facts.rateLimit.concurrency;
}

/**
 * How long the platforms' injected latency really lasted: from the call's fetch to the moment the
 * simulator's fault middleware, its wait over, asks whether to fail the call (`FaultPlan.take`).
 * Summed over calls (every call has one start and one take, unless refused for concurrency).
 */
function servedLatency(sims: Sim[]) {
  const sums = { started: 0, served: 0, calls: 0 };
  for (const sim of sims) {
    const take = sim.faults.take.bind(sim.faults);
    sim.faults.take = (method, path) => {
      sums.served += performance.now();
      sums.calls++;
      return take(method, path);
    };
  }
  return {
    fetch: (inner: FetchLike): FetchLike => (input, init) => {
      sums.started += performance.now();
      return inner(input, init);
    },
    meanMs: () => (sums.calls ? Math.round(((sums.served - sums.started) / sums.calls) * 100) / 100 : null),
  };
}

/** What the runtime's timer makes of the injected latency with nothing else running: the mean of
 * 20 waits of `ms`, each as the simulators' fault middleware waits (setTimeout). */
async function timerLatency(ms: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, ms));
  return Math.round(((performance.now() - started) / 20) * 100) / 100;
}

/** Calls per `METHOD path` on one simulator, ids folded, most first (printed as BENCH_CALLS). */
function callsByEndpoint(sim: Sim) {
  const counts: Record<string, number> = {};
  for (const c of sim.faults.calls) {
    const key = `${c.method} ${c.path.replace(/[0-9a-f]{32}|\d+/g, ":id")}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.entries(counts).sort((a, b) => b[1] - a[1]);
}

/** One initial sync of the pair's backlog, chunk after chunk as the Durable Object would run it,
 * with the vendors' latency and concurrency (`latency`) or none; `scenario` names its marks. */
export async function fullSync(scenario: string, p: Pair, latency: boolean) {
  const concurrency = latency ? { source: limit(p.sims.source, p.platforms.source), target: limit(p.sims.target, p.platforms.target) } : { source: 1, target: 1 };
  if (!latency) for (const sim of [p.sims.source, p.sims.target]) Object.assign(sim.faults, { latencyMs: 0, busyMs: 0 }).calls.length = 0;
  const use = { subrequests: 0, d1Queries: 0, chunks: 0, pausedMs: 0 };
  const store = new MemoryWorkStore();
  // Every D1 statement, R2 operation and platform call the engine makes, timed (io-time.ts).
  const io = new IoClock();
  if (latency) io.limit("source", concurrency.source).limit("target", concurrency.target);
  const timerMs = latency ? await timerLatency(LATENCY_MS) : 0;
  const served = servedLatency([p.sims.source, p.sims.target]);
  const db = io.d1(env.DB);
  const fetch = io.fetch(served.fetch(p.fetch), (url) => (url.host === p.hosts.source ? "source" : "target"));
  const attachments = io.r2(env.ATTACHMENTS);
  // scripts/bench.mjs reads the workerd's CPU time when it sees these lines.
  console.log(`BENCH_MARK ${scenario} sync start`);
  const started = Date.now();
  const base: EngineDeps = { db: createDb(db), encryptionKey: env.ENCRYPTION_KEY, allowLoopbackHttp: false, fetch, attachments };
  await beginRun(base, { connectionId: p.connectionId, mode: "quick", trigger: "manual", since: "2020-01-01T00:00:00Z" }, store);
  let outcome;
  do {
    const budget = new ChunkBudget();
    const deps: EngineDeps = { ...base, db: createDb(budget.countD1(db)), fetch: budget.countFetch(fetch), attachments: budget.countR2(attachments) };
    outcome = await runChunk(deps, store, budget);
    use.subrequests += budget.use.subrequests;
    use.d1Queries += budget.use.d1Queries;
    use.chunks++;
    if (outcome.kind === "more" && outcome.delayMs > 0) {
      // A pause the engine asked for (a platform's Retry-After, its budget): nothing in flight,
      // but not the engine working either.
      const pauseStarted = Date.now();
      await scheduler.wait(outcome.delayMs);
      use.pausedMs += Date.now() - pauseStarted;
    }
  } while (outcome.kind === "more");
  const wallMs = Date.now() - started;
  console.log(`BENCH_MARK ${scenario} sync end`);
  const time = io.report();
  console.log("BENCH_CALLS", JSON.stringify({ source: callsByEndpoint(p.sims.source), target: callsByEndpoint(p.sims.target) }));
  const calls = { source: p.sims.source.faults.calls.length, target: p.sims.target.faults.calls.length };
  const minimum = { source: sourceMinimum(p.platforms.source, p.backlog), target: targetMinimum(p.platforms.target, p.backlog) };
  const floorMs = Math.max((minimum.source * LATENCY_MS) / concurrency.source, (minimum.target * LATENCY_MS) / concurrency.target);
  const simBusyMs = p.sims.source.faults.busyMs + p.sims.target.faults.busyMs;
  const tickets = p.backlog.tickets;
  const perTicket = (n: number, digits = 2) => Math.round((n / tickets) * 10 ** digits) / 10 ** digits;
  const restMs = wallMs - time.any.inFlightMs - use.pausedMs;
  const latencyServedMs = served.meanMs();
  // The floor again with each call's latency as it was served rather than as injected: how far
  // the wall time is from what these platform calls allowed, whatever made them slower.
  const servedFloorMs = latency && latencyServedMs !== null ? Math.max((minimum.source * latencyServedMs) / concurrency.source, (minimum.target * latencyServedMs) / concurrency.target) : null;
  return {
    status: outcome.result.status,
    counts: outcome.result.counts,
    tickets,
    wallMs,
    calls,
    minimumCalls: minimum,
    callRatio: (calls.source + calls.target) / (minimum.source + minimum.target),
    floorMs: latency ? floorMs : null,
    wallToFloor: latency ? wallMs / floorMs : null,
    servedFloorMs,
    wallToServedFloor: servedFloorMs ? wallMs / servedFloorMs : null,
    d1PerTicket: use.d1Queries / tickets,
    subrequests: use.subrequests,
    chunks: use.chunks,
    refusedForConcurrency: p.sims.source.faults.concurrencyRefusals + p.sims.target.faults.concurrencyRefusals,
    simBusyMs,
    // Where the wall time went. For each kind of call, `summedMs` adds up every call's time
    // (calls overlap: tickets go side by side) and `inFlightMs` is the time with at least one
    // under way; for each platform, `atLimitMs` is the time with as many calls in flight as it
    // allows (the floor needs that all along). A platform call's time is its injected latency as
    // it was served (`latencyServedMs`, mean; `latencyTimerMs` is what the runtime's timer makes
    // of it in an idle isolate), the simulator's handler (`simBusyMs`, all calls) and the trip
    // through the isolate's event loop, which the engine, the simulators and D1's answers share.
    // `restMs` is the wall time with nothing in flight and no pause between chunks: the engine's
    // own work (in local workerd the clock runs while code computes) and the test runner's.
    time: {
      wallMs,
      d1: time.d1,
      r2: time.r2,
      platform: { ...time.platform, latencyMs: latency ? LATENCY_MS : 0, latencyTimerMs: timerMs, latencyServedMs, simBusyMs },
      source: time.source,
      target: time.target,
      d1OrPlatformInFlightMs: time.d1OrPlatform.inFlightMs,
      anyInFlightMs: time.any.inFlightMs,
      pausedMs: use.pausedMs,
      restMs,
    },
    perTicket: {
      // Round trips: a batch is one (the budget's d1PerTicket counts its statements).
      d1Calls: perTicket(time.d1.calls),
      d1Ms: perTicket(time.d1.summedMs),
      r2Ms: perTicket(time.r2.summedMs),
      platformCalls: perTicket(time.platform.calls),
      platformMs: perTicket(time.platform.summedMs),
      simBusyMs: perTicket(simBusyMs),
      restMs: perTicket(restMs),
    },
  };
}
