// Test connection on a ServiceNow account checks that the integration user may write comments and
// work notes: the Table API drops a journal field the user's ACLs deny and still answers 200, so
// without this check an admin learns of it only from comments that never arrive.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { servicenowConnector } from "../src/connectors/servicenow";
import { createServiceNowSimulator } from "../src/simulators/servicenow/app";
import { api, Browser, setupFirstOrganisation } from "./helpers";
import { useSimulatorNetwork } from "./support/simulator-network";

const network = useSimulatorNetwork();
const CREDENTIALS = { authType: "basic", username: "lockstep.integration", password: "sn-password" } as const;

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let sn: ReturnType<typeof createServiceNowSimulator>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});
beforeEach(() => {
  sn = createServiceNowSimulator();
  network.mount("sn.sim.test", sn.app);
});

const client = () =>
  servicenowConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: "https://sn.sim.test", credentials: CREDENTIALS, settings: servicenowConnector.settingsSchema.parse({}) } });

async function addAccount(): Promise<string> {
  const res = await api("/platform-accounts", org.token, { method: "POST", json: { name: "Contoso SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: CREDENTIALS } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

type Result = { ok: boolean; message: string; checks: { name: string; status: string; message: string }[] };
const testAccount = async (id: string) => (await (await api(`/platform-accounts/${id}/test`, org.token, { method: "POST" })).json()) as Result;

describe("ServiceNow Test connection: may the user write comments and work notes", () => {
  it("passes when the user holds the roles the journal write ACLs ask for", async () => {
    const { checks } = await client().testConnection();
    expect(checks).toEqual([{ name: "journal_write", status: "ok", message: expect.stringContaining("may write comments and work notes on incident") }]);
  });

  it("fails and names the field, the ACL and the role when the user lacks it (and the instance really drops such a note)", async () => {
    sn.roles.revoke("itil");
    const id = await addAccount();
    const result = await testAccount(id);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^Test failed: lockstep\.integration may not write incident\.work_notes \(write ACL task\.work_notes needs the role itil\)/);
    expect(result.message).not.toContain("incident.comments");
    expect(result.checks).toEqual([expect.objectContaining({ name: "journal_write", status: "failed" })]);
    // What the check predicts: a work note from this user is answered 200 and not kept.
    const incident = sn.store.list("incident")[0]!;
    const before = sn.store.byField("element_id", incident.sys_id!).length;
    await client().addComment(incident.sys_id!, "incident", { body: "internal", format: "text", public: false });
    expect(sn.store.byField("element_id", incident.sys_id!).length).toBe(before);
    // Shown on the account page, and kept as the account's last test.
    const browser = new Browser();
    await browser.signIn(org.email);
    const page = await (await browser.fetch(`/platform-accounts/${id}`, { headers: { Accept: "text/html" } })).text();
    expect(page).toContain("may not write incident.work_notes (write ACL task.work_notes needs the role itil)");
  });

  it("warns, without failing, when the account may not read the ACLs to check", async () => {
    sn.store.deniedTables.add("sys_security_acl");
    const id = await addAccount();
    const result = await testAccount(id);
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/^Connection tested, with a warning: Could not check that lockstep\.integration may write comments and work notes \(reading the security tables was refused/);
    expect(result.checks[0]).toMatchObject({ status: "warning" });
    const browser = new Browser();
    await browser.signIn(org.email);
    const fragment = await (await browser.fetch(`/platform-accounts/${id}/test`, { method: "POST", headers: { "HX-Request": "true", "X-CSRF-Token": await csrf(browser, id) } })).text();
    expect(fragment).toContain("flash-warning");
    expect(fragment).toContain("Could not check that lockstep.integration may write comments and work notes");
  });

  it("warns when the ACLs read back empty (hidden by their own read rules)", async () => {
    for (const acl of sn.store.list("sys_security_acl")) acl.active = "false";
    const { checks } = await client().testConnection();
    expect(checks).toEqual([expect.objectContaining({ status: "warning", message: expect.stringContaining("not readable to it") })]);
  });
});

async function csrf(browser: Browser, id: string): Promise<string> {
  const html = await (await browser.fetch(`/platform-accounts/${id}`, { headers: { Accept: "text/html" } })).text();
  const match = /name="_csrf" value="([^"]+)"/.exec(html) ?? /"X-CSRF-Token":\s*"([^"]+)"/.exec(html);
  return match![1]!;
}
