// The benchmark's scenarios, one per run (BENCH_SCENARIO), inside workerd against the simulators
// with each vendor's concurrency limit and a fixed per-call latency injected. Each prints one
// `BENCH_RESULT {json}` line; scripts/bench.mjs runs them, adds peak memory and prints the table.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { ConnectorClient } from "../../src/connectors/contract";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { servicenowConnector } from "../../src/connectors/servicenow/index";
import { useOutboundFetch } from "../../src/connectors/outbound-fetch";
import type { FetchLike } from "../../src/connectors/http-client";
import { createDb } from "../../src/db/client";
import { connections } from "../../src/db/schema";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { newId } from "../../src/lib/ids";
import { nowIso } from "../../src/lib/time";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import type { FaultPlan } from "../../src/simulators/faults";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { ChunkBudget } from "../../src/sync/engine/budget";
import { beginRun, runChunk, type EngineDeps } from "../../src/sync/engine/run-sync";
import { MemoryWorkStore } from "../../src/sync/engine/run-state";
import { runScheduled } from "../../src/sync/scheduled";
import { api, setupFirstOrganisation } from "../helpers";
import { addAccount, createConnection } from "../support/sync-fixture";
import { sourceMinimum, targetMinimum, type Backlog, type SidePlatform } from "./minimum-calls";

const bindings = env as unknown as Record<string, string>;
const SCENARIO = bindings.BENCH_SCENARIO ?? "";
const LATENCY_MS = Number(bindings.BENCH_LATENCY_MS || "5");
const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";
const SN = { authType: "basic" as const, username: "lockstep.integration", password: "sn-password" };
const RT = { kind: "basic" as const, username: "lockstep", password: "lockstep-password" };
const FILE_BYTES = 200 * 1024;

function report(result: Record<string, unknown>) {
  console.log(`BENCH_RESULT ${JSON.stringify({ scenario: SCENARIO, latencyMs: LATENCY_MS, ...result })}`);
}

type App = { fetch: (request: Request) => Response | Promise<Response> };
type Sim = { app: App; faults: FaultPlan };

/** Every platform reached in process, as the demo does: no interception layer in the figures. */
function network(hosts: Record<string, App>): FetchLike {
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

function client(platform: SidePlatform, baseUrl: string, fetch: FetchLike): ConnectorClient {
  if (platform === "connectwise") return connectwiseConnector.create({ fetch, config: { baseUrl, credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });
  if (platform === "servicenow") return servicenowConnector.create({ fetch, config: { baseUrl, credentials: SN, settings: servicenowConnector.settingsSchema.parse({}) } });
  return requestTrackerConnector.create({ fetch, config: { baseUrl, credentials: RT, settings: requestTrackerConnector.settingsSchema.parse({}) } });
}

/** At most `limit` of `work` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
}

function file(i: number): ReadableStream<Uint8Array> {
  const bytes = new Uint8Array(FILE_BYTES);
  for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 31 + j) & 0xff;
  return new Blob([bytes]).stream();
}

type Pair = {
  name: string;
  platforms: { source: SidePlatform; target: SidePlatform };
  sims: { source: Sim; target: Sim };
  connectionId: string;
  source: ConnectorClient;
  fetch: FetchLike;
  backlog: Backlog;
};

/** A connection between two fresh simulators and a source backlog of `tickets`, 3 comments each,
 * one ticket in ten with a 200 KB file. */
async function pair(kind: "cw-sn" | "rt-rt", tickets: number): Promise<Pair> {
  const org = await setupFirstOrganisation();
  const comments = { public: true, internal: true };
  let result: Omit<Pair, "backlog">;
  let requesters = 0;
  if (kind === "cw-sn") {
    const cw = createConnectWiseSimulator();
    const sn = createServiceNowSimulator();
    cw.store.tickets.clear();
    cw.store.notes.splice(0);
    const fetch = network({ "cw.sim.test": cw.app, "sn.sim.test": sn.app });
    const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
    const source = await addAccount(org.token, { name: "CW", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } });
    const target = await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: SN });
    const connectionId = await createConnection(
      org.organisation.id,
      {
        source: { accountId: source, settings: { ...DEMO_SIDE_SETTINGS.source, comments, attachments: { enabled: true } } },
        target: { accountId: target, settings: { ...DEMO_SIDE_SETTINGS.target, comments, attachments: { enabled: true } } },
      },
      { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
    );
    const contacts = cw.store.contacts.slice(0, 4);
    requesters = contacts.length;
    const companyIdOf = cw.store.companies[0]!.id;
    result = { name: kind, platforms: { source: "connectwise", target: "servicenow" }, sims: { source: cw, target: sn }, connectionId, source: client("connectwise", CW_BASE, fetch), fetch };
    await seed(result.source, tickets, (i) => ({ title: `Printer ${i} jams`, queueId: "1", statusId: "11", priorityId: String(1 + (i % 4)), companyId: String(companyIdOf), requester: contacts[i % contacts.length] ? { id: String(contacts[i % contacts.length]!.id), name: null, email: null } : undefined }));
  } else {
    const a = createRequestTrackerSimulator();
    const b = createRequestTrackerSimulator();
    for (const sim of [a, b]) {
      sim.store.tickets.splice(0);
      sim.store.transactions.splice(0);
      sim.store.attachments.splice(0);
    }
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
    result = { name: kind, platforms: { source: "request-tracker", target: "request-tracker" }, sims: { source: a, target: b }, connectionId, source: client("request-tracker", "https://rt-a.sim.test", fetch), fetch };
    await seed(result.source, tickets, (i) => ({ title: `Mailbox ${i} full`, queueId: "3", statusId: "new", priorityId: String(10 * (i % 5)) }));
  }
  const targetChanged = 0;
  return { ...result, backlog: { tickets, comments: 3, files: Math.ceil(tickets / 10), requesters, targetChanged } };
}

async function seed(source: ConnectorClient, tickets: number, fields: (i: number) => Parameters<ConnectorClient["createTicket"]>[1]) {
  await pool(
    Array.from({ length: tickets }, (_, i) => i),
    8,
    async (i) => {
      const ticket = await source.createTicket("ticket", { ...fields(i), description: `Line one of ${i}\nLine two` });
      for (let c = 0; c < 3; c++) await source.addComment(ticket.id, "ticket", { body: `Comment ${c} on ${i}`, format: "text", public: c !== 1 });
      if (i % 10 === 0) await source.uploadAttachment(ticket.id, "ticket", { fileName: `log-${i}.bin`, contentType: "application/octet-stream", size: FILE_BYTES, body: file(i) });
    },
  );
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

async function fullSync(p: Pair, latency: boolean) {
  const concurrency = latency ? { source: limit(p.sims.source, p.platforms.source), target: limit(p.sims.target, p.platforms.target) } : { source: 1, target: 1 };
  if (!latency) for (const sim of [p.sims.source, p.sims.target]) Object.assign(sim.faults, { latencyMs: 0, busyMs: 0 }).calls.length = 0;
  const use = { subrequests: 0, d1Queries: 0, chunks: 0 };
  const store = new MemoryWorkStore();
  const started = Date.now();
  const base: EngineDeps = { db: createDb(env.DB), encryptionKey: env.ENCRYPTION_KEY, allowLoopbackHttp: false, fetch: p.fetch, attachments: env.ATTACHMENTS };
  await beginRun(base, { connectionId: p.connectionId, mode: "quick", trigger: "manual", since: "2020-01-01T00:00:00Z" }, store);
  let outcome;
  do {
    const budget = new ChunkBudget();
    const deps: EngineDeps = { ...base, db: createDb(budget.countD1(env.DB)), fetch: budget.countFetch(p.fetch), attachments: budget.countR2(env.ATTACHMENTS) };
    outcome = await runChunk(deps, store, budget);
    use.subrequests += budget.use.subrequests;
    use.d1Queries += budget.use.d1Queries;
    use.chunks++;
    if (outcome.kind === "more" && outcome.delayMs > 0) await scheduler.wait(outcome.delayMs);
  } while (outcome.kind === "more");
  const wallMs = Date.now() - started;
  const breakdown = (sim: Sim) => Object.entries(sim.faults.calls.reduce<Record<string, number>>((acc, c) => ((acc[`${c.method} ${c.path.replace(/[0-9a-f]{32}|\d+/g, ":id")}`] = (acc[`${c.method} ${c.path.replace(/[0-9a-f]{32}|\d+/g, ":id")}`] ?? 0) + 1), acc), {})).sort((a, b) => b[1] - a[1]);
  console.log("BENCH_CALLS", JSON.stringify({ source: breakdown(p.sims.source), target: breakdown(p.sims.target) }));
  const calls = { source: p.sims.source.faults.calls.length, target: p.sims.target.faults.calls.length };
  const minimum = { source: sourceMinimum(p.platforms.source, p.backlog), target: targetMinimum(p.platforms.target, p.backlog) };
  const floorMs = Math.max((minimum.source * LATENCY_MS) / concurrency.source, (minimum.target * LATENCY_MS) / concurrency.target);
  const simBusyMs = p.sims.source.faults.busyMs + p.sims.target.faults.busyMs;
  return {
    status: outcome.result.status,
    counts: outcome.result.counts,
    tickets: p.backlog.tickets,
    wallMs,
    calls,
    minimumCalls: minimum,
    callRatio: (calls.source + calls.target) / (minimum.source + minimum.target),
    floorMs: latency ? floorMs : null,
    wallToFloor: latency ? wallMs / floorMs : null,
    d1PerTicket: use.d1Queries / p.backlog.tickets,
    subrequests: use.subrequests,
    chunks: use.chunks,
    refusedForConcurrency: p.sims.source.faults.concurrencyRefusals + p.sims.target.faults.concurrencyRefusals,
    simBusyMs,
    engineMsPerTicket: (wallMs - simBusyMs) / p.backlog.tickets,
  };
}

it(`scenario ${SCENARIO || "(none: run through npm run bench)"}`, async () => {
  const full = /^(cw-sn|rt-rt)-(\d+)$/.exec(SCENARIO);
  if (full) {
    const p = await pair(full[1] as "cw-sn" | "rt-rt", Number(full[2]));
    const result = await fullSync(p, true);
    expect(result.status).toBe("success");
    report(result);
    return;
  }
  if (SCENARIO === "engine-overhead") {
    const p = await pair("cw-sn", 1_000);
    const result = await fullSync(p, false);
    expect(result.status).toBe("success");
    report({ tickets: result.tickets, wallMs: result.wallMs, simBusyMs: result.simBusyMs, engineMsPerTicket: result.engineMsPerTicket, d1PerTicket: result.d1PerTicket });
    return;
  }
  if (SCENARIO === "webhook-latency" || SCENARIO === "idle-tick") {
    report(await webhookAndIdle());
    return;
  }
  if (SCENARIO === "cron-fanout") {
    report(await cronFanOut(10_000, 1_000));
    return;
  }
  console.log("Set BENCH_SCENARIO (see scripts/bench.mjs).");
});

/** The demo's pair with signed callbacks into the Worker: changes on ConnectWise, timed until
 * ServiceNow shows them; then one quiet cron tick, counted. */
async function webhookAndIdle() {
  const org = await setupFirstOrganisation();
  const toWorker = (request: Request) => exports.default.fetch(request);
  const cw = createConnectWiseSimulator({ webhooks: toWorker });
  const sn = createServiceNowSimulator({ webhooks: toWorker });
  const route = network({ "cw.sim.test": cw.app, "sn.sim.test": sn.app });
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const source = await addAccount(org.token, { name: "CW", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } });
  const target = await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: SN });
  const connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: DEMO_SIDE_SETTINGS.source }, target: { accountId: target, settings: DEMO_SIDE_SETTINGS.target } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
  const stub = connectionSyncStub(env, org.organisation.id, connectionId);
  const cwApi = client("connectwise", CW_BASE, route);
  const snApi = client("servicenow", "https://sn.sim.test", route);
  // The first run by hand, automatic sync on, the callback registered as the setup steps say.
  const first = await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { since: "2020-01-01T00:00:00Z" } });
  expect(first.status).toBe(202);
  while (await runDurableObjectAlarm(stub)) await stub.drain();
  expect((await api(`/connections/${connectionId}/automatic`, org.token, { method: "PUT", json: { enabled: true } })).status).toBe(200);
  await createDb(env.DB).update(connections).set({ manualCooldownSeconds: 0 }).where(eq(connections.id, connectionId));
  const secret = (await (await api(`/connections/${connectionId}/webhooks/source/secret`, org.token, { method: "POST", json: {} })).json()) as { url: string };
  const hook = secret.url.replace(/^https?:\/\/[^/]+/, "https://lockstep.test");
  const registered = await route(`${CW_BASE}/system/callbacks`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${companyId}+${publicKey}:${privateKey}`)}`, clientId, "Content-Type": "application/json" },
    body: JSON.stringify({ url: hook, type: "Ticket", level: "Owner", description: "Lockstep", isSelfSuppressedFlag: false }),
  });
  expect(registered.status).toBe(201);
  for (const sim of [cw, sn]) Object.assign(sim.faults, { latencyMs: LATENCY_MS });
  while (await runDurableObjectAlarm(stub)) await stub.drain();

  const boardTickets = [...cw.store.tickets.values()].filter((t) => t.board.id === 1).map((t) => String(t.id));
  const latencies: number[] = [];
  if (SCENARIO === "webhook-latency") {
    for (let i = 0; i < 100; i++) {
      const id = boardTickets[i % boardTickets.length]!;
      const title = `Changed ${i} on ConnectWise`;
      const started = Date.now();
      await cwApi.updateTicket(id, "ticket", { title });
      // The callback goes out, the Worker answers 202 and the object's alarm (due at once) runs.
      for (let tries = 0; ; tries++) {
        await cw.webhooks.flush();
        if (await runDurableObjectAlarm(stub)) await stub.drain();
        const incident = await snApi.findByPartnerReference("incident", id);
        if (incident?.title === title) break;
        if (tries > 50) throw new Error(`change ${i} never arrived`);
      }
      latencies.push(Date.now() - started);
      await sn.webhooks.flush();
      while (await runDurableObjectAlarm(stub)) await stub.drain();
    }
    latencies.sort((x, y) => x - y);
    return { changes: latencies.length, p50Ms: latencies[Math.floor(latencies.length * 0.5)], p99Ms: latencies[Math.ceil(latencies.length * 0.99) - 1] };
  }
  // Idle: everything in step, one cron tick. The platforms stamp to the second and a run re-reads
  // what was stamped in its last two seconds, so the ticks before are spaced as real ones are.
  const tick = async () => {
    await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
    while (await runDurableObjectAlarm(stub)) await stub.drain();
  };
  await tick();
  await scheduler.wait(2_500);
  await tick();
  await scheduler.wait(2_500);
  cw.faults.calls.length = 0;
  sn.faults.calls.length = 0;
  const before = await stub.usage();
  const cron = await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
  while (await runDurableObjectAlarm(stub)) await stub.drain();
  const after = await stub.usage();
  return {
    calls: { source: cw.faults.calls.length, target: sn.faults.calls.length },
    listCalls: { source: cw.faults.calls.filter((c) => c.method === "GET" && /\/service\/tickets$/.test(c.path)).length, target: sn.faults.calls.filter((c) => c.method === "GET" && /\/table\/incident$/.test(c.path)).length },
    d1Statements: cron.queries + (after.d1Queries - before.d1Queries),
    cronQueries: cron.queries,
    objectD1: after.d1Queries - before.d1Queries,
  };
}

async function cronFanOut(total: number, automatic: number) {
  const org = await setupFirstOrganisation();
  const db = createDb(env.DB);
  const now = nowIso();
  const every = Math.floor(total / automatic);
  const rows = Array.from({ length: total }, (_, i) => ({
    id: newId("con"),
    name: `Connection ${i}`,
    createdByOrgId: org.organisation.id,
    status: "active" as const,
    internal: true,
    automaticEnabled: i % every === 0,
    settings: "{}",
    createdAt: now,
    updatedAt: now,
  }));
  const inserts = [];
  for (let i = 0; i < rows.length; i += 5) inserts.push(db.insert(connections).values(rows.slice(i, i + 5)));
  for (let i = 0; i < inserts.length; i += 50) await db.batch(inserts.slice(i, i + 50) as [(typeof inserts)[number], ...typeof inserts]);
  const started = Date.now();
  const report = await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
  const wakeMs = Date.now() - started;
  // Every Durable Object call and every D1 query is a subrequest of the cron's invocation.
  return { connections: total, due: report.due, woken: report.woken, failed: report.failed, d1Queries: report.queries, subrequests: report.queries + report.woken + report.failed + report.stalled, wakeMs };
}
