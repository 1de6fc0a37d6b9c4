// Long runs go in chunks: each within its budget, with progress stored, resumed after an eviction
// or a crash from the last checkpoint, never doing a ticket twice.
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import { runItems, syncRuns } from "../../src/db/schema";
import type { ConnectorClient } from "../../src/connectors/contract";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { BUDGET_KEY, connectionSyncStub } from "../../src/sync/connection-sync";
import { runScheduled } from "../../src/sync/scheduled";
import { ChunkBudget, DEFAULT_BUDGET } from "../../src/sync/engine/budget";
import { beginRun, runChunk, type ChunkOutcome } from "../../src/sync/engine/run-sync";
import { MemoryWorkStore, type WorkItem, type WorkStore } from "../../src/sync/engine/run-state";
import { api, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps, rtAccount } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accounts: { a: string; b: string };
let a: ReturnType<typeof createRequestTrackerSimulator>;
let b: ReturnType<typeof createRequestTrackerSimulator>;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  accounts = { a: await addAccount(org.token, rtAccount("rt-a.sim.test")), b: await addAccount(org.token, rtAccount("rt-b.sim.test")) };
});
beforeEach(() => {
  // The seeded users and queues, without the seeded tickets: each test makes its own backlog.
  a = createRequestTrackerSimulator();
  b = createRequestTrackerSimulator();
  for (const sim of [a, b]) {
    sim.store.tickets.splice(0);
    sim.store.transactions.splice(0);
    sim.store.attachments.splice(0);
  }
  network.mount("rt-a.sim.test", a.app);
  network.mount("rt-b.sim.test", b.app);
});

function client(host: string): ConnectorClient {
  return requestTrackerConnector.create({
    fetch: (input, init) => fetch(input, init),
    config: { baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" }, settings: requestTrackerConnector.settingsSchema.parse({}) },
  });
}

const newConnection = () =>
  createConnection(
    org.organisation.id,
    { source: { accountId: accounts.a }, target: { accountId: accounts.b, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }] },
  );

async function backlog(count: number): Promise<string[]> {
  const source = client("rt-a.sim.test");
  const titles: string[] = [];
  for (let i = 0; i < count; i++) {
    const title = `Backlog ticket ${i + 1}`;
    await source.createTicket("ticket", { title, queueId: "1", statusId: "new", priorityId: "50" });
    titles.push(title);
  }
  return titles;
}

const targetTitles = () => b.store.tickets.map((t) => t.Subject).sort();
const runRow = async (id: string) => (await createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.id, id)))[0]!;
const runsOf = (connectionId: string) => createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.connectionId, connectionId));

async function queueManualRun(connectionId: string): Promise<string> {
  const res = await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { since: "2024-01-01T00:00:00Z" } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { run: { id: string } }).run.id;
}

/** Runs the object's alarms until none is left. */
async function runAlarmsUntilIdle(stub: ReturnType<typeof connectionSyncStub>): Promise<number> {
  let alarms = 0;
  while ((await runDurableObjectAlarm(stub)) || (await stub.progress()) !== null) {
    await stub.drain();
    if (++alarms > 100) throw new Error("the run never ended");
  }
  return alarms;
}

/** Runs alarms until the run under way waits for a later alarm (a Retry-After). */
async function runAlarmUntilPaused(stub: ReturnType<typeof connectionSyncStub>) {
  for (let i = 0; i < 20; i++) {
    await runDurableObjectAlarm(stub);
    await stub.drain();
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    if (alarm !== null && alarm > Date.now() + 10_000) return;
  }
  throw new Error("the run never paused");
}

describe("a long run", () => {
  it("goes in chunks within its ticket budget, storing progress, and ends as one run", async () => {
    const connectionId = await newConnection();
    const titles = await backlog(23);
    const deps = engineDeps();
    const store = new MemoryWorkStore();
    const state = await beginRun(deps, { connectionId, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" }, store);
    const seen: number[] = [];
    let outcome: ChunkOutcome;
    do {
      outcome = await runChunk(deps, store, new ChunkBudget({ ...DEFAULT_BUDGET, tickets: 5 }));
      const row = await runRow(state.request.runId);
      if (outcome.kind === "more") {
        expect(outcome.stoppedBy).toBe("tickets");
        expect(row).toMatchObject({ status: "running", phase: "syncing tickets", ticketsTotal: 23 });
        seen.push(row.ticketsDone);
      }
    } while (outcome.kind === "more");
    // Five tickets a chunk (the first batch of each fits; the next would pass 80%).
    expect(seen).toEqual([5, 10, 15, 20]);
    expect(outcome.result).toMatchObject({ status: "success", counts: { created: 23, failed: 0 } });
    expect(await runRow(state.request.runId)).toMatchObject({ status: "success", created: 23, ticketsDone: 23, ticketsTotal: 23 });
    expect(targetTitles()).toEqual([...titles].sort());
  });

  it("stops a chunk before its subrequest or D1 budget and goes on in the next", async () => {
    const connectionId = await newConnection();
    await backlog(12);
    const store = new MemoryWorkStore();
    await beginRun(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" }, store);
    const stops = new Set<string>();
    let chunks = 0;
    for (;;) {
      const budget = new ChunkBudget({ ...DEFAULT_BUDGET, subrequests: 40, d1Queries: 100 });
      const deps = { ...engineDeps(), fetch: budget.countFetch(engineDeps().fetch), db: createDb(budget.countD1(env.DB)) };
      const outcome = await runChunk(deps, store, budget);
      chunks++;
      // Batches are sized to what is left, so a chunk passes 80% of a limit by one ticket at most.
      expect(budget.use.subrequests).toBeLessThanOrEqual(40);
      expect(budget.use.d1Queries).toBeLessThanOrEqual(100);
      if (outcome.kind === "finished") {
        expect(outcome.result.counts.created).toBe(12);
        break;
      }
      stops.add(outcome.stoppedBy);
    }
    expect(chunks).toBeGreaterThan(2);
    expect([...stops].some((s) => s === "subrequests" || s === "d1Queries")).toBe(true);
    expect(b.store.tickets).toHaveLength(12);
  });

  it("resumes after an eviction between chunks, with no ticket created twice", async () => {
    const connectionId = await newConnection();
    const titles = await backlog(9);
    const stub = connectionSyncStub(env, org.organisation.id, connectionId);
    // The run waits out a Retry-After between chunks: the object is evicted while it waits.
    b.faults.next({ kind: "status", status: 429, retryAfter: "60" }, { method: "POST", path: /\/ticket$/ });
    const asked = await stub.requestRun({ connectionId, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    const runId = asked.kind === "queued" ? asked.runId : "";
    await runAlarmUntilPaused(stub);
    // Tickets go several at once: those already under way when the 429 came may have finished.
    const paused = await stub.progress();
    expect(paused).toMatchObject({ runId, phase: "applying", total: 9 });
    expect(paused!.done).toBeLessThan(9);
    await evictDurableObject(stub);
    await runAlarmsUntilIdle(stub);
    expect(await runRow(runId)).toMatchObject({ status: "success", created: 9, failed: 0, ticketsDone: 9 });
    expect(targetTitles()).toEqual([...titles].sort());
    expect(await createDb(env.DB).select().from(runItems).where(eq(runItems.runId, runId))).toHaveLength(9);
    expect(await stub.progress()).toBeNull();
  });

  it("redoes a batch cut off before its checkpoint without doing anything twice", async () => {
    const connectionId = await newConnection();
    const source = client("rt-a.sim.test");
    const titles = await backlog(6);
    for (const t of a.store.tickets.slice(0, 3)) await source.addComment(String(t.id), "ticket", { body: `Note on ${t.Subject}`, format: "text", public: true });
    const deps = engineDeps();
    const store = new MemoryWorkStore();
    const { request } = await beginRun(deps, { connectionId, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" }, store);
    // Read everything and apply one batch of three, then lose that batch's checkpoint, as a crash
    // between the platform writes and the checkpoint write would.
    const first = await runChunk(deps, store, new ChunkBudget({ ...DEFAULT_BUDGET, tickets: 3 }));
    expect(first.kind).toBe("more");
    const afterRead = await snapshot(store);
    expect(afterRead.state.done).toBe(3);
    await restore(store, { state: { ...afterRead.state, done: 0 }, items: [...(await everythingRead(connectionId, deps)), ...afterRead.items] });
    let outcome: ChunkOutcome;
    do outcome = await runChunk(deps, store, new ChunkBudget());
    while (outcome.kind === "more");
    expect(outcome.result).toMatchObject({ status: "success", counts: { created: 6, failed: 0 } });
    expect(targetTitles()).toEqual([...titles].sort());
    // Each comment once on the target, and one item per ticket in the run.
    const notes = b.store.transactions.filter((t) => t.Type === "Correspond" || t.Type === "Comment");
    expect(notes).toHaveLength(3);
    expect(await createDb(env.DB).select().from(runItems).where(eq(runItems.runId, request.runId))).toHaveLength(6);
  });

  it("pauses on a 429 in the middle and goes on no sooner than Retry-After, failing nothing", async () => {
    const connectionId = await newConnection();
    const titles = await backlog(5);
    b.faults.next({ kind: "status", status: 429, retryAfter: "30", body: JSON.stringify({ message: "Slow down" }) }, { method: "POST", path: /\/ticket$/ });
    const stub = connectionSyncStub(env, org.organisation.id, connectionId);
    const started = Date.now();
    const runId = await queueManualRun(connectionId);
    await runDurableObjectAlarm(stub);
    await stub.drain();
    expect(await runRow(runId)).toMatchObject({ status: "running", failed: 0 });
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarm!).toBeGreaterThanOrEqual(started + 30_000);
    await runAlarmsUntilIdle(stub);
    expect(await runRow(runId)).toMatchObject({ status: "success", created: 5, failed: 0 });
    expect(targetTitles()).toEqual([...titles].sort());
  });
});

describe("the cron's watchdog", () => {
  it("re-arms a run whose alarm was lost, and closes a run row nothing can carry on", async () => {
    const connectionId = await newConnection();
    const titles = await backlog(6);
    const stub = connectionSyncStub(env, org.organisation.id, connectionId);
    b.faults.next({ kind: "status", status: 429, retryAfter: "60" }, { method: "POST", path: /\/ticket$/ });
    const asked = await stub.requestRun({ connectionId, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    const runId = asked.kind === "queued" ? asked.runId : "";
    await runAlarmUntilPaused(stub);
    // The alarm is lost (its retries ran out), and the run has been going for half an hour.
    await runInDurableObject(stub, (_instance, state) => state.storage.deleteAlarm());
    const db = createDb(env.DB);
    const longAgo = new Date(Date.now() - 30 * 60_000).toISOString();
    await db.update(syncRuns).set({ startedAt: longAgo }).where(eq(syncRuns.id, runId));
    // Another connection's run row was left running by an object whose storage is gone.
    const orphanConnection = await newConnection();
    await db.insert(syncRuns).values({ id: "run_orphan", connectionId: orphanConnection, mode: "quick", trigger: "manual", status: "running", startedAt: new Date(Date.now() - 45 * 60_000).toISOString() });

    const report = await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
    expect(report).toMatchObject({ stalled: 2, rearmed: 1 });
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).not.toBeNull();
    await runAlarmsUntilIdle(stub);
    expect(await runRow(runId)).toMatchObject({ status: "success", created: 6 });
    expect(targetTitles()).toEqual([...titles].sort());
    expect(await runRow("run_orphan")).toMatchObject({ status: "failed", errorCode: "internal_error" });
  });
});

describe("triggers arriving during a run", () => {
  it("queue exactly one follow-up, never a parallel run", async () => {
    const connectionId = await newConnection();
    await backlog(8);
    const stub = connectionSyncStub(env, org.organisation.id, connectionId);
    await runInDurableObject(stub, (_instance, state) => state.storage.put(BUDGET_KEY, { tickets: 4 }));
    const first = await queueManualRun(connectionId);
    await runDurableObjectAlarm(stub);
    await stub.drain();
    expect((await stub.progress())?.runId).toBe(first);
    const answers = await Promise.all([1, 2, 3].map(() => stub.requestRun({ connectionId, mode: "quick", trigger: "automatic" })));
    const followUps = new Set(answers.map((x) => (x.kind === "queued" ? x.runId : x.kind)));
    expect(followUps.size).toBe(1);
    expect(followUps.has(first)).toBe(false);
    await runAlarmsUntilIdle(stub);
    const runs = await runsOf(connectionId);
    expect(runs).toHaveLength(2);
    expect(runs.find((r) => r.id === first)).toMatchObject({ status: "success", created: 8 });
    expect(runs.find((r) => r.id !== first)).toMatchObject({ trigger: "automatic", created: 0 });
    expect(b.store.tickets).toHaveLength(8);
  });
});

type Snapshot = { state: NonNullable<Awaited<ReturnType<WorkStore["loadState"]>>>; items: WorkItem[] };

async function snapshot(store: WorkStore): Promise<Snapshot> {
  return { state: (await store.loadState())!, items: await store.peek(await store.count()) };
}

async function restore(store: WorkStore, snap: Snapshot) {
  await store.clear();
  await store.saveState(snap.state);
  for (const item of snap.items) await store.add(item.side, [item.ticket]);
}

/** The source tickets as the run read them (the batch that was "lost" is read back by id). */
async function everythingRead(_connectionId: string, _deps: unknown): Promise<WorkItem[]> {
  const source = client("rt-a.sim.test");
  const done = a.store.tickets.slice(0, 3);
  return Promise.all(done.map(async (t) => ({ side: "source" as const, ticket: await source.getTicket(String(t.id), "ticket") })));
}
