// Custom fields and categorisation in the pages, between platforms whose connectors key custom
// fields by something other than their name (ConnectWise by number, ServiceNow by column name):
// the pages offer and store that key, show the name, and say when a saved field is gone.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { api, Browser, createOrganisation, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();
const HTML = { Accept: "text/html" };
const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
const accounts = { cw: "", sn: "" };

beforeAll(async () => {
  a = await setupFirstOrganisation("Northwind MSP");
  b = await createOrganisation("Contoso");
});

beforeEach(async () => {
  network.mount("cw.sim.test", createConnectWiseSimulator().app);
  network.mount("sn.sim.test", createServiceNowSimulator().app);
  if (accounts.cw) return;
  const add = async (token: string, json: Record<string, unknown>) => ((await (await api("/platform-accounts", token, { method: "POST", json })).json()) as { id: string }).id;
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  accounts.cw = await add(a.token, { name: "Northwind CW", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } });
  accounts.sn = await add(b.token, { name: "Contoso SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" } });
});

async function connection(source = accounts.cw, target = accounts.sn): Promise<string> {
  const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Service desk", role: "source", platformAccountId: source } })).json()) as { id: string; verificationCode: string };
  await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: target } });
  return created.id;
}

async function signedIn(email: string) {
  const browser = new Browser();
  await browser.signIn(email);
  return browser;
}

function post(browser: Browser, path: string, fields: [string, string][], headers: Record<string, string> = HTML) {
  return browser.fetch(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });
}

type Mapping = { sourceField: string; targetField: string; problems: string[] };
const mappings = async (id: string) => ((await (await api(`/connections/${id}/mappings`, a.token)).json()) as { mappings: Mapping[] }).mappings;

describe("custom fields in the mapping pages", () => {
  it("offer each side's custom fields by name and save the key its platform uses", async () => {
    const id = await connection();
    const northwind = await signedIn(a.email);
    const form = await (await northwind.fetch(`/connections/${id}/mappings/new`, { headers: HTML })).text();
    expect(form).toMatch(/<option value="customFields.1">Site Code \(custom field 1\)<\/option>/);
    expect(form).toMatch(/<option value="customFields.u_customer_reference">Customer reference \(custom field u_customer_reference\)<\/option>/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const saved = await post(northwind, `/connections/${id}/mappings`, [
      ["_csrf", csrf], ["ticketType", ""], ["sourceField", "customFields.1"], ["targetField", "customFields.u_customer_reference"],
      ["direction", "source_to_target"], ["kind", "direct"], ["conflictPolicy", "latest_wins"],
    ]);
    expect(saved.status).toBe(303);
    expect(await mappings(id)).toEqual([expect.objectContaining({ sourceField: "customFields.1", targetField: "customFields.u_customer_reference", problems: [] })]);
    const list = await (await northwind.fetch(`/connections/${id}/mappings`, { headers: HTML })).text();
    expect(list).toContain("<td>Site Code</td>");
    expect(list).toContain("<td>Customer reference</td>");
  });

  it("offer categorisation values by name for value pairs: ConnectWise service types and ServiceNow categories", async () => {
    const id = await connection();
    const northwind = await signedIn(a.email);
    const form = await (await northwind.fetch(`/connections/${id}/mappings/new`, { headers: HTML })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const fields: [string, string][] = [["_csrf", csrf], ["ticketType", ""], ["sourceField", "customFields.type"], ["targetField", "customFields.category"], ["direction", "source_to_target"], ["kind", "value"], ["conflictPolicy", "latest_wins"]];
    const editor = await (await post(northwind, `/connections/${id}/mappings?op=choices`, fields, { ...HTML, "HX-Request": "true" })).text();
    expect(editor).toMatch(/<option value="101">Service Desk \/ Incident<\/option>/);
    expect(editor).toMatch(/<option value="software">Software<\/option>/);
    const saved = await post(northwind, `/connections/${id}/mappings`, [...fields, ["pairs.0.source", "101"], ["pairs.0.target", "software"]]);
    expect(saved.status).toBe(303);
    const [mapping] = (await (await api(`/connections/${id}/mappings`, a.token)).json() as { mappings: { unpaired: { source: string[] } }[] }).mappings;
    // The other boards' types are flagged before a run meets them.
    expect(mapping!.unpaired.source).toContain("102");
    expect(mapping!.unpaired.source).not.toContain("101");
  });

  it("show a saved mapping whose custom field the platform does not list, and what its tickets will meet", async () => {
    // Accounts whose platform data was never read: nothing to check the mapping against.
    const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
    const fresh = (await (await api("/platform-accounts", a.token, { method: "POST", json: { name: "Northwind CW 2", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } } })).json()) as { id: string };
    const freshSn = (await (await api("/platform-accounts", b.token, { method: "POST", json: { name: "Contoso SN 2", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" } } })).json()) as { id: string };
    const id = await connection(fresh.id, freshSn.id);
    const put = await api(`/connections/${id}/mappings`, a.token, { method: "PUT", json: { mappings: [{ sourceField: "customFields.1", targetField: "customFields.u_retired", direction: "source_to_target", kind: "direct" }] } });
    expect(put.status).toBe(200);
    const northwind = await signedIn(a.email);
    await northwind.fetch(`/connections/${id}/mappings`, { headers: HTML });
    const list = await (await northwind.fetch(`/connections/${id}/mappings`, { headers: HTML })).text();
    expect(list).toContain("customFields.u_retired: the target platform has no such custom field");
    expect(list).toContain("fail with “field not found”");
  });
});

describe("source and category defaults in the settings page", () => {
  it("offer the platform's sources and categories to choose from", async () => {
    const id = await connection();
    const contoso = await signedIn(b.email);
    const page = await (await contoso.fetch(`/connections/${id}/settings`, { headers: HTML })).text();
    expect(page).toMatch(/<select id="field-defaults-sourceId" name="defaults.sourceId"/);
    expect(page).toMatch(/<option value="email">Email<\/option>/);
    expect(page).toMatch(/<select id="field-defaults-categoryId" name="defaults.categoryId"/);
    expect(page).toMatch(/<option value="network">Network<\/option>/);
    expect(page).toContain("Written to the ticket&#39;s Channel (contact_type).");
  });
});
