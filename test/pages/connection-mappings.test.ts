import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { addUser, api, Browser, createOrganisation, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();
const HTML = { Accept: "text/html" };

type Mapping = { id: string; ticketType: string; sourceField: string; targetField: string; direction: string; kind: string; conflictPolicy: string; valuePairs: { sourceValue: string; targetValue: string }[]; unpaired: { source: string[]; target: string[] } | null };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let outsider: Awaited<ReturnType<typeof createOrganisation>>;
const accounts = { a: "", b: "" };

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  outsider = await createOrganisation("Outsider Ltd");
});

beforeEach(async () => {
  network.mount("rt-a.sim.test", createRequestTrackerSimulator().app);
  network.mount("rt-b.sim.test", createRequestTrackerSimulator().app);
  if (accounts.a) return;
  const add = async (token: string, host: string, settings: Record<string, unknown> = {}) =>
    ((await (
      await api("/platform-accounts", token, {
        method: "POST",
        json: { name: host, platform: "request-tracker", baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" }, settings },
      })
    ).json()) as { id: string }).id;
  accounts.a = await add(a.token, "rt-a.sim.test");
  // Contoso names its priorities differently: only "Medium" has an equal name on both sides.
  accounts.b = await add(b.token, "rt-b.sim.test", { priorities: [{ name: "P3", value: 0 }, { name: "Medium", value: 50 }, { name: "P1", value: 100 }] });
});

async function connection(): Promise<string> {
  const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Helpdesk", role: "source", platformAccountId: accounts.a } })).json()) as { id: string; verificationCode: string };
  await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: accounts.b } });
  return created.id;
}

async function signedIn(email: string) {
  const browser = new Browser();
  await browser.signIn(email);
  return browser;
}

const mappings = async (id: string) => ((await (await api(`/connections/${id}/mappings`, a.token)).json()) as { mappings: Mapping[] }).mappings;

function post(browser: Browser, path: string, fields: [string, string][], headers: Record<string, string> = HTML) {
  return browser.fetch(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });
}

describe("field mapping pages", () => {
  it("start with status and priority, pairing equal names and flagging the rest before any run", async () => {
    const id = await connection();
    const acme = await signedIn(a.email);
    const empty = await (await acme.fetch(`/connections/${id}/mappings`, { headers: HTML })).text();
    expect(empty).toContain("No field is mapped yet");
    const csrf = await acme.csrfFrom(`/connections/${id}/mappings`);
    expect((await acme.post(`/connections/${id}/mappings/starter`, { _csrf: csrf })).status).toBe(303);

    const saved = await mappings(id);
    const status = saved.find((m) => m.sourceField === "status")!;
    expect(status).toMatchObject({ direction: "bidirectional", kind: "value", unpaired: { source: [], target: [] } });
    expect(status.valuePairs).toContainEqual({ sourceValue: "resolved", targetValue: "resolved" });
    const priority = saved.find((m) => m.sourceField === "priority")!;
    expect(priority.valuePairs).toEqual([{ sourceValue: "50", targetValue: "50" }]);
    expect(priority.unpaired).toEqual({ source: ["0", "100"], target: ["0", "100"] });

    const list = await (await acme.fetch(`/connections/${id}/mappings`, { headers: HTML })).text();
    expect(list).toContain("All ticket types");
    expect(list).toContain("Every value has a pair");
    // The flag names the values, on each side, as people know them.
    expect(list).toMatch(/2 source values without a pair: Low, High; 2 target values without a pair: P3, P1/);
    expect(list).toMatch(/Values read from the source(&#39;|')s at .* UTC, the target(&#39;|')s at/);
    const refreshed = await acme.post(`/connections/${id}/mappings/refresh`, { _csrf: csrf });
    expect(refreshed.status).toBe(303);
    expect(await (await acme.fetch("/connections/" + id + "/mappings", { headers: HTML })).text()).toContain("read from the platforms again");
  });

  it("add a value mapping whose pairs are chosen from both sides' picklists", async () => {
    const id = await connection();
    const acme = await signedIn(a.email);
    const form = await (await acme.fetch(`/connections/${id}/mappings/new`, { headers: HTML })).text();
    expect(form).toMatch(/<select id="field-sourceField" name="sourceField"/);
    expect(form).toMatch(/<option value="customFields.Severity">Severity \(custom field\)<\/option>/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;

    // Choosing the fields offers their values (htmx asks for the editor alone).
    const base: [string, string][] = [["_csrf", csrf], ["ticketType", ""], ["sourceField", "priority"], ["targetField", "priority"], ["direction", "source_to_target"], ["kind", "value"], ["conflictPolicy", "latest_wins"]];
    const choices = await post(acme, `/connections/${id}/mappings?op=choices`, base, { ...HTML, "HX-Request": "true" });
    expect(choices.status).toBe(200);
    const editor = await choices.text();
    expect(editor).not.toContain("<html");
    expect(editor).toMatch(/<select id="field-pairs-0-source" name="pairs.0.source"/);
    expect(editor).toMatch(/<option value="100">P1<\/option>/);
    expect(editor).toContain("matched by name");
    expect(editor).toMatch(/2 values have no pair yet/);

    const saved = await post(acme, `/connections/${id}/mappings`, [
      ...base,
      ["pairs.0.source", "0"], ["pairs.0.target", "0"],
      ["pairs.1.source", "50"], ["pairs.1.target", "50"],
      ["pairs.2.source", "100"], ["pairs.2.target", "100"],
      ["pairs.3.source", ""], ["pairs.3.target", ""],
    ]);
    expect(saved.status).toBe(303);
    const [mapping] = await mappings(id);
    expect(mapping).toMatchObject({ ticketType: "*", sourceField: "priority", direction: "source_to_target", unpaired: { source: [], target: [] } });
    expect(mapping!.valuePairs).toHaveLength(3);
  });

  it("refuse a value translating to two, showing the error at the row, and save nothing", async () => {
    const id = await connection();
    const acme = await signedIn(a.email);
    const csrf = await acme.csrfFrom(`/connections/${id}/mappings/new`);
    const res = await post(acme, `/connections/${id}/mappings`, [
      ["_csrf", csrf], ["sourceField", "status"], ["targetField", "status"], ["direction", "bidirectional"], ["kind", "value"], ["conflictPolicy", "source_wins"],
      ["pairs.0.source", "new"], ["pairs.0.target", "new"],
      ["pairs.1.source", ""], ["pairs.1.target", ""],
      ["pairs.2.source", "new"], ["pairs.2.target", "open"],
    ]);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<tr class="invalid">(?:(?!<\/tr>).)*name="pairs.2.source"(?:(?!<\/tr>).)*paired with both &quot;new&quot; and &quot;open&quot;/s);
    expect(await mappings(id)).toEqual([]);

    const noField = await post(acme, `/connections/${id}/mappings`, [["_csrf", csrf], ["sourceField", ""], ["targetField", "title"], ["direction", "source_to_target"], ["kind", "direct"]]);
    expect(noField.status).toBe(400);
    expect(await noField.text()).toMatch(/id="field-sourceField-error">Must be a canonical ticket field/);
  });

  it("edit and delete one mapping, keeping the others, and refuse an edit of a set changed meanwhile", async () => {
    const id = await connection();
    await api(`/connections/${id}/mappings`, a.token, {
      method: "PUT",
      json: { mappings: [{ sourceField: "title", targetField: "title", direction: "source_to_target", kind: "direct" }, { sourceField: "customFields.Severity", targetField: "priority", direction: "source_to_target", kind: "value", valuePairs: [{ sourceValue: "High", targetValue: "100" }] }] },
    });
    const [title, severity] = await mappings(id);
    const acme = await signedIn(a.email);
    const edit = await (await acme.fetch(`/connections/${id}/mappings/${severity!.id}/edit`, { headers: HTML })).text();
    expect(edit).toMatch(/<option value="customFields.Severity" selected="">/);
    expect(edit).toMatch(/<option value="High" selected="">High<\/option>/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(edit)![1]!;

    const saved = await post(acme, `/connections/${id}/mappings/${severity!.id}`, [
      ["_csrf", csrf], ["sourceField", "customFields.Severity"], ["targetField", "priority"], ["direction", "source_to_target"], ["kind", "value"], ["conflictPolicy", "latest_wins"],
      ["pairs.0.source", "High"], ["pairs.0.target", "100"], ["pairs.1.source", "Critical"], ["pairs.1.target", "100"],
    ]);
    expect(saved.status).toBe(303);
    const after = await mappings(id);
    expect(after.map((m) => m.sourceField)).toEqual(["title", "customFields.Severity"]);
    expect(after[1]!.valuePairs).toHaveLength(2);

    // The old id no longer exists: the set was saved anew.
    const stale = await post(acme, `/connections/${id}/mappings/${severity!.id}`, [["_csrf", csrf], ["sourceField", "title"], ["targetField", "title"], ["direction", "source_to_target"], ["kind", "direct"]]);
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("changed or deleted meanwhile");

    const list = await (await acme.fetch(`/connections/${id}/mappings`, { headers: HTML })).text();
    expect(list).toMatch(/data-confirm="Delete the mapping title → title\?/);
    const currentTitle = after.find((m) => m.sourceField === "title")!;
    expect(currentTitle.id).not.toBe(title!.id);
    expect((await acme.post(`/connections/${id}/mappings/${currentTitle.id}/delete`, { _csrf: csrf })).status).toBe(303);
    expect((await mappings(id)).map((m) => m.sourceField)).toEqual(["customFields.Severity"]);
  });

  it("show viewers the list read-only, fragments to htmx, and 404 to other organisations", async () => {
    const id = await connection();
    await api(`/connections/${id}/mappings`, a.token, { method: "PUT", json: { mappings: [{ sourceField: "title", targetField: "title", direction: "source_to_target", kind: "direct" }] } });
    const viewer = await addUser(a.organisation.id, "viewer");
    const viewing = await signedIn(viewer.email);
    const list = await (await viewing.fetch(`/connections/${id}/mappings`, { headers: HTML })).text();
    expect(list).toContain("Copied");
    expect(list).not.toMatch(/<form[^>]*action="\/connections/);
    expect(list).not.toContain("Add a mapping");
    expect((await viewing.fetch(`/connections/${id}/mappings/new`, { headers: HTML })).status).toBe(403);

    const acme = await signedIn(a.email);
    const fragment = await (await acme.fetch(`/connections/${id}/mappings`, { headers: { ...HTML, "HX-Request": "true" } })).text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain("field mappings");

    const stranger = await signedIn(outsider.email);
    expect((await stranger.fetch(`/connections/${id}/mappings`, { headers: HTML })).status).toBe(404);
    const csrf = await stranger.csrfFrom("/connections");
    expect((await stranger.post(`/connections/${id}/mappings`, { _csrf: csrf, sourceField: "title", targetField: "title", direction: "source_to_target", kind: "direct" })).status).toBe(404);
  });
});
