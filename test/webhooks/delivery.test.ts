// Webhooks end to end: a platform (simulator) calls /hooks as its setup says, the connection's
// Durable Object syncs the ticket, and the partner's ticket changes, with the cron never run.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { api, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { engineDeps } from "../support/sync-fixture";
import {
  addBusinessRule,
  createSecret,
  cwClient,
  demoConnection,
  nothingRuns,
  readyForAutomatic,
  registerCallback,
  runsOf,
  settle,
  simulators,
  snClient,
  toWorker,
} from "../support/webhook-fixture";

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

const serviceDeskTicket = (open = false) =>
  [...sims.cw.store.tickets.values()].find((t) => t.board.id === 1 && (!open || t.status.id === 11 || t.status.id === 12))!;
const incidentFor = async (ticketId: number) => (await snClient().findByPartnerReference("incident", String(ticketId)))!;
const codeOf = (answer: string | null) => (JSON.parse(answer ?? "{}") as { error?: { code: string } }).error?.code;
const resend = (call: { url: string; headers: Record<string, string>; body: string }) => toWorker(new Request(call.url, { method: "POST", headers: call.headers, body: call.body }));

describe("a platform's event syncs the ticket without waiting for the cron", () => {
  it("a ConnectWise callback (secret in the URL) queues a run that updates the incident", async () => {
    const { url } = await createSecret(org.token, connectionId, "source");
    await registerCallback(url);
    const ticket = serviceDeskTicket();
    await cwClient().updateTicket(String(ticket.id), "ticket", { title: "Printer on fire (pushed)" });

    await sims.cw.webhooks.flush();
    expect(sims.cw.webhooks.sent.map((s) => s.status)).toEqual([202]);
    const answer = JSON.parse(sims.cw.webhooks.sent[0]!.answer!) as { accepted: boolean; queued: boolean; runId: string };
    expect(answer).toMatchObject({ accepted: true, queued: true });
    // Its id was handed out, so the run shows in the history at once, queued.
    expect((await runsOf(connectionId)).find((r) => r.id === answer.runId)).toMatchObject({ trigger: "webhook", status: "queued" });

    await settle(sims, org.organisation.id, connectionId);
    expect((await incidentFor(ticket.id)).title).toBe("Printer on fire (pushed)");
    const runs = await runsOf(connectionId);
    expect(runs.find((r) => r.id === answer.runId)).toMatchObject({ trigger: "webhook", status: "success" });
    expect(runs.some((r) => r.trigger === "automatic")).toBe(false);
  });

  it("a ServiceNow Business Rule's signed call queues a run that updates the ConnectWise ticket", async () => {
    const { url, secret, setup } = await createSecret(org.token, connectionId, "target");
    expect(setup.script).toContain(secret);
    await addBusinessRule(url, secret);
    const ticket = serviceDeskTicket(true);
    await snClient().updateTicket((await incidentFor(ticket.id)).id, "incident", { statusId: "6" });

    await sims.sn.webhooks.flush();
    expect(sims.sn.webhooks.sent.map((s) => s.status)).toEqual([202]);
    await settle(sims, org.organisation.id, connectionId);
    expect((await cwClient().getTicket(String(ticket.id), "ticket")).status?.id).toBe("14");
    expect((await runsOf(connectionId)).filter((r) => r.trigger === "webhook").every((r) => r.status === "success" || r.status === "no_tickets")).toBe(true);
  });

  it("an unsigned hint makes the run re-read the ticket by id, even when the change list misses it", async () => {
    const { url } = await createSecret(org.token, connectionId, "source");
    // One more run takes the cursor past the first run's own writes.
    await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual" });
    const ticket = serviceDeskTicket();
    // Changed with a lastUpdated long past: listing changes since the cursor cannot find it.
    Object.assign(sims.cw.store.tickets.get(ticket.id)!, { summary: "Seen only by id" })._info.lastUpdated = "2024-01-01T00:00:00Z";
    sims.cw.faults.calls.length = 0;
    const res = await toWorker(new Request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ Action: "updated", Type: "ticket", ID: ticket.id }) }));
    expect(res.status).toBe(202);
    await settle(sims, org.organisation.id, connectionId);
    const reads = sims.cw.faults.calls.filter((c) => c.method === "GET" && c.path.startsWith("/v4_6_release/apis/3.0/service/tickets"));
    expect(reads.map((c) => c.path)).toContain(`/v4_6_release/apis/3.0/service/tickets/${ticket.id}`);
    expect((await incidentFor(ticket.id)).title).toBe("Seen only by id");
  });
});

describe("refused deliveries queue nothing", () => {
  async function expectNothingQueued(runsBefore: number) {
    expect((await runsOf(connectionId)).length).toBe(runsBefore);
    expect(await nothingRuns(sims, org.organisation.id, connectionId)).toBe(true);
  }

  it("a wrong signature answers 401 webhook_signature_invalid", async () => {
    const { url } = await createSecret(org.token, connectionId, "target");
    await addBusinessRule(url, "a secret that is not this endpoint's");
    const before = (await runsOf(connectionId)).length;
    await snClient().updateTicket((await incidentFor(serviceDeskTicket().id)).id, "incident", { priorityId: "1" });
    await sims.sn.webhooks.flush();
    expect(sims.sn.webhooks.sent.map((s) => [s.status, codeOf(s.answer)])).toEqual([[401, "webhook_signature_invalid"]]);
    await expectNothingQueued(before);
  });

  it("a timestamp signed ten minutes ago answers 401 webhook_timestamp_stale", async () => {
    const { url, secret } = await createSecret(org.token, connectionId, "target");
    // An instance whose clock runs ten minutes slow signs every call ten minutes in the past.
    const slow = createServiceNowSimulator({ webhooks: toWorker, now: () => new Date(Date.now() - 10 * 60_000) });
    network.mount("sn.sim.test", slow.app);
    await addBusinessRule(url, secret);
    const before = (await runsOf(connectionId)).length;
    const [incident] = (await snClient().listChanged({ since: "2020-01-01T00:00:00Z", cursor: null, ticketType: "incident", pageSize: 1 })).tickets;
    await snClient().updateTicket(incident!.id, "incident", { title: "Late news" });
    await slow.webhooks.flush();
    expect(slow.webhooks.sent.map((s) => [s.status, codeOf(s.answer)])).toEqual([[401, "webhook_timestamp_stale"]]);
    await expectNothingQueued(before);
  });

  it("a delivery sent again answers 200 as a duplicate and queues nothing", async () => {
    const { url, secret } = await createSecret(org.token, connectionId, "target");
    await addBusinessRule(url, secret);
    await snClient().updateTicket((await incidentFor(serviceDeskTicket().id)).id, "incident", { priorityId: "1" });
    await sims.sn.webhooks.flush();
    expect(sims.sn.webhooks.sent.map((s) => s.status)).toEqual([202]);
    await settle(sims, org.organisation.id, connectionId);

    const before = (await runsOf(connectionId)).length;
    const replay = await resend(sims.sn.webhooks.sent[0]!);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ accepted: false, queued: false, duplicate: true });
    await expectNothingQueued(before);
  });

  it("a captured signed call re-sent with another delivery id answers 200 as a duplicate; a new event is queued", async () => {
    const { url, secret } = await createSecret(org.token, connectionId, "target");
    await addBusinessRule(url, secret);
    const incident = await incidentFor(serviceDeskTicket().id);
    await snClient().updateTicket(incident.id, "incident", { priorityId: "1" });
    await sims.sn.webhooks.flush();
    const captured = sims.sn.webhooks.sent[0]!;
    await settle(sims, org.organisation.id, connectionId);

    const before = (await runsOf(connectionId)).length;
    // The delivery id is not signed: a replayer changes it, or drops it, at will.
    for (const headers of [{ ...captured.headers, "X-Lockstep-Delivery": crypto.randomUUID() }, Object.fromEntries(Object.entries(captured.headers).filter(([name]) => name !== "X-Lockstep-Delivery"))]) {
      const replay = await resend({ ...captured, headers });
      expect(replay.status).toBe(200);
      expect(await replay.json()).toMatchObject({ accepted: false, queued: false, duplicate: true });
    }
    await expectNothingQueued(before);

    // The platform's next call about the same record is signed anew, and is queued.
    await snClient().updateTicket(incident.id, "incident", { priorityId: "2" });
    await sims.sn.webhooks.flush();
    expect(sims.sn.webhooks.sent.slice(1).map((s) => s.status)).toEqual([202]);
    // Let the queued run finish while the simulators are still mounted.
    await settle(sims, org.organisation.id, connectionId);
  });

  it("under a URL secret, the same body sent again answers 200 as a duplicate; the platform's next callback is queued", async () => {
    const { url } = await createSecret(org.token, connectionId, "source");
    await registerCallback(url);
    const ticket = serviceDeskTicket();
    await cwClient().updateTicket(String(ticket.id), "ticket", { title: "First change" });
    await sims.cw.webhooks.flush();
    const captured = sims.cw.webhooks.sent[0]!;
    expect(captured.status).toBe(202);
    await settle(sims, org.organisation.id, connectionId);

    const before = (await runsOf(connectionId)).length;
    const replay = await resend(captured);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true, queued: false });
    await expectNothingQueued(before);

    // ConnectWise names each callback (MessageId) and carries the saved record in the body.
    await cwClient().updateTicket(String(ticket.id), "ticket", { title: "Second change" });
    await sims.cw.webhooks.flush();
    expect(sims.cw.webhooks.sent.slice(1).map((s) => s.status)).toEqual([202]);
    await settle(sims, org.organisation.id, connectionId);
    expect((await incidentFor(ticket.id)).title).toBe("Second change");
  });

  it("a URL with another secret, or none, answers 401; an unknown connection or side 404", async () => {
    const { url } = await createSecret(org.token, connectionId, "source");
    const body = JSON.stringify({ Action: "updated", Type: "ticket", ID: serviceDeskTicket().id });
    const post = (to: string) => toWorker(new Request(to, { method: "POST", headers: { "Content-Type": "application/json" }, body }));
    const before = (await runsOf(connectionId)).length;
    const wrong = await post(url.replace(/\/[^/]+$/, "/not-the-secret"));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("webhook_signature_invalid");
    expect((await post(url.replace(/\/[^/]+$/, ""))).status).toBe(401);
    expect((await post(url.replace(connectionId, "con_unknown"))).status).toBe(404);
    expect((await post(url.replace("/source/", "/sideways/"))).status).toBe(404);
    // The target side has no secret yet: nothing there either.
    expect((await post(url.replace(/\/source\/[^/]+$/, "/target"))).status).toBe(404);
    await expectNothingQueued(before);
  });

  it("a verified body that is not the platform's event answers 400 and queues nothing", async () => {
    const { url } = await createSecret(org.token, connectionId, "source");
    const before = (await runsOf(connectionId)).length;
    const post = (body: string) => toWorker(new Request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body }));
    expect((await post("not json")).status).toBe(400);
    expect((await post(JSON.stringify({ Action: "updated", Type: "ticket" }))).status).toBe(400);
    expect((await post("x".repeat(300 * 1024))).status).toBe(413);
    await expectNothingQueued(before);
  });
});

describe("verified events that may not run", () => {
  // Each a new callback (its own MessageId, as ConnectWise sends): the same body twice is a repeat.
  const hint = (url: string, type = "ticket") =>
    toWorker(
      new Request(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ MessageId: crypto.randomUUID(), Action: "updated", Type: type, ID: serviceDeskTicket().id }),
      }),
    );

  it("answer 202 without queueing while paused, with automatic sync off, or for a record that is no ticket", async () => {
    const { url } = await createSecret(org.token, connectionId, "source");
    const before = (await runsOf(connectionId)).length;
    expect(await (await hint(url, "company")).json()).toMatchObject({ accepted: true, queued: false, reason: "no_tickets_named" });

    await api(`/connections/${connectionId}/pause`, org.token, { method: "POST" });
    const paused = await hint(url);
    expect(paused.status).toBe(202);
    expect(await paused.json()).toMatchObject({ accepted: true, queued: false, reason: "paused" });
    await api(`/connections/${connectionId}/resume`, org.token, { method: "POST" });

    await api(`/connections/${connectionId}/automatic`, org.token, { method: "PUT", json: { enabled: false } });
    expect(await (await hint(url)).json()).toMatchObject({ accepted: true, queued: false, reason: "automatic_sync_off" });
    expect((await runsOf(connectionId)).length).toBe(before);
    expect(await nothingRuns(sims, org.organisation.id, connectionId)).toBe(true);
  });

  it("are answered without a session, even when the call carries a stray cookie or Authorization header", async () => {
    const { url } = await createSecret(org.token, connectionId, "source");
    const res = await toWorker(
      new Request(url, {
        method: "POST",
        headers: { "Content-Type": "text/plain", Cookie: "lockstep_session=stale", Authorization: "Basic bm90OnVz" },
        body: JSON.stringify({ Action: "updated", Type: "ticket", ID: serviceDeskTicket().id }),
      }),
    );
    expect(res.status).toBe(202);
    expect(res.headers.get("Set-Cookie")).toBeNull();
    await settle(sims, org.organisation.id, connectionId);
  });
});
