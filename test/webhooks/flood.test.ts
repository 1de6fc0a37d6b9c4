// A flood of verified calls for one connection (a bulk edit on the platform, or someone holding a
// leaked URL) makes at most one run under way and one waiting, not a run per call, and every
// ticket the calls named is still synced.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_HINTS } from "../../src/sync/connection-sync";
import { runSync } from "../../src/sync/engine/run-sync";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { engineDeps } from "../support/sync-fixture";
import { createSecret, demoConnection, readyForAutomatic, runsOf, settle, simulators, snClient, syncStub, toWorker } from "../support/webhook-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

async function floodSetup() {
  const sims = simulators();
  network.mount("cw.sim.test", sims.cw.app);
  network.mount("sn.sim.test", sims.sn.app);
  const connectionId = await demoConnection(org);
  await readyForAutomatic(org.token, connectionId);
  const { url } = await createSecret(org.token, connectionId, "source");
  // One more run takes the change cursor past the first run's own writes.
  await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual" });
  const stub = syncStub(org.organisation.id, connectionId);
  // A ConnectWise callback as the platform sends it: each its own MessageId.
  const callback = (ticketId: number) =>
    toWorker(new Request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ MessageId: crypto.randomUUID(), Action: "updated", Type: "ticket", ID: ticketId }) }));
  return { sims, connectionId, stub, callback };
}

describe("a flood of verified webhook calls", () => {
  it("40 calls, each answered while runs finish as fast as they can, make at most two runs, and every named ticket is synced", async () => {
    const { sims, connectionId, stub, callback } = await floodSetup();
    const synced = [...sims.cw.store.tickets.values()].filter((t) => t.board.id === 1);
    expect(synced.length).toBeGreaterThan(3);
    // Each named ticket changed, stamped long ago, so that only the calls' hints can find it.
    const named = Array.from({ length: 40 }, (_, i) => synced[i % synced.length]!);
    for (const ticket of new Set(named)) Object.assign(ticket, { summary: `Flood ${ticket.id}` })._info.lastUpdated = "2024-01-01T00:00:00Z";
    const before = new Set((await runsOf(connectionId)).map((r) => r.id));

    for (const ticket of named) {
      const res = await callback(ticket.id);
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: true, queued: true });
      // As under wrangler dev or in production: the object's alarm fires at once, when due.
      if (await runDurableObjectAlarm(stub)) await stub.drain();
    }
    // The gap passes; what waits runs, and nothing more.
    await settle(sims, org.organisation.id, connectionId);

    const made = (await runsOf(connectionId)).filter((r) => !before.has(r.id));
    expect(made.length).toBeLessThanOrEqual(2);
    expect(made.every((r) => r.trigger === "webhook" && r.status === "success")).toBe(true);
    for (const ticket of new Set(named)) expect((await snClient().findByPartnerReference("incident", String(ticket.id)))?.title).toBe(`Flood ${ticket.id}`);
  });

  it("past MAX_HINTS named tickets, the waiting run keeps none and is a quick run by the change cursor", async () => {
    const { sims, connectionId, stub, callback } = await floodSetup();
    // A run has just ended, so every call joins the one run waiting out the gap.
    await runInDurableObject(stub, (_instance, state) => state.storage.put("lastRunEnd", Date.now()));
    const before = new Set((await runsOf(connectionId)).map((r) => r.id));
    for (let n = 1; n <= MAX_HINTS + 5; n++) expect((await callback(100_000 + n)).status).toBe(202);
    const waiting = await runInDurableObject(stub, (_instance, state) => state.storage.get<{ hints?: unknown[]; hintsDropped?: boolean; trigger: string }>("pending"));
    expect(waiting).toMatchObject({ trigger: "webhook", hintsDropped: true });
    expect(waiting?.hints).toBeUndefined();

    sims.cw.faults.calls.length = 0;
    await settle(sims, org.organisation.id, connectionId);
    // One run, which read none of the named tickets by id.
    expect((await runsOf(connectionId)).filter((r) => !before.has(r.id)).length).toBeLessThanOrEqual(1);
    expect(sims.cw.faults.calls.filter((c) => /\/service\/tickets\/1000\d\d/.test(c.path))).toEqual([]);
  });
});
