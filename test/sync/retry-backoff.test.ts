import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import { syncRuns } from "../../src/db/schema";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { connectionSyncStub, retryDelayMs } from "../../src/sync/connection-sync";
import { READ_ATTEMPTS } from "../../src/sync/engine/read-changes";
import { api, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, rtAccount } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let connectionId: string;
const a = createRequestTrackerSimulator();
const b = createRequestTrackerSimulator();

beforeAll(async () => {
  org = await setupFirstOrganisation();
  connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: await addAccount(org.token, rtAccount("rt-a.sim.test")) }, target: { accountId: await addAccount(org.token, rtAccount("rt-b.sim.test")), settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }] },
  );
});

describe("a run that meets failing reads", () => {
  it("pauses at a rate limit while listing, no sooner than the platform's Retry-After, and the same run goes on", async () => {
    network.mount("rt-a.sim.test", a.app);
    network.mount("rt-b.sim.test", b.app);
    a.faults.next({ kind: "status", status: 429, retryAfter: "30", body: JSON.stringify({ message: "Slow down" }) }, { method: "GET", path: /\/tickets$/ });
    const started = Date.now();
    const res = await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { since: "2024-01-01T00:00:00Z" } });
    const { run } = (await res.json()) as { run: { id: string } };
    const stub = connectionSyncStub(env, org.organisation.id, connectionId);
    await runDurableObjectAlarm(stub);
    await stub.drain();
    const [paused] = await createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.id, run.id));
    expect(paused).toMatchObject({ status: "running", errorCode: null });
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeGreaterThanOrEqual(started + 30_000);
    // Once due, the same run reads the page again and finishes; no retry run is needed.
    while (await runDurableObjectAlarm(stub)) await stub.drain();
    const [finished] = await createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.id, run.id));
    expect(finished!.status).toBe("success");
    expect(await createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.trigger, "retry"))).toEqual([]);
  });

  it("fails when a page keeps failing, and is retried later with backoff", async () => {
    network.mount("rt-a.sim.test", a.app);
    network.mount("rt-b.sim.test", b.app);
    for (let i = 0; i < READ_ATTEMPTS; i++) a.faults.next({ kind: "status", status: 503 }, { method: "GET", path: /\/tickets$/ });
    const stub = connectionSyncStub(env, org.organisation.id, connectionId);
    await runInDurableObject(stub, (instance) => instance.requestRun({ connectionId, mode: "quick", trigger: "automatic" }));
    let failed;
    for (let n = 0; !failed && n < READ_ATTEMPTS + 1; n++) {
      await runDurableObjectAlarm(stub);
      await stub.drain();
      [failed] = await createDb(env.DB).select().from(syncRuns).where(and(eq(syncRuns.connectionId, connectionId), eq(syncRuns.status, "failed")));
    }
    expect(failed).toMatchObject({ errorCode: "platform_unavailable" });
    const retries = await createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.trigger, "retry"));
    expect(retries).toEqual([expect.objectContaining({ status: "queued", connectionId })]);
    while (await runDurableObjectAlarm(stub)) await stub.drain();
    const [retried] = await createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.id, retries[0]!.id));
    expect(retried!.status).toMatch(/^(success|no_tickets)$/);
  });

  it("backs off exponentially with jitter, capped, and never before Retry-After", () => {
    expect(retryDelayMs(1, 30, () => 0)).toBe(30_000);
    expect(retryDelayMs(3, null, () => 0)).toBe(4_000);
    expect(retryDelayMs(3, null, () => 1)).toBe(8_000);
    expect(retryDelayMs(20, null, () => 1)).toBe(5 * 60_000);
    expect(retryDelayMs(2, 600, () => 1)).toBe(600_000);
  });
});
