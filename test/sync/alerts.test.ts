import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { Hono } from "hono";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import { connections } from "../../src/db/schema";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { ALERT_AFTER, nextAlertState, sendAlert, type AlertState } from "../../src/sync/alerts";
import { SYNC_ERRORS } from "../../src/sync/engine/sync-errors";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { addUser, api, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection } from "../support/sync-fixture";

const network = useSimulatorNetwork();
const a = createRequestTrackerSimulator();
const b = createRequestTrackerSimulator();
const received: { kind: string; reason: string | null }[] = [];
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let connectionId: string;
let targetAccount: string;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  const rt = (host: string, password: string) => ({ name: host, platform: "request-tracker", baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password } });
  targetAccount = await addAccount(org.token, rt("rt-b.sim.test", "expired-password"));
  connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: await addAccount(org.token, rt("rt-a.sim.test", "lockstep-password")) }, target: { accountId: targetAccount, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }], settings: { alerts: { webhookUrl: "https://alerts.sim.test/lockstep" } } },
  );
  await createDb(env.DB).update(connections).set({ manualCooldownSeconds: 0 }).where(eq(connections.id, connectionId));
});
beforeEach(() => {
  network.mount("rt-a.sim.test", a.app);
  network.mount("rt-b.sim.test", b.app);
  network.mount(
    "alerts.sim.test",
    new Hono().post("/lockstep", async (c) => {
      received.push(await c.req.json());
      return c.body(null, 204);
    }),
  );
});

async function runOnce() {
  await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { since: "2024-01-01T00:00:00Z" } });
  const stub = connectionSyncStub(env, org.organisation.id, connectionId);
  await runDurableObjectAlarm(stub);
  await stub.drain();
}

describe("alerts", () => {
  it("tell the admins once when the credentials stop working, and once when it recovers", async () => {
    for (let i = 0; i < 4; i++) await runOnce();
    expect(received).toEqual([expect.objectContaining({ kind: "failing", reason: "auth_failed" })]);
    await api(`/platform-accounts/${targetAccount}`, org.token, { method: "PATCH", json: { credentials: { password: "lockstep-password" } } });
    await runOnce();
    await runOnce();
    expect(received.map((r) => r.kind)).toEqual(["failing", "recovered"]);
  });

  it(`come after ${ALERT_AFTER} failed runs in a row for other failures, and never again until recovery`, () => {
    let state: AlertState = { failuresInRow: 0, alerted: false };
    const sent: string[] = [];
    const step = (status: "failed" | "success", code: string | null = "platform_unavailable") => {
      const next = nextAlertState(state, status, code);
      state = next.state;
      if (next.send) sent.push(next.send);
    };
    for (let i = 0; i < ALERT_AFTER - 1; i++) step("failed");
    expect(sent).toEqual([]);
    step("failed");
    expect(sent).toEqual(["failing"]);
    for (let i = 0; i < 50; i++) step("failed");
    expect(sent).toEqual(["failing"]);
    step("success", null);
    step("success", null);
    expect(sent).toEqual(["failing", "recovered"]);
  });
});

describe("alert emails", () => {
  it("go to the connection's alert addresses, or else to the owners and admins of its organisations, with the advice", async () => {
    const sent: EmailMessageBuilder[] = [];
    // Cloudflare's email binding is the platform's; what we check is what we hand it.
    const binding = { send: async (message: EmailMessageBuilder) => (sent.push(message), { messageId: `m${sent.length}` }) } as unknown as SendEmail;
    const channels = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), allowLoopbackHttp: false, email: { binding, from: "alerts@lockstep.example" } };
    const admin = await addUser(org.organisation.id, "admin");
    await addUser(org.organisation.id, "viewer");
    const db = createDb(env.DB);

    const failing = await sendAlert(db, channels, { kind: "failing", connectionId, failuresInRow: 10, reason: "auth_failed", at: "2026-11-23T09:00:00.000Z" });
    expect(failing.emailedTo.sort()).toEqual([org.email, admin.email].sort());
    expect(failing.webhook).toBe(true);
    expect(sent[0]).toMatchObject({ from: "alerts@lockstep.example", subject: 'Lockstep: "Test connection" is failing' });
    expect(sent[0]!.text).toContain("failed 10 runs in a row");
    expect(sent[0]!.text).toContain(SYNC_ERRORS.auth_failed.advice);

    const [row] = await db.select({ settings: connections.settings }).from(connections).where(eq(connections.id, connectionId));
    const settings = JSON.parse(row!.settings) as { alerts: { emails: string[] } };
    settings.alerts.emails = ["ops@partner.example"];
    await db.update(connections).set({ settings: JSON.stringify(settings) }).where(eq(connections.id, connectionId));
    const recovered = await sendAlert(db, channels, { kind: "recovered", connectionId, failuresInRow: 0, reason: null, at: "2026-11-23T10:00:00.000Z" });
    expect(recovered.emailedTo).toEqual(["ops@partner.example"]);
    expect(sent[1]).toMatchObject({ to: ["ops@partner.example"], subject: 'Lockstep: "Test connection" is syncing again' });
  });
});
