import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { picklistCache } from "../../src/db/schema";
import type { Principal } from "../../src/auth/principal";
import { updateConnection } from "../../src/services/connections";
import { addUser, api, Browser, createOrganisation, db, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();
const HTML = { Accept: "text/html" };

type Side = { side: string; mine: boolean; settings: Record<string, any> | null };
type Connection = { id: string; settings: Record<string, any>; sides: Side[] };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let outsider: Awaited<ReturnType<typeof createOrganisation>>;
let connectionId: string;
let highPriorityId: string;
let generalQueueId: string;

async function addAccount(token: string, name: string, host: string): Promise<string> {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name, platform: "request-tracker", baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" } },
  });
  return ((await res.json()) as { id: string }).id;
}

async function signedIn(email: string) {
  const browser = new Browser();
  await browser.signIn(email);
  return browser;
}

const mySide = async (token: string) => {
  const connection = (await (await api(`/connections/${connectionId}`, token)).json()) as Connection;
  return { connection, side: connection.sides.find((s) => s.mine)! };
};

/** Every field of the side form as a browser would post it. */
function sideForm(csrf: string, overrides: Record<string, string | string[]> = {}): URLSearchParams {
  const fields: Record<string, string | string[]> = {
    _csrf: csrf,
    side: "target",
    "defaults.statusId": "new",
    "defaults.priorityId": highPriorityId,
    "defaults.queueId": generalQueueId,
    "defaults.ownerId": "alice",
    "filters.queueIds": [generalQueueId],
    "filters.excludedStatusIds": ["rejected", "deleted"],
    "filters.field.field": "customFields.Severity",
    "filters.field.operator": "not_equals",
    "filters.field.value": "Low",
    "comments.public": "true",
    "comments.internal": "true",
    "attachments.enabled": "true",
    "attachments.maxMegabytes": "5",
    "attachments.allowedTypes": "image/*, .pdf",
    "timeEntries.carryNotes": "true",
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return params;
}

const postForm = (browser: Browser, path: string, body: URLSearchParams) =>
  browser.fetch(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...HTML }, body: body.toString() });

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  outsider = await createOrganisation("Outsider Ltd");
});

beforeEach(async () => {
  network.mount("rt-a.sim.test", createRequestTrackerSimulator().app);
  network.mount("rt-b.sim.test", createRequestTrackerSimulator().app);
  if (connectionId) return;
  const accountA = await addAccount(a.token, "Acme RT", "rt-a.sim.test");
  const accountB = await addAccount(b.token, "Contoso RT", "rt-b.sim.test");
  const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Helpdesk", role: "source", platformAccountId: accountA } })).json()) as { id: string; verificationCode: string };
  await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: accountB } });
  connectionId = created.id;
  const lists = (await (await api(`/platform-accounts/${accountB}/picklists`, b.token)).json()) as { picklists: { priorities: { id: string; name: string }[]; queues: { id: string; name: string }[] } };
  highPriorityId = lists.picklists.priorities.find((p) => p.name === "High")!.id;
  generalQueueId = lists.picklists.queues.find((q) => q.name === "General")!.id;
});

describe("connection settings page", () => {
  it("offers the side's own picklists as choices, and saves every section of one's own side", async () => {
    const contoso = await signedIn(b.email);
    const res = await contoso.fetch(`/connections/${connectionId}/settings`, { headers: HTML });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toMatch(/<select id="field-defaults-statusId" name="defaults.statusId"[^>]*><option value="">Not set<\/option><option value="new">new<\/option>/);
    expect(html).toMatch(/<option value="[^"]+">High<\/option>/);
    expect(html).toMatch(/Your partner(&#39;|')s side: source/);
    expect(html).toContain('name="filters.queueIds"');
    expect(html).toMatch(/<option value="customFields.Severity">Severity \(custom field\)<\/option>/);

    const csrf = await contoso.csrfFrom(`/connections/${connectionId}/settings`);
    const saved = await postForm(contoso, `/connections/${connectionId}/settings/side`, sideForm(csrf));
    expect(saved.status).toBe(303);
    const { side } = await mySide(b.token);
    expect(side.settings).toMatchObject({
      defaults: { statusId: "new", priorityId: highPriorityId, queueId: generalQueueId, ownerId: "alice" },
      filters: { queueIds: [generalQueueId], excludedStatusIds: ["rejected", "deleted"], field: { field: "customFields.Severity", operator: "not_equals", value: "Low" } },
      comments: { public: true, internal: true },
      attachments: { enabled: true, maxBytes: 5 * 1024 * 1024, allowedTypes: ["image/*", ".pdf"] },
      timeEntries: { enabled: false, carryNotes: true },
    });

    // The page shows what was saved; clearing a choice and unticking a box save as such.
    const again = await (await contoso.fetch(`/connections/${connectionId}/settings`, { headers: HTML })).text();
    expect(again).toMatch(/<option value="new" selected="">new<\/option>/);
    const cleared = await postForm(contoso, `/connections/${connectionId}/settings/side`, sideForm(csrf, { "defaults.ownerId": "", "comments.internal": [], "filters.field.field": "" }));
    expect(cleared.status).toBe(303);
    const after = (await mySide(b.token)).side.settings!;
    expect(after.defaults.ownerId).toBeUndefined();
    expect(after.comments.internal).toBe(false);
    expect(after.filters.field).toBeUndefined();
    expect(after.defaults.statusId).toBe("new");
  });

  it("shows errors next to the field and saves nothing when a value is refused", async () => {
    const contoso = await signedIn(b.email);
    const csrf = await contoso.csrfFrom(`/connections/${connectionId}/settings`);
    const before = (await mySide(b.token)).side.settings;
    const refused = await postForm(contoso, `/connections/${connectionId}/settings/side`, sideForm(csrf, { "attachments.maxMegabytes": "500" }));
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toMatch(/Nothing was saved/);
    expect(html).toMatch(/id="field-attachments-maxMegabytes-error">Too big/);
    expect((await mySide(b.token)).side.settings).toEqual(before);

    const badEmail = await contoso.post(`/connections/${connectionId}/settings/shared`, { _csrf: csrf, "alerts.emails": "ops@contoso.test\nnot-an-address", manualCooldownSeconds: "120" });
    expect(badEmail.status).toBe(400);
    expect(await badEmail.text()).toMatch(/<p class="field-error">Invalid email address<\/p>/);
    expect((await mySide(b.token)).connection.settings.manualCooldownSeconds).toBe(60);
  });

  it("saves the shared settings for both organisations", async () => {
    const contoso = await signedIn(b.email);
    const csrf = await contoso.csrfFrom(`/connections/${connectionId}/settings`);
    const saved = await contoso.post(`/connections/${connectionId}/settings/shared`, {
      _csrf: csrf,
      "bidirectionalCreation.enabled": "true",
      "bidirectionalCreation.filter.field": "queue",
      "bidirectionalCreation.filter.operator": "equals",
      "bidirectionalCreation.filter.value": "General",
      manualCooldownSeconds: "300",
      "alerts.emails": "",
      "alerts.webhookUrl": "https://hooks.contoso.test/lockstep",
    });
    expect(saved.status).toBe(303);
    const seenByA = (await mySide(a.token)).connection.settings;
    expect(seenByA).toMatchObject({
      bidirectionalCreation: { enabled: true, filter: { field: "queue", operator: "equals", value: "General" } },
      manualCooldownSeconds: 300,
      alerts: { emails: [], webhookUrl: "https://hooks.contoso.test/lockstep" },
    });
  });

  it("refuses alert addresses on an install that sends no email, saying why", async () => {
    const contoso = await signedIn(b.email);
    const csrf = await contoso.csrfFrom(`/connections/${connectionId}/settings`);
    const page = await (await contoso.fetch(`/connections/${connectionId}/settings`, { headers: HTML })).text();
    expect(page).toContain("This install sends no email");
    // RT records time as the integration user, with no work roles: those defaults are not offered.
    expect(page).not.toContain('name="timeEntries.defaultMemberId"');
    expect(page).not.toContain('name="timeEntries.defaultWorkRoleId"');
    expect(page).toContain('name="timeEntries.carryNotes"');
    const before = (await mySide(b.token)).connection.settings;
    const refused = await contoso.post(`/connections/${connectionId}/settings/shared`, { _csrf: csrf, "alerts.emails": "ops@contoso.test", manualCooldownSeconds: "120" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<p class="field-error">This install sends no email/);
    const viaApi = await api(`/connections/${connectionId}`, b.token, { method: "PATCH", json: { settings: { alerts: { emails: ["ops@contoso.test"] } } } });
    expect(viaApi.status).toBe(400);
    expect(((await viaApi.json()) as { error: { details: { fields: { path: string }[] } } }).error.details.fields[0]!.path).toBe("settings.alerts.emails");
    expect((await mySide(b.token)).connection.settings).toEqual(before);
    // Where the install can send, the same addresses are kept.
    const principal: Principal = { orgId: b.organisation.id, orgName: "Contoso", userId: b.owner.id, userName: "Contoso Owner", userEmail: b.email, role: "owner", via: "token" };
    const saved = await updateConnection(db(), principal, connectionId, { settings: { alerts: { emails: ["ops@contoso.test"] } } }, null, { alertEmail: true });
    expect(saved.settings.alerts.emails).toEqual(["ops@contoso.test"]);
  });

  it("never lets one organisation change the partner's side", async () => {
    const acme = await signedIn(a.email);
    const csrf = await acme.csrfFrom(`/connections/${connectionId}/settings`);
    const html = await (await acme.fetch(`/connections/${connectionId}/settings`, { headers: HTML })).text();
    expect(html).toContain("Your side: source");
    expect(html).not.toContain("Contoso RT");
    const before = (await mySide(b.token)).side.settings;
    const res = await postForm(acme, `/connections/${connectionId}/settings/side`, sideForm(csrf, { side: "target", "defaults.statusId": "open" }));
    expect(res.status).toBe(403);
    expect((await mySide(b.token)).side.settings).toEqual(before);
    expect((await acme.fetch(`/connections/${connectionId}/settings?side=target`, { headers: HTML })).status).toBe(404);
  });

  it("renders a fragment for htmx, read-only for viewers, and 404 for other organisations", async () => {
    const contoso = await signedIn(b.email);
    const fragment = await (await contoso.fetch(`/connections/${connectionId}/settings`, { headers: { ...HTML, "HX-Request": "true" } })).text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain('name="defaults.statusId"');

    const viewer = await addUser(b.organisation.id, "viewer");
    const viewing = await signedIn(viewer.email);
    const readOnly = await (await viewing.fetch(`/connections/${connectionId}/settings`, { headers: HTML })).text();
    expect(readOnly).toContain('name="defaults.statusId"');
    expect(readOnly).toContain("<fieldset disabled");
    expect(readOnly).not.toMatch(/<form[^>]*action="\/connections/);
    expect(readOnly).not.toContain("Refresh platform data");
    const csrf = await viewing.csrfFrom(`/connections/${connectionId}/settings`);
    expect((await viewing.post(`/connections/${connectionId}/settings/shared`, { _csrf: csrf, manualCooldownSeconds: "1" })).status).toBe(403);

    const stranger = await signedIn(outsider.email);
    expect((await stranger.fetch(`/connections/${connectionId}/settings`, { headers: HTML })).status).toBe(404);
    const strangerCsrf = await stranger.csrfFrom("/connections");
    expect((await stranger.post(`/connections/${connectionId}/settings/shared`, { _csrf: strangerCsrf, manualCooldownSeconds: "1" })).status).toBe(404);
  });

  it("lets an internal connection's organisation edit each side in turn", async () => {
    const one = await addAccount(a.token, "Acme RT one", "rt-a.sim.test");
    const two = await addAccount(a.token, "Acme RT two", "rt-a.sim.test");
    const internal = (await (await api("/connections", a.token, { method: "POST", json: { name: "Lab", role: "source", platformAccountId: one, partnerAccountId: two } })).json()) as { id: string };
    const acme = await signedIn(a.email);
    const source = await (await acme.fetch(`/connections/${internal.id}/settings`, { headers: HTML })).text();
    expect(source).toContain("Your side: source");
    expect(source).toContain(`href="/connections/${internal.id}/settings?side=target"`);
    const target = await (await acme.fetch(`/connections/${internal.id}/settings?side=target`, { headers: HTML })).text();
    expect(target).toContain("Your side: target");
    expect(target).toContain('<input type="hidden" name="side" value="target"/>');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(target)![1]!;
    const saved = await postForm(acme, `/connections/${internal.id}/settings/side`, sideForm(csrf, { side: "target", "defaults.statusId": "open" }));
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toBe(`/connections/${internal.id}/settings?side=target`);
    const sides = ((await (await api(`/connections/${internal.id}`, a.token)).json()) as Connection).sides;
    expect(sides.find((s) => s.side === "target")!.settings!.defaults.statusId).toBe("open");
    expect(sides.find((s) => s.side === "source")!.settings!.defaults.statusId).toBeUndefined();
  });

  it("warns when the default status belongs to another board than the default board", async () => {
    const one = await addAccount(a.token, "Boards one", "rt-a.sim.test");
    const two = await addAccount(a.token, "Boards two", "rt-a.sim.test");
    // Statuses per board, as ConnectWise has them.
    const picklists = {
      queues: [{ id: "1", name: "Service Desk" }, { id: "2", name: "Projects" }],
      statuses: [{ id: "11", name: "New", queueId: "1", closed: false }, { id: "21", name: "New", queueId: "2", closed: false }],
      priorities: [{ id: "p1", name: "High" }],
      ticketTypes: [], companies: [], noteTypes: [], customFields: [], members: [], workRoles: [],
    };
    for (const accountId of [one, two]) {
      await db().insert(picklistCache).values({ accountId, kind: "all", values: JSON.stringify(picklists), fetchedAt: new Date().toISOString() });
    }
    const internal = (await (await api("/connections", a.token, { method: "POST", json: { name: "Boards", role: "source", platformAccountId: one, partnerAccountId: two } })).json()) as { id: string };
    const acme = await signedIn(a.email);
    const html = await (await acme.fetch(`/connections/${internal.id}/settings?side=target`, { headers: HTML })).text();
    expect(html).toContain('<option value="21">New (Projects)</option>');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const fields = { side: "target", "defaults.statusId": "21", "defaults.priorityId": "p1", "defaults.queueId": "1", "filters.queueIds": [], "filters.excludedStatusIds": [], "defaults.ownerId": "" };
    const mismatched = await postForm(acme, `/connections/${internal.id}/settings/side`, sideForm(csrf, fields));
    expect(mismatched.status).toBe(303);
    const after = await (await acme.fetch(mismatched.headers.get("Location")!, { headers: HTML })).text();
    expect(after).toContain("Saved, but check it: the default status “New” belongs to Projects, not to the default board Service Desk");
    const matched = await postForm(acme, `/connections/${internal.id}/settings/side`, sideForm(csrf, { ...fields, "defaults.statusId": "11" }));
    const fine = await (await acme.fetch(matched.headers.get("Location")!, { headers: HTML })).text();
    expect(fine).toContain("settings are saved");
  });

  it("never waits on the partner's platform to show one's own side; the mappings page reads it", async () => {
    const partnerRt = createRequestTrackerSimulator();
    network.mount("rt-c.sim.test", partnerRt.app);
    const accountA = await addAccount(a.token, "Acme RT again", "rt-a.sim.test");
    const accountB = await addAccount(b.token, "Contoso RT two", "rt-c.sim.test");
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Quiet", role: "source", platformAccountId: accountA } })).json()) as { id: string; verificationCode: string };
    await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: accountB } });
    const acme = await signedIn(a.email);
    const settings = await acme.fetch(`/connections/${created.id}/settings`, { headers: HTML });
    expect(settings.status).toBe(200);
    expect(await settings.text()).toContain('name="defaults.statusId"');
    expect((await acme.fetch(`/connections/${created.id}/description`, { headers: HTML })).status).toBe(200);
    expect(partnerRt.faults.calls.length).toBe(0);
    expect((await acme.fetch(`/connections/${created.id}/mappings`, { headers: HTML })).status).toBe(200);
    expect(partnerRt.faults.calls.length).toBeGreaterThan(0);
  });

  it("refreshes platform data in place", async () => {
    const contoso = await signedIn(b.email);
    const csrf = await contoso.csrfFrom(`/connections/${connectionId}/settings`);
    const res = await contoso.post(`/connections/${connectionId}/settings/refresh?side=target`, { _csrf: csrf }, { "HX-Request": "true" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="side-settings"');
    expect(html).not.toContain("<html");
  });
});
