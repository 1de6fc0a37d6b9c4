// The comment, attachment and time entry settings that no other test shows changing a run: each
// changes what a run does, or is refused when saved where the platform cannot honour it.
// (Covered elsewhere: comments.public/internal, incomingPublicAs/incomingInternalAs and
// attachments.maxBytes/allowedTypes in engine-scenarios; timeEntries.enabled and defaultMemberId
// in time-entries.)
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { connectwiseFacts } from "../../src/connectors/connectwise/facts";
import type { ConnectorClient } from "../../src/connectors/contract";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { sideSettingsSchema } from "../../src/schemas/connections";
import { childSettingIssues } from "../../src/services/child-settings-checks";
import { runSync } from "../../src/sync/engine/run-sync";
import { api, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps, rtAccount } from "../support/sync-fixture";

const network = useSimulatorNetwork();
const SINCE = "2020-01-01T00:00:00.000Z";
const cwBase = (host: string) => `https://${host}/v4_6_release/apis/3.0`;
const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accounts: { cwA: string; cwB: string; rtA: string; rtB: string; sn: string };
let cw: { a: ReturnType<typeof createConnectWiseSimulator>; b: ReturnType<typeof createConnectWiseSimulator> };
let rt: { a: ReturnType<typeof createRequestTrackerSimulator>; b: ReturnType<typeof createRequestTrackerSimulator> };

beforeAll(async () => {
  org = await setupFirstOrganisation();
  const cwAccount = (host: string) => addAccount(org.token, { name: host, platform: "connectwise", baseUrl: cwBase(host), credentials: { companyId, publicKey, privateKey, clientId } });
  accounts = {
    cwA: await cwAccount("cs-cw-a.sim.test"),
    cwB: await cwAccount("cs-cw-b.sim.test"),
    rtA: await addAccount(org.token, rtAccount("cs-rt-a.sim.test")),
    rtB: await addAccount(org.token, rtAccount("cs-rt-b.sim.test")),
    sn: await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: "https://cs-sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" } }),
  };
});
beforeEach(() => {
  cw = { a: createConnectWiseSimulator(), b: createConnectWiseSimulator() };
  rt = { a: createRequestTrackerSimulator(), b: createRequestTrackerSimulator() };
  network.mount("cs-cw-a.sim.test", cw.a.app);
  network.mount("cs-cw-b.sim.test", cw.b.app);
  network.mount("cs-rt-a.sim.test", rt.a.app);
  network.mount("cs-rt-b.sim.test", rt.b.app);
});

const cwClient = (host: string): ConnectorClient =>
  connectwiseConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: cwBase(host), credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });
const rtClient = (host: string): ConnectorClient =>
  requestTrackerConnector.create({
    fetch: (i, init) => fetch(i, init),
    config: { baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" }, settings: requestTrackerConnector.settingsSchema.parse({}) },
  });
const run = (connectionId: string, since?: string) => runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", ...(since ? { since } : {}) });

const CW_TARGET_DEFAULTS = { queueId: "1", statusId: "11", priorityId: "3", companyId: "250" };
const RT_TARGET_DEFAULTS = { queueId: "1", statusId: "new", priorityId: "0" };
const TITLE = [{ sourceField: "title" as const, targetField: "title" as const, kind: "direct" as const, direction: "source_to_target" as const }];

/** A ConnectWise pair, the first service desk ticket and its copy, after the first run. */
async function cwPair(source: Record<string, unknown>, target: Record<string, unknown>) {
  const id = await createConnection(
    org.organisation.id,
    { source: { accountId: accounts.cwA, settings: { filters: { queueIds: ["1"] }, ...source } }, target: { accountId: accounts.cwB, settings: { defaults: CW_TARGET_DEFAULTS, ...target } } },
    { mappings: TITLE },
  );
  expect((await run(id, SINCE)).status).toBe("success");
  const ticket = [...cw.a.store.tickets.values()].find((t) => t.board.id === 1)!;
  const copy = (await cwClient("cs-cw-b.sim.test").findByPartnerReference("ticket", String(ticket.id)))!;
  return { id, source: String(ticket.id), copy: copy.id };
}

async function rtPair(source: Record<string, unknown>, target: Record<string, unknown> = {}) {
  const id = await createConnection(
    org.organisation.id,
    { source: { accountId: accounts.rtA, settings: { filters: { queueIds: ["3"] }, ...source } }, target: { accountId: accounts.rtB, settings: { defaults: RT_TARGET_DEFAULTS, ...target } } },
    { mappings: TITLE },
  );
  expect((await run(id, SINCE)).status).toBe("success");
  const listed = await rtClient("cs-rt-a.sim.test").listChanged({ since: SINCE, cursor: null, ticketType: "ticket", pageSize: 100 });
  const ticket = listed.tickets.find((t) => t.queue?.id === "3")!;
  const copy = (await rtClient("cs-rt-b.sim.test").findByPartnerReference("ticket", ticket.number))!;
  return { id, source: ticket.id, copy: copy.id };
}

describe("child settings change what a run does", () => {
  it("comments.noteTypes: only comments of the chosen note types travel", async () => {
    const pair = await rtPair({ comments: { public: true, internal: true, noteTypes: ["comment"] } });
    await rtClient("cs-rt-a.sim.test").addComment(pair.source, "ticket", { body: "Reply to the customer", format: "text", public: true });
    await rtClient("cs-rt-a.sim.test").addComment(pair.source, "ticket", { body: "Internal finding", format: "text", public: false });
    await run(pair.id);
    const bodies = (await rtClient("cs-rt-b.sim.test").listComments(pair.copy, "ticket")).map((c) => c.body);
    expect(bodies.some((b) => b.includes("Internal finding"))).toBe(true);
    expect(bodies.some((b) => b.includes("Reply to the customer"))).toBe(false);
  });

  it("attachments.enabled off: a file stays on its side", async () => {
    const pair = await rtPair({ attachments: { enabled: false } }, { attachments: { enabled: false } });
    const bytes = new TextEncoder().encode("log line\n");
    await rtClient("cs-rt-a.sim.test").uploadAttachment(pair.source, "ticket", { fileName: "kept.txt", contentType: "text/plain", size: bytes.byteLength, body: new Response(bytes).body! });
    await run(pair.id);
    expect((await rtClient("cs-rt-b.sim.test").listAttachments(pair.copy, "ticket")).map((f) => f.fileName)).not.toContain("kept.txt");
  });

  it("timeEntries.carryNotes off: the copy carries the time, not the notes", async () => {
    const pair = await cwPair({ timeEntries: { enabled: true, carryNotes: false } }, {});
    const before = (await cwClient("cs-cw-b.sim.test").listTimeEntries!(pair.copy, "ticket")).length;
    await cwClient("cs-cw-a.sim.test").addTimeEntry!(pair.source, "ticket", { start: "2026-11-02T09:00:00Z", minutes: 40, memberId: "140", workRoleId: "1", notes: "Customer's password is in here" });
    await run(pair.id);
    const copies = (await cwClient("cs-cw-b.sim.test").listTimeEntries!(pair.copy, "ticket")).slice(before);
    expect(copies).toEqual([expect.objectContaining({ minutes: 40, notes: "" })]);
  });

  it("timeEntries.defaultWorkRoleId: used on the receiving side when the work role's name has no match there", async () => {
    const pair = await cwPair({ timeEntries: { enabled: true } }, { timeEntries: { defaultWorkRoleId: "3" } });
    // A role the receiving tenant has no role of that name for.
    cw.a.store.workRoles.push({ id: 9, name: "Field Technician", hourlyRate: 90, inactiveFlag: false });
    const before = (await cwClient("cs-cw-b.sim.test").listTimeEntries!(pair.copy, "ticket")).length;
    await cwClient("cs-cw-a.sim.test").addTimeEntry!(pair.source, "ticket", { start: "2026-11-02T10:00:00Z", minutes: 20, memberId: "140", workRoleId: "9", notes: "Site visit" });
    await run(pair.id);
    const copies = (await cwClient("cs-cw-b.sim.test").listTimeEntries!(pair.copy, "ticket")).slice(before);
    expect(copies).toEqual([expect.objectContaining({ minutes: 20, workRole: expect.objectContaining({ id: "3" }) })]);
  });

  it("timeEntries.enabled is per origin side: the target's entries stay unless the target turned them on", async () => {
    const pair = await cwPair({ timeEntries: { enabled: true } }, { timeEntries: { enabled: false } });
    const onA = (await cwClient("cs-cw-a.sim.test").listTimeEntries!(pair.source, "ticket")).length;
    await cwClient("cs-cw-b.sim.test").addTimeEntry!(pair.copy, "ticket", { start: "2026-11-02T11:00:00Z", minutes: 15, memberId: "140", workRoleId: null, notes: "Subcontractor time" });
    await run(pair.id);
    expect((await cwClient("cs-cw-a.sim.test").listTimeEntries!(pair.source, "ticket")).length).toBe(onA);
  });
});

type Created = { id: string };
type ErrorBody = { error: { code: string; details: { fields: { path: string; message: string }[] } } };

async function connectionOf(role: "source" | "target", platformAccountId: string, partnerAccountId: string): Promise<string> {
  const res = await api("/connections", org.token, { method: "POST", json: { name: "Settings checks", role, platformAccountId, partnerAccountId } });
  expect(res.status).toBe(201);
  return ((await res.json()) as Created).id;
}
const patchSide = (id: string, side: "source" | "target", settings: Record<string, unknown>) => api(`/connections/${id}`, org.token, { method: "PATCH", json: { side: { side, settings } } });
async function refused(res: Response, path: string, message: RegExp) {
  expect(res.status).toBe(400);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe("invalid_input");
  expect(body.error.details.fields).toContainEqual({ path, message: expect.stringMatching(message) });
}

describe("child settings a platform cannot honour are refused with a code", () => {
  it("a note type the platform does not have, to filter by or to write as", async () => {
    const id = await connectionOf("source", accounts.rtA, accounts.sn);
    await refused(await patchSide(id, "source", { comments: { noteTypes: ["discussion"] } }), "side.settings.comments.noteTypes.0", /Request Tracker 5 has no note type "discussion"/);
    await refused(await patchSide(id, "target", { comments: { incomingPublicAs: "correspond" } }), "side.settings.comments.incomingPublicAs", /ServiceNow has no note type "correspond"/);
    expect((await patchSide(id, "target", { comments: { incomingPublicAs: "work_notes", noteTypes: ["comments", "work_notes"] } })).status).toBe(200);
  });

  it("internal comments written as a note type the customer sees", async () => {
    const id = await connectionOf("source", accounts.rtA, accounts.sn);
    await refused(await patchSide(id, "target", { comments: { incomingInternalAs: "comments" } }), "side.settings.comments.incomingInternalAs", /visible to the customer/);
  });

  it("a default member or work role where the platform records time without one", async () => {
    const id = await connectionOf("source", accounts.cwA, accounts.rtB);
    await refused(await patchSide(id, "target", { timeEntries: { defaultMemberId: "lockstep" } }), "side.settings.timeEntries.defaultMemberId", /records time as the integration user/);
    await refused(await patchSide(id, "target", { timeEntries: { defaultWorkRoleId: "1" } }), "side.settings.timeEntries.defaultWorkRoleId", /have no work role/);
    const sn = await connectionOf("source", accounts.cwA, accounts.sn);
    await refused(await patchSide(sn, "target", { timeEntries: { defaultWorkRoleId: "1" } }), "side.settings.timeEntries.defaultWorkRoleId", /ServiceNow time entries have no work role/);
    expect((await patchSide(sn, "target", { timeEntries: { defaultMemberId: "some-sys-id" } })).status).toBe(200);
    expect((await patchSide(sn, "source", { timeEntries: { enabled: true, defaultMemberId: "142", defaultWorkRoleId: "1" } })).status).toBe(200);
  });

  it("a file size above what the receiving platform takes, while a form sent back unchanged still saves", async () => {
    const id = await connectionOf("source", accounts.cwA, accounts.rtB);
    await refused(await patchSide(id, "source", { attachments: { maxBytes: 20 * 1024 * 1024 } }), "side.settings.attachments.maxBytes", /Request Tracker.*at most 10 MB/);
    expect((await patchSide(id, "source", { attachments: { maxBytes: 10 * 1024 * 1024 } })).status).toBe(200);
    // The default (25 MB) saved before: an edit of something else is not refused for it.
    const other = await connectionOf("source", accounts.cwA, accounts.rtB);
    expect((await patchSide(other, "source", { attachments: { maxBytes: 25 * 1024 * 1024 }, comments: { internal: true } })).status).toBe(200);
  });

  it("time entries switched on where either platform has none", () => {
    const none = { ...connectwiseFacts, label: "Timeless", supports: { ...connectwiseFacts.supports, timeEntries: false } };
    const before = sideSettingsSchema.parse({});
    const after = sideSettingsSchema.parse({ timeEntries: { enabled: true } });
    expect(childSettingIssues(before, after, none, connectwiseFacts)).toEqual([{ path: ["timeEntries", "enabled"], message: "Timeless has no time entries to carry" }]);
    expect(childSettingIssues(before, after, connectwiseFacts, none)).toEqual([{ path: ["timeEntries", "enabled"], message: "The partner's platform, Timeless, has no time entries to receive them" }]);
    expect(childSettingIssues(before, after, connectwiseFacts, connectwiseFacts)).toEqual([]);
  });
});
