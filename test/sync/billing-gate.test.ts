// Billing that can be switched on: where BILLING_REQUIRED, a connection whose billing
// organisation (either side) is not active stops automatic sync at the next tick (cron and
// webhooks), both sides are told why and what to do, manual sync still works; once billing is
// active again automatic sync resumes where it stopped, nothing lost.
import { env } from "cloudflare:workers";
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import worker from "../../src/index";
import { createDb } from "../../src/db/client";
import { changeCursors, connections, connectionSides, organisations, syncRuns } from "../../src/db/schema";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { runScheduled } from "../../src/sync/scheduled";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { api, BASE, Browser, createOrganisation, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps, rtAccount } from "../support/sync-fixture";
import { createSecret, cwClient, demoConnection, readyForAutomatic, registerCallback } from "../support/webhook-fixture";

const network = useSimulatorNetwork();
const db = () => createDb(env.DB);
const billed = { ...env, BILLING_REQUIRED: "true" } as unknown as Env;
const tick = (e: Env = billed) => runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, e);

/** The Worker with BILLING_REQUIRED on. */
async function billedWorker(request: Request) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, billed, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const billedApi = (path: string, token: string, init: RequestInit & { json?: unknown } = {}) =>
  billedWorker(
    new Request(new URL(`/api/v1${path}`, BASE), {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...(init.json !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    }),
  );

let msp: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let client: Awaited<ReturnType<typeof createOrganisation>>;
let accounts: { a: string; b: string };
let rtA: ReturnType<typeof createRequestTrackerSimulator>;
let rtB: ReturnType<typeof createRequestTrackerSimulator>;

beforeAll(async () => {
  msp = await setupFirstOrganisation("Acme MSP");
  client = await createOrganisation("Contoso");
  accounts = { a: await addAccount(msp.token, rtAccount("rt-a.sim.test")), b: await addAccount(msp.token, rtAccount("rt-b.sim.test")) };
});
beforeEach(() => {
  rtA ??= createRequestTrackerSimulator();
  rtB ??= createRequestTrackerSimulator();
  network.mount("rt-a.sim.test", rtA.app);
  network.mount("rt-b.sim.test", rtB.app);
});

const setBilling = (orgId: string, billingStatus: "none" | "active" | "trial" | "suspended", billingTrialEndsAt: string | null = null) =>
  db().update(organisations).set({ billingStatus, billingTrialEndsAt }).where(eq(organisations.id, orgId));

/** A connection whose first manual run is done and whose automatic sync is on, paid for by `payer`; the only one due. */
async function automaticConnection(payer: string, options: { partner?: boolean } = {}) {
  await db().update(connections).set({ automaticEnabled: false });
  const id = await createConnection(
    msp.organisation.id,
    { source: { accountId: accounts.a, settings: { filters: { queueIds: ["3"] } } }, target: { accountId: accounts.b, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }] },
  );
  await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
  // The client organisation as the target side, for what each side is told. (Its account stays
  // the MSP's, so such a connection shows its state but does not run.)
  if (options.partner) await db().update(connectionSides).set({ orgId: client.organisation.id }).where(and(eq(connectionSides.connectionId, id), eq(connectionSides.side, "target")));
  await db().update(connections).set({ automaticEnabled: true, billingOrgId: payer, internal: !options.partner }).where(eq(connections.id, id));
  return id;
}

const pendingRun = (id: string) => runInDurableObject(connectionSyncStub(env, msp.organisation.id, id), (_i, state) => state.storage.get<{ trigger: string }>("pending"));
const cursorsOf = (id: string) => db().select().from(changeCursors).where(eq(changeCursors.connectionId, id)).orderBy(changeCursors.side);

async function finishWokenRun(id: string) {
  const stub = connectionSyncStub(env, msp.organisation.id, id);
  await runDurableObjectAlarm(stub);
  await stub.drain();
}

describe("the cron, where billing is required", () => {
  it("skips a connection whose billing organisation is suspended, and resumes it with nothing lost once it is active", async () => {
    const id = await automaticConnection(msp.organisation.id);
    await setBilling(msp.organisation.id, "suspended");
    const cursors = await cursorsOf(id);
    expect(cursors.length).toBeGreaterThan(0);

    expect(await tick()).toMatchObject({ due: 0, woken: 0 });
    expect(await pendingRun(id)).toBeUndefined();

    // A change made while stopped...
    const rt = requestTrackerConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: "https://rt-a.sim.test", credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" }, settings: requestTrackerConnector.settingsSchema.parse({}) } });
    const ticket = (await rt.listChanged({ since: "2024-01-01T00:00:00Z", cursor: null, ticketType: "ticket" })).tickets.find((t) => t.queue?.id === "3")!;
    await rt.updateTicket(ticket.id, "ticket", { title: "Changed while billing was suspended" });
    expect(await tick()).toMatchObject({ due: 0 });
    // ...and the cursors untouched while stopped.
    expect(await cursorsOf(id)).toEqual(cursors);

    await setBilling(msp.organisation.id, "active");
    expect(await tick()).toMatchObject({ due: 1, woken: 1, failed: 0 });
    expect(await pendingRun(id)).toMatchObject({ trigger: "automatic" });
    await finishWokenRun(id);
    const [run] = await db().select().from(syncRuns).where(and(eq(syncRuns.connectionId, id), eq(syncRuns.trigger, "automatic")));
    expect(run, JSON.stringify(run)).toMatchObject({ status: "success", updated: 1 });
  });

  it("runs a trial until its end date, and stops it after", async () => {
    const id = await automaticConnection(msp.organisation.id);
    await setBilling(msp.organisation.id, "trial", new Date(Date.now() + 86_400_000).toISOString());
    expect(await tick()).toMatchObject({ due: 1, woken: 1 });
    await finishWokenRun(id);
    await setBilling(msp.organisation.id, "trial", new Date(Date.now() - 1000).toISOString());
    expect(await tick()).toMatchObject({ due: 0 });
  });

  it("skips a connection nobody pays for, and one paid for by an organisation never set up", async () => {
    await automaticConnection(msp.organisation.id);
    await setBilling(msp.organisation.id, "none");
    expect(await tick()).toMatchObject({ due: 0 });
    const id = await automaticConnection(msp.organisation.id);
    await db().update(connections).set({ billingOrgId: null }).where(eq(connections.id, id));
    await setBilling(msp.organisation.id, "active");
    expect(await tick()).toMatchObject({ due: 0 });
  });

  it("changes nothing where the install does not require billing", async () => {
    const id = await automaticConnection(msp.organisation.id);
    await setBilling(msp.organisation.id, "suspended");
    expect(await tick(env)).toMatchObject({ due: 1, woken: 1 });
    await finishWokenRun(id);
  });
});

type Status = { state: string; label: string; billingOrganisation: { name: string; yours: boolean } | null; automaticBlockedBy: { code: string; message: string } | null; nextAutomaticCheckAt: string | null };

describe("both sides of a stopped connection", () => {
  it("see billing_required with what to do, on sync-status and the Sync page; manual sync still runs", async () => {
    const id = await automaticConnection(client.organisation.id, { partner: true });
    await setBilling(client.organisation.id, "suspended");
    await setBilling(msp.organisation.id, "active");

    const theirs = (await (await billedApi(`/connections/${id}/sync-status`, client.token)).json()) as Status;
    expect(theirs).toMatchObject({ state: "billing_required", label: "Stopped: billing required", nextAutomaticCheckAt: null, automaticBlockedBy: { code: "billing_required" } });
    expect(theirs.automaticBlockedBy!.message).toMatch(/your organisation, which pays for this connection, has its billing suspended\. Ask your Lockstep provider to reactivate it/);

    expect(theirs.billingOrganisation).toEqual({ name: "Contoso", yours: true });
    const ours = (await (await billedApi(`/connections/${id}/sync-status`, msp.token)).json()) as Status;
    expect(ours.billingOrganisation).toEqual({ name: "Contoso", yours: false });
    expect(ours).toMatchObject({ state: "billing_required", automaticBlockedBy: { code: "billing_required" } });
    expect(ours.automaticBlockedBy!.message).toMatch(/Contoso, which pays for this connection, has its billing suspended\. Ask them to reactivate it .* or switch automatic sync off and on again/);

    const browser = new Browser();
    expect((await browser.signIn(client.email)).status).toBe(303);
    const page = await billedWorker(new Request(new URL(`/connections/${id}/sync`, BASE), { headers: { Cookie: `__Host-lockstep_session=${browser.cookie("__Host-lockstep_session")}`, Accept: "text/html" } }));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Stopped: billing required");
    expect(html).toContain('data-code="billing_required"');
    expect(html).toContain("On, but stopped for billing");
    expect(html).toContain("Paid for by your organisation");

    const dashboard = (await (await billedApi("/dashboard", client.token)).json()) as { connections: { id: string; syncState: string; syncLabel: string }[] };
    expect(dashboard.connections.find((c) => c.id === id)).toMatchObject({ syncState: "billing_required", syncLabel: "Stopped: billing required" });

    // A manual run is still taken (what it then does is the engine's business: see the cron test).
    const manual = await billedApi(`/connections/${id}/runs`, msp.token, { method: "POST", json: {} });
    expect(manual.status).toBe(202);
    const runStub = connectionSyncStub(env, msp.organisation.id, id);
    await runDurableObjectAlarm(runStub);
    await runStub.drain();

    // Taking the bill over: switched off and on by the side whose billing is active, it runs again.
    expect((await billedApi(`/connections/${id}/automatic`, msp.token, { method: "PUT", json: { enabled: false } })).status).toBe(200);
    const on = await billedApi(`/connections/${id}/automatic`, msp.token, { method: "PUT", json: { enabled: true } });
    expect(await on.json()).toMatchObject({ enabled: true, state: "running", billingOrganisationId: msp.organisation.id });
    expect(((await (await billedApi(`/connections/${id}/sync-status`, client.token)).json()) as Status).automaticBlockedBy).toBeNull();
    expect(await tick()).toMatchObject({ due: 1, woken: 1 });
    await finishWokenRun(id);
    await db().update(connections).set({ automaticEnabled: false }).where(eq(connections.id, id));
  });

  it("cannot switch automatic sync on from an organisation whose own billing is not active", async () => {
    const id = await automaticConnection(msp.organisation.id);
    await db().update(connections).set({ automaticEnabled: false }).where(eq(connections.id, id));
    await setBilling(msp.organisation.id, "suspended");
    const refused = await billedApi(`/connections/${id}/automatic`, msp.token, { method: "PUT", json: { enabled: true } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "billing_required", message: expect.stringMatching(/has its billing suspended/) });
    await setBilling(msp.organisation.id, "trial", new Date(Date.now() + 86_400_000).toISOString());
    expect((await billedApi(`/connections/${id}/automatic`, msp.token, { method: "PUT", json: { enabled: true } })).status).toBe(200);
  });
});

describe("a webhook, where billing is required", () => {
  it("queues nothing while the billing organisation is suspended, saying why", async () => {
    const cw = createConnectWiseSimulator({ webhooks: billedWorker });
    const sn = createServiceNowSimulator({ webhooks: billedWorker });
    network.mount("cw.sim.test", cw.app);
    network.mount("sn.sim.test", sn.app);
    await setBilling(msp.organisation.id, "active");
    const id = await demoConnection(msp);
    await readyForAutomatic(msp.token, id);
    await setBilling(msp.organisation.id, "suspended");
    const { url } = await createSecret(msp.token, id, "source");
    await registerCallback(url);
    const ticket = [...cw.store.tickets.values()].find((t) => t.board.id === 1)!;
    await cwClient().updateTicket(String(ticket.id), "ticket", { title: "Pushed while suspended" });
    await cw.webhooks.flush();
    expect(cw.webhooks.sent.map((s) => s.status)).toEqual([202]);
    expect(JSON.parse(cw.webhooks.sent[0]!.answer!)).toMatchObject({ accepted: true, queued: false, reason: "billing_required" });
    expect(await runInDurableObject(connectionSyncStub(env, msp.organisation.id, id), (_i, state) => state.storage.get("pending"))).toBeUndefined();
    await api(`/connections/${id}/automatic`, msp.token, { method: "PUT", json: { enabled: false } });
  });
});
