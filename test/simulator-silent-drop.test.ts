// The "drop" fault: a write answered with success that keeps nothing, as a platform does with a
// field the user may not write or a rule that undoes the change. Every simulator honours it on
// comment writes (and file uploads and time entries where it has them); a read it hits runs.
import { describe, expect, it } from "vitest";
import { connectwiseConnector } from "../src/connectors/connectwise/index";
import { requestTrackerConnector } from "../src/connectors/request-tracker/index";
import { servicenowConnector } from "../src/connectors/servicenow/index";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../src/simulators/connectwise/app";
import { createRequestTrackerSimulator } from "../src/simulators/request-tracker/app";
import { createServiceNowSimulator } from "../src/simulators/servicenow/app";
import { useSimulatorNetwork } from "./support/simulator-network";

const network = useSimulatorNetwork();
const fetcher = (input: Request | string | URL, init?: RequestInit) => fetch(input, init);
const file = () => ({ fileName: "dropped.txt", contentType: "text/plain", size: 5, body: new Response("hello").body! });
const DROP = { kind: "drop" } as const;

describe("silent drop fault", () => {
  it("ConnectWise: a note, a document and a time entry are answered 201 and not kept", async () => {
    const cw = createConnectWiseSimulator();
    network.mount("cw.sim.test", cw.app);
    const client = connectwiseConnector.create({ fetch: fetcher, config: { baseUrl: "https://cw.sim.test/v4_6_release/apis/3.0", credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });
    const ticket = String([...cw.store.tickets.values()][0]!.id);
    const notes = (await client.listComments(ticket, "ticket")).length;
    const files = (await client.listAttachments(ticket, "ticket")).length;
    const time = (await client.listTimeEntries!(ticket, "ticket")).length;
    cw.faults.next(DROP).next(DROP).next(DROP);
    const note = await client.addComment(ticket, "ticket", { body: "gone", format: "text", public: true });
    expect(note.id).toBeTruthy();
    expect((await client.uploadAttachment(ticket, "ticket", file())).id).toBeTruthy();
    const member = String(cw.store.members[0]!.id);
    expect((await client.addTimeEntry!(ticket, "ticket", { start: "2024-05-02T09:00:00.000Z", minutes: 30, memberId: member, workRoleId: null, notes: "gone" })).id).toBeTruthy();
    expect((await client.listComments(ticket, "ticket")).length).toBe(notes);
    expect((await client.listAttachments(ticket, "ticket")).length).toBe(files);
    expect((await client.listTimeEntries!(ticket, "ticket")).length).toBe(time);
  });

  it("ServiceNow: a journal PATCH and an upload are answered with success and not kept; the ticket is untouched", async () => {
    const sn = createServiceNowSimulator();
    network.mount("sn.sim.test", sn.app);
    const client = servicenowConnector.create({ fetch: fetcher, config: { baseUrl: "https://sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" }, settings: servicenowConnector.settingsSchema.parse({}) } });
    const incident = sn.store.list("incident")[0]!;
    const [notes, files, modCount] = [(await client.listComments(incident.sys_id!, "incident")).length, (await client.listAttachments(incident.sys_id!, "incident")).length, incident.sys_mod_count];
    sn.faults.next(DROP).next(DROP);
    await client.addComment(incident.sys_id!, "incident", { body: "gone", format: "text", public: true });
    expect((await client.uploadAttachment(incident.sys_id!, "incident", file())).id).toMatch(/^[0-9a-f]{32}$/);
    expect((await client.listComments(incident.sys_id!, "incident")).length).toBe(notes);
    expect((await client.listAttachments(incident.sys_id!, "incident")).length).toBe(files);
    expect(incident.sys_mod_count).toBe(modCount);
  });

  it("Request Tracker: a comment is answered 201 with its message and not kept; a read hit by the fault runs", async () => {
    const rt = createRequestTrackerSimulator();
    network.mount("rt.sim.test", rt.app);
    const client = requestTrackerConnector.create({ fetch: fetcher, config: { baseUrl: "https://rt.sim.test", credentials: { kind: "token", token: "1-20-lockstep-sim-token", username: "lockstep" }, settings: requestTrackerConnector.settingsSchema.parse({}) } });
    const before = (await client.listComments("3", "ticket")).length;
    rt.faults.next(DROP);
    await client.addComment("3", "ticket", { body: "gone", format: "text", public: false });
    rt.faults.next(DROP, { method: "GET" });
    expect((await client.listComments("3", "ticket")).length).toBe(before);
  });
});
