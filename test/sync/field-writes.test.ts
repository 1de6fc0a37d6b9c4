// Writes that would otherwise go nowhere: custom field mappings (by the key each connector uses,
// or by the name the pages used to store), a mapping to a field the platform lacks, a field the
// platform ignores (ServiceNow answers 200 and keeps nothing), and the source/category defaults.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { createDb } from "../../src/db/client";
import { runItems } from "../../src/db/schema";
import type { FieldMappingInput } from "../../src/schemas/connections";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { api, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps } from "../support/sync-fixture";

const network = useSimulatorNetwork();
const SINCE = "2020-01-01T00:00:00.000Z";
const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accounts: { cw: string; sn: string; snUnread: string };
let cw: ReturnType<typeof createConnectWiseSimulator>;
let sn: ReturnType<typeof createServiceNowSimulator>;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  accounts = {
    cw: await addAccount(org.token, { name: "CW", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } }),
    sn: await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" } }),
    // The same instance through an account whose platform data is never read (nothing cached).
    snUnread: await addAccount(org.token, { name: "SN unread", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" } }),
  };
});
beforeEach(() => {
  cw = createConnectWiseSimulator();
  sn = createServiceNowSimulator();
  network.mount("cw.sim.test", cw.app);
  network.mount("sn.sim.test", sn.app);
});

const cwClient = () =>
  connectwiseConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: CW_BASE, credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });

const oneWay = (sourceField: string, targetField: string, extra: Partial<FieldMappingInput> = {}): FieldMappingInput => ({
  ticketType: "*", sourceField, targetField, direction: "source_to_target", kind: "direct", conflictPolicy: "latest_wins", valuePairs: [], ...extra,
});

/** A Service Desk → incident connection like the demo's, with extra mappings and target defaults. */
async function connection(mappings: FieldMappingInput[], targetDefaults: Record<string, string> = {}, options: { readPicklists?: boolean; unread?: boolean } = {}) {
  const id = await createConnection(
    org.organisation.id,
    { source: { accountId: accounts.cw, settings: DEMO_SIDE_SETTINGS.source }, target: { accountId: options.unread ? accounts.snUnread : accounts.sn, settings: { defaults: { ...DEMO_SIDE_SETTINGS.target.defaults, ...targetDefaults } } } },
    { mappings: [...DEMO_MAPPINGS, ...mappings] },
  );
  // What opening the Mappings page does: both sides' platform data read and cached.
  if (options.readPicklists) expect((await api(`/connections/${id}/picklists`, org.token)).status).toBe(200);
  return id;
}

const incidentOf = (cwId: number) => sn.store.list("incident").find((row) => row.correlation_id === String(cwId));
const itemsOf = (runId: string) => createDb(env.DB).select().from(runItems).where(eq(runItems.runId, runId));
/** Service Desk tickets with a Site Code (custom field 1). */
const withSiteCode = () => [...cw.store.tickets.values()].filter((t) => t.board.id === 1 && t.customFields.find((f) => f.id === 1)?.value);

describe("custom field mappings", () => {
  it("carries a ConnectWise custom field into a ServiceNow one, by the keys the pages now store", async () => {
    const id = await connection([oneWay("customFields.1", "customFields.u_customer_reference")]);
    const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    expect(result.status).toBe("success");
    for (const ticket of withSiteCode()) expect(incidentOf(ticket.id)?.u_customer_reference).toBe(ticket.customFields.find((f) => f.id === 1)!.value);
  });

  it("still applies a mapping saved by display name (as the pages stored it before), once the platforms' fields are known", async () => {
    const id = await connection([oneWay("customFields.Site Code", "customFields.Customer reference")], {}, { readPicklists: true });
    const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    expect(result.status).toBe("success");
    const tickets = withSiteCode();
    expect(tickets.length).toBeGreaterThan(0);
    for (const ticket of tickets) expect(incidentOf(ticket.id)?.u_customer_reference).toBe(ticket.customFields.find((f) => f.id === 1)!.value);
  });

  it("fails each ticket with field_not_found when the mapped field is not on the platform, and writes nothing", async () => {
    const id = await connection([oneWay("customFields.1", "customFields.u_site_code")], {}, { readPicklists: true });
    const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    // Tickets of other boards are left out by the source's filter; every other one fails.
    const items = (await itemsOf(result.runId)).filter((i) => i.outcome !== "skipped");
    expect(items.length).toBe([...cw.store.tickets.values()].filter((t) => t.board.id === 1).length);
    for (const item of items) {
      expect(item).toMatchObject({ outcome: "failed", errorCode: "field_not_found" });
      expect(item.errorMessage).toContain("customFields.u_site_code: the target platform has no such custom field");
    }
    expect(sn.store.list("incident").filter((row) => row.correlation_id)).toEqual([]);
  });

  it("maps categorisation like any picklist: ConnectWise service types become ServiceNow categories through value pairs", async () => {
    const pairs = [{ sourceValue: "101", targetValue: "software" }, { sourceValue: "102", targetValue: "inquiry" }];
    const id = await connection([oneWay("customFields.type", "customFields.category", { kind: "value", valuePairs: pairs })]);
    const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    expect(result.status).toBe("success");
    for (const ticket of [...cw.store.tickets.values()].filter((t) => t.board.id === 1)) {
      expect(incidentOf(ticket.id)?.category).toBe(ticket.type!.id === 101 ? "software" : "inquiry");
    }
  });
});

describe("a write the platform does not keep", () => {
  it("fails the ticket with field_not_stored when ServiceNow ignores a field it does not have (200, nothing kept)", async () => {
    // Never read platform data: the save could not check the field; the answer to the write shows it.
    const id = await connection([oneWay("customFields.1", "customFields.u_site_code")], {}, { unread: true });
    const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    const [ticket] = withSiteCode();
    const [item] = (await itemsOf(result.runId)).filter((i) => i.sourceTicketId === String(ticket!.id));
    expect(item).toMatchObject({ outcome: "failed", errorCode: "field_not_stored" });
    expect(item!.errorMessage).toContain(`customFields.u_site_code: wrote "${ticket!.customFields.find((f) => f.id === 1)!.value}", the target kept nothing`);
    // The incident exists and is linked: a retry updates it, never makes a second one.
    expect(item!.targetTicketId).toBe(incidentOf(ticket!.id)!.sys_id);
  });

  it("does not count a field refused by an ACL as synced, and writes it once the ACL allows it", async () => {
    sn.store.writeDeniedFields.add("incident.u_customer_reference");
    const id = await connection([oneWay("customFields.1", "customFields.u_customer_reference")]);
    const first = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    expect(first.status).toBe("partial");
    const tickets = withSiteCode();
    const failed = (await itemsOf(first.runId)).filter((i) => i.outcome === "failed");
    expect(failed.map((i) => i.sourceTicketId).sort()).toEqual(tickets.map((t) => String(t.id)).sort());
    expect(new Set(failed.map((i) => i.errorCode))).toEqual(new Set(["field_not_stored"]));
    for (const ticket of tickets) expect(incidentOf(ticket.id)?.u_customer_reference ?? "").toBe("");

    // Nothing changed on ConnectWise since, yet the next run writes the value again.
    sn.store.writeDeniedFields.clear();
    const second = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual" });
    expect(second.status).toBe("success");
    for (const ticket of tickets) expect(incidentOf(ticket.id)?.u_customer_reference).toBe(ticket.customFields.find((f) => f.id === 1)!.value);
    const again = await itemsOf(second.runId);
    expect(again.filter((i) => i.outcome === "updated").map((i) => i.sourceTicketId).sort()).toEqual(tickets.map((t) => String(t.id)).sort());
    expect(sn.store.list("incident").filter((row) => row.correlation_id).length).toBe([...cw.store.tickets.values()].filter((t) => t.board.id === 1).length);
  });

  it("reports a status a ServiceNow ACL keeps from changing on an update, and tries it again", async () => {
    const id = await connection([]);
    await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    const ticket = [...cw.store.tickets.values()].find((t) => t.board.id === 1 && t.status.id === 11)!;
    sn.store.writeDeniedFields.add("*.state");
    await cwClient().updateTicket(String(ticket.id), "ticket", { statusId: "12" });
    const denied = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual" });
    const [item] = (await itemsOf(denied.runId)).filter((i) => i.sourceTicketId === String(ticket.id));
    expect(item).toMatchObject({ outcome: "failed", errorCode: "field_not_stored" });
    expect(item!.errorMessage).toContain('status: wrote "2", the target kept "New (1)"');
    sn.store.writeDeniedFields.clear();
    const allowed = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual" });
    expect(allowed.status).toBe("success");
    expect(incidentOf(ticket.id)?.state).toBe("2");
  });
});

describe("defaults of the receiving side", () => {
  it("gives created incidents the channel, category, company, group and assignee set as defaults", async () => {
    const group = sn.store.list("sys_user_group").find((g) => g.name === "Network")!;
    const company = sn.store.list("core_company").find((c) => c.name === "Initech")!;
    const agent = sn.store.list("sys_user").find((u) => u.user_name === "beth.anglin")!;
    const id = await connection([], { sourceId: "email", categoryId: "network", queueId: group.sys_id!, companyId: company.sys_id!, ownerId: agent.sys_id! });
    const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    expect(result.status).toBe("success");
    const [ticket] = [...cw.store.tickets.values()].filter((t) => t.board.id === 1);
    expect(incidentOf(ticket!.id)).toMatchObject({ contact_type: "email", category: "network", assignment_group: group.sys_id, company: company.sys_id, assigned_to: agent.sys_id });
  });

  it("creates incidents in the default ticket type's table and with the fallback contact when the requester matches nobody", async () => {
    const fallback = sn.store.list("sys_user").find((u) => u.user_name === "abel.tuter")!;
    const id = await connection([], { ticketType: "problem", fallbackContactId: fallback.sys_id! });
    const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: SINCE });
    expect(result.status).toBe("success");
    const [ticket] = [...cw.store.tickets.values()].filter((t) => t.board.id === 1);
    const problem = sn.store.list("problem").find((row) => row.correlation_id === String(ticket!.id));
    expect(problem).toMatchObject({ opened_by: fallback.sys_id });
    expect(incidentOf(ticket!.id)).toBeUndefined();
  });
});

describe("saving mappings", () => {
  it("stores a custom field chosen by name as the platform's key, refuses one the platform lacks and refuses writing the ticket type", async () => {
    const id = await connection([], {}, { readPicklists: true });
    const put = (mappings: unknown[]) => api(`/connections/${id}/mappings`, org.token, { method: "PUT", json: { mappings } });
    const saved = await put([oneWay("customFields.Site Code", "customFields.Customer reference")]);
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as { mappings: FieldMappingInput[] }).mappings[0]).toMatchObject({ sourceField: "customFields.1", targetField: "customFields.u_customer_reference" });

    const missing = await put([oneWay("customFields.1", "customFields.u_site_code")]);
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { error: { code: string; details: { fields: { path: string; message: string }[] } } };
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.fields[0]).toMatchObject({ path: "mappings.0.targetField" });
    expect(body.error.details.fields[0]!.message).toContain("the target platform has no such custom field");

    const type = await put([oneWay("title", "ticketType")]);
    expect(type.status).toBe(400);
    expect(JSON.stringify(await type.json())).toContain("ticketType can be read but not written");
    // Read from the source into a field of the target: allowed.
    expect((await put([oneWay("ticketType", "customFields.u_customer_reference")])).status).toBe(200);
  });

  it("shows a saved mapping whose custom field the platform no longer lists, with what its tickets will meet", async () => {
    const id = await connection([oneWay("customFields.1", "customFields.u_retired")], {}, { readPicklists: true });
    const list = (await (await api(`/connections/${id}/mappings`, org.token)).json()) as { mappings: { targetField: string; problems: string[] }[] };
    expect(list.mappings.find((m) => m.targetField === "customFields.u_retired")!.problems[0]).toContain("the target platform has no such custom field");
  });
});
