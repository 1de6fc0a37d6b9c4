import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import { connections, organisations, syncRuns } from "../../src/db/schema";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { setAutomatic } from "../../src/services/automatic-sync";
import { runSync } from "../../src/sync/engine/run-sync";
import { runScheduled } from "../../src/sync/scheduled";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
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
  a ??= createRequestTrackerSimulator();
  b ??= createRequestTrackerSimulator();
  network.mount("rt-a.sim.test", a.app);
  network.mount("rt-b.sim.test", b.app);
});

const newConnection = () =>
  createConnection(
    org.organisation.id,
    { source: { accountId: accounts.a, settings: { filters: { queueIds: ["3"] } } }, target: { accountId: accounts.b, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }] },
  );
const automatic = (id: string, enabled: boolean) => api(`/connections/${id}/automatic`, org.token, { method: "PUT", json: { enabled } });

describe("automatic sync", () => {
  it("needs a completed manual run first, then runs", async () => {
    const id = await newConnection();
    const refused = await automatic(id, true);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("initial_sync_required");
    await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    const on = await automatic(id, true);
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ enabled: true, state: "running", label: "Running", billingOrganisationId: org.organisation.id });
    expect(((await (await automatic(id, false)).json()) as { label: string }).label).toBe("Ready for automatic sync");
  });

  it("needs active billing where the install requires it", async () => {
    const id = await newConnection();
    await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    const db = createDb(env.DB);
    const owner = { orgId: org.organisation.id, orgName: "Acme MSP", userId: org.owner.id, userName: "Olivia", userEmail: org.email, role: "owner" as const, via: "token" as const };
    await expect(setAutomatic(db, owner, id, true, { billingRequired: true })).rejects.toMatchObject({ code: "billing_required" });
    await db.update(organisations).set({ billingStatus: "active" }).where(eq(organisations.id, org.organisation.id));
    expect((await setAutomatic(db, owner, id, true, { billingRequired: true })).enabled).toBe(true);
    await db.update(organisations).set({ billingStatus: "none" }).where(eq(organisations.id, org.organisation.id));
  });
});

describe("an automatic run that finds nothing", () => {
  it("lists once per side, leaves no run in the history, and writes only when it checked", async () => {
    // Platforms of its own: the other tests' connections (and their objects' alarms) use a and b.
    const source = createRequestTrackerSimulator();
    const target = createRequestTrackerSimulator();
    network.mount("rt-idle-a.sim.test", source.app);
    network.mount("rt-idle-b.sim.test", target.app);
    const id = await createConnection(
      org.organisation.id,
      {
        source: { accountId: await addAccount(org.token, rtAccount("rt-idle-a.sim.test")), settings: { filters: { queueIds: ["3"] } } },
        target: { accountId: await addAccount(org.token, rtAccount("rt-idle-b.sim.test")), settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } },
      },
      { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }] },
    );
    await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    const db = createDb(env.DB);
    const [{ createdByOrgId }] = (await db.select({ createdByOrgId: connections.createdByOrgId }).from(connections).where(eq(connections.id, id))) as [{ createdByOrgId: string }];
    const stub = connectionSyncStub(env, createdByOrgId, id);
    const tick = async () => {
      await stub.requestRun({ connectionId: id, mode: "quick", trigger: "automatic" });
      while (await runDurableObjectAlarm(stub)) await stub.drain();
    };
    // Platforms stamp to the second, so what the first run wrote is looked at once more (the
    // cursor re-reads its last two seconds); ticks are minutes apart, so wait those out here.
    await scheduler.wait(2_100);
    await tick();
    await scheduler.wait(2_100);
    const runsBefore = (await db.select().from(syncRuns).where(eq(syncRuns.connectionId, id))).length;
    const before = await stub.usage();
    source.faults.calls.length = 0;
    target.faults.calls.length = 0;
    await tick();
    const after = await stub.usage();
    // One list call per side, and nothing written. (RT's listing also reads each listed ticket's
    // history for its description: the tickets of the last two minutes, which the cursor re-lists.)
    const lists = (sim: typeof source) => sim.faults.calls.filter((c) => c.method === "GET" && c.path.endsWith("/tickets")).length;
    expect({ source: lists(source), target: lists(target) }).toEqual({ source: 1, target: 1 });
    expect(source.faults.writes() + target.faults.writes()).toBe(0);
    // One statement reads the connection with its cursors; one records the check.
    expect(after.d1Queries - before.d1Queries).toBe(2);
    expect((await db.select().from(syncRuns).where(eq(syncRuns.connectionId, id))).length).toBe(runsBefore);
    const [row] = await db.select({ lastCheckedAt: connections.lastCheckedAt }).from(connections).where(eq(connections.id, id));
    expect(Date.now() - Date.parse(row!.lastCheckedAt!)).toBeLessThan(10_000);
  });
});

describe("pause and resume", () => {
  it("stop every run while paused, and the next run after resuming picks up what changed meanwhile", async () => {
    const id = await newConnection();
    await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    expect((await api(`/connections/${id}/pause`, org.token, { method: "POST" })).status).toBe(200);
    const refused = await api(`/connections/${id}/runs`, org.token, { method: "POST", json: {} });
    expect(refused.status).toBe(409);
    const rt = requestTrackerConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: "https://rt-a.sim.test", credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" }, settings: requestTrackerConnector.settingsSchema.parse({}) } });
    const changed = (await rt.listChanged({ since: "2024-01-01T00:00:00Z", cursor: null, ticketType: "ticket" })).tickets.find((t) => t.queue?.id === "3")!;
    await rt.updateTicket(changed.id, "ticket", { title: "Changed while paused" });
    expect((await api(`/connections/${id}/resume`, org.token, { method: "POST" })).status).toBe(200);
    const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "automatic" });
    expect(result.counts.updated).toBe(1);
  });
});

describe("the cron", () => {
  it("wakes each connection with automatic sync on and not paused, once", async () => {
    const db = createDb(env.DB);
    await db.update(connections).set({ automaticEnabled: false });
    const due = [await newConnection(), await newConnection(), await newConnection()];
    const paused = await newConnection();
    await newConnection(); // automatic sync off: not woken
    for (const id of [...due, paused]) await db.update(connections).set({ automaticEnabled: true }).where(eq(connections.id, id));
    await db.update(connections).set({ status: "paused" }).where(eq(connections.id, paused));
    const before = await db.select().from(connections).where(eq(connections.automaticEnabled, true));
    const report = await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
    expect(report).toMatchObject({ due: 3, woken: 3, failed: 0 });
    // Each woken object holds one automatic run, waiting (its row is written once it finds work).
    const waiting = async (id: string) => {
      const c = before.find((b) => b.id === id)!;
      return runInDurableObject(connectionSyncStub(env, c.createdByOrgId, id), (_instance, state) => state.storage.get<{ trigger: string }>("pending"));
    };
    for (const id of due) expect(await waiting(id)).toMatchObject({ trigger: "automatic" });
    expect(await waiting(paused)).toBeUndefined();
    // Let the woken objects finish their runs before the test's storage goes away.
    for (const c of before.filter((c) => c.status === "active")) {
      const stub = connectionSyncStub(env, c.createdByOrgId, c.id);
      await runDurableObjectAlarm(stub);
      await stub.drain();
    }
  });
});
