// Every 202 that names a run id leads somewhere that says what happened: a webhook's run that
// finds nothing, a manual run or an issue retry joined to a cron run already waiting.
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { createSecret, cwClient, demoConnection, gapPassed, readyForAutomatic, settle, simulators, syncStub, toWorker } from "../support/webhook-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let sims: ReturnType<typeof simulators>;
let connectionId: string;

beforeAll(async () => {
  org = await setupFirstOrganisation();
});
beforeEach(async () => {
  sims = simulators();
  network.mount("cw.sim.test", sims.cw.app);
  network.mount("sn.sim.test", sims.sn.app);
  connectionId = await demoConnection(org);
  await readyForAutomatic(org.token, connectionId);
});

type RunView = { id: string; status: string; trigger: string; mode: string; errorMessage: string | null };
const runById = async (id: string) => {
  const res = await api(`/runs/${id}`, org.token);
  return { status: res.status, run: res.status === 200 ? ((await res.json()) as RunView) : null };
};
const serviceDeskTicket = () => [...sims.cw.store.tickets.values()].find((t) => t.board.id === 1)!;

async function callback(ticketId: number) {
  const { url } = await createSecret(org.token, connectionId, "source");
  const res = await toWorker(new Request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ MessageId: crypto.randomUUID(), Action: "updated", Type: "ticket", ID: ticketId }) }));
  expect(res.status).toBe(202);
  return (await res.json()) as { queued: boolean; runId: string };
}

describe("the run id in a 202", () => {
  it("of a webhook whose run finds nothing to do leads to the run, queued and then 'no tickets'", async () => {
    // The ticket named is already in step: the run reads it and has nothing to write.
    const answer = await callback(serviceDeskTicket().id);
    expect(answer.queued).toBe(true);
    expect(await runById(answer.runId)).toMatchObject({ status: 200, run: { status: "queued", trigger: "webhook" } });
    await settle(sims, org.organisation.id, connectionId);
    expect(await runById(answer.runId)).toMatchObject({ status: 200, run: { status: "no_tickets", trigger: "webhook" } });
    const page = await api(`/connections/${connectionId}/runs`, org.token);
    expect(((await page.json()) as { data: { id: string }[] }).data.map((r) => r.id)).toContain(answer.runId);
  });

  it("of a webhook whose connection was paused before its run started says so on the run", async () => {
    const answer = await callback(serviceDeskTicket().id);
    expect((await api(`/connections/${connectionId}/pause`, org.token, { method: "POST" })).status).toBe(200);
    await cwClient().updateTicket(String(serviceDeskTicket().id), "ticket", { title: "Changed while paused" });
    const stub = syncStub(org.organisation.id, connectionId);
    await gapPassed(stub);
    await runDurableObjectAlarm(stub);
    await stub.drain();
    const { run } = await runById(answer.runId);
    expect(run).toMatchObject({ status: "no_tickets" });
    expect(run!.errorMessage).toMatch(/paused before this run started/);
    // It read nothing, so it does not say what it looked at.
    expect((run as unknown as { scope: unknown }).scope).toBeNull();
  });

  it("of a manual run joined to a cron run already waiting leads to that run, which does the full resync asked for", async () => {
    const stub = syncStub(org.organisation.id, connectionId);
    const cron = await stub.requestRun({ connectionId, mode: "quick", trigger: "automatic" });
    expect(cron.kind).toBe("queued");
    const res = await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { mode: "full" } });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string } };
    expect(run.id).toBe((cron as { runId: string }).runId);
    expect(await runById(run.id)).toMatchObject({ status: 200, run: { status: "queued", mode: "full" } });
    await runDurableObjectAlarm(stub);
    await stub.drain();
    expect((await runById(run.id)).run).toMatchObject({ mode: "full", trigger: "automatic" });
    expect(["success", "partial", "no_tickets"]).toContain((await runById(run.id)).run!.status);
  });

  it("of an issue retry joined to a cron run already waiting leads to that run", async () => {
    const stub = syncStub(org.organisation.id, connectionId);
    const cron = await stub.requestRun({ connectionId, mode: "quick", trigger: "automatic" });
    const res = await api(`/connections/${connectionId}/issues/retry`, org.token, { method: "POST" });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string } };
    expect(run.id).toBe((cron as { runId: string }).runId);
    expect(await runById(run.id)).toMatchObject({ status: 200, run: { status: "queued" } });
    // Carried out here, while the simulators are mounted.
    await runDurableObjectAlarm(stub);
    await stub.drain();
    expect((await runById(run.id)).run!.status).not.toBe("queued");
  });
});
