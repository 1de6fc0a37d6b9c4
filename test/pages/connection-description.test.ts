import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { addUser, api, Browser, createOrganisation, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();
const HTML = { Accept: "text/html" };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let outsider: Awaited<ReturnType<typeof createOrganisation>>;
let id: string;

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  outsider = await createOrganisation("Outsider Ltd");
});

beforeEach(async () => {
  network.mount("rt-a.sim.test", createRequestTrackerSimulator().app);
  if (id) return;
  const add = async (name: string) =>
    ((await (
      await api("/platform-accounts", a.token, {
        method: "POST",
        json: { name, platform: "request-tracker", baseUrl: "https://rt-a.sim.test", credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" } },
      })
    ).json()) as { id: string }).id;
  const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Lab", role: "source", platformAccountId: await add("One"), partnerAccountId: await add("Two") } })).json()) as { id: string };
  id = created.id;
});

async function signedIn(email: string) {
  const browser = new Browser();
  await browser.signIn(email);
  return browser;
}

function post(browser: Browser, path: string, fields: [string, string][], headers: Record<string, string> = HTML) {
  return browser.fetch(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });
}

const preview = (html: string) => /<pre id="description-preview"[^>]*>([\s\S]*?)<\/pre>/.exec(html)?.[1]?.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");

describe("description builder page", () => {
  it("arranges fields without saving, previewing each step, then saves the layout", async () => {
    const acme = await signedIn(a.email);
    const first = await (await acme.fetch(`/connections/${id}/description`, { headers: HTML })).text();
    expect(preview(first)).toMatch(/^Since this morning nobody on the 3rd floor can print/);
    expect(first).toMatch(/<option value="customFields.Severity">Severity \(custom field\)<\/option>/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(first)![1]!;

    const added = await post(acme, `/connections/${id}/description`, [["_csrf", csrf], ["separator", "----"], ["add", "status"], ["op", "add"]]);
    expect(added.status).toBe(200);
    const addedHtml = await added.text();
    expect(addedHtml).toContain('<input type="hidden" name="fields" value="status"/>');
    expect(addedHtml).toContain("Not saved yet");
    expect(preview(addedHtml)).toMatch(/^Status: In Progress\n----\nSince this morning/);

    // Moving down swaps two fields; htmx gets the fragment only.
    const moved = await post(acme, `/connections/${id}/description`, [["_csrf", csrf], ["fields", "status"], ["fields", "priority"], ["separator", "----"], ["op", "down:0"]], { ...HTML, "HX-Request": "true" });
    const movedHtml = await moved.text();
    expect(movedHtml).not.toContain("<html");
    expect(preview(movedHtml)).toMatch(/^Priority: High\nStatus: In Progress\n----\n/);
    // Nothing is saved by arranging.
    expect(((await (await api(`/connections/${id}`, a.token)).json()) as { settings: { description: { fields: string[] } } }).settings.description.fields).toEqual([]);

    const saved = await post(acme, `/connections/${id}/description`, [["_csrf", csrf], ["fields", "priority"], ["fields", "customFields.Severity"], ["fields", "requester"], ["separator", "===="]]);
    expect(saved.status).toBe(303);
    const settings = ((await (await api(`/connections/${id}`, a.token)).json()) as { settings: { description: unknown } }).settings.description;
    expect(settings).toEqual({ fields: ["priority", "customFields.Severity", "requester"], separator: "====" });
    const after = await (await acme.fetch(`/connections/${id}/description`, { headers: HTML })).text();
    // The source's own custom field gets a sample value from its options.
    expect(preview(after)).toMatch(/^Priority: High\nSeverity: Low\nRequester: Jane Doe <jane.doe@contoso.example>\n====\nSince this morning/);
  });

  it("previews live what the form holds, the same text a run writes", async () => {
    const acme = await signedIn(a.email);
    const csrf = await acme.csrfFrom(`/connections/${id}/description`);
    const res = await post(acme, `/connections/${id}/description/preview`, [["_csrf", csrf], ["fields", "title"], ["fields", "company"], ["separator", "~~"]], { ...HTML, "HX-Request": "true" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/^<pre id="description-preview"/);
    expect(preview(html)).toMatch(/^Title: Printer on the 3rd floor shows Offline\nCompany: Contoso Ltd\n~~\nSince this morning/);
  });

  it("refuses an unknown field next to the list, saving nothing", async () => {
    const acme = await signedIn(a.email);
    const csrf = await acme.csrfFrom(`/connections/${id}/description`);
    const before = ((await (await api(`/connections/${id}`, a.token)).json()) as { settings: { description: unknown } }).settings.description;
    const res = await post(acme, `/connections/${id}/description`, [["_csrf", csrf], ["fields", "priority"], ["fields", "bogus"], ["separator", "--"]]);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<p class="field-error">Must be a canonical ticket field<\/p>/);
    expect(((await (await api(`/connections/${id}`, a.token)).json()) as { settings: { description: unknown } }).settings.description).toEqual(before);
  });

  it("shows viewers the layout and preview read-only, and other organisations 404", async () => {
    const viewer = await addUser(a.organisation.id, "viewer");
    const viewing = await signedIn(viewer.email);
    const html = await (await viewing.fetch(`/connections/${id}/description`, { headers: HTML })).text();
    expect(html).toContain('id="description-preview"');
    expect(html).not.toMatch(/<form[^>]*action="\/connections/);
    const csrf = await viewing.csrfFrom(`/connections/${id}/description`);
    expect((await post(viewing, `/connections/${id}/description/preview`, [["_csrf", csrf], ["fields", "title"]])).status).toBe(403);

    const stranger = await signedIn(outsider.email);
    expect((await stranger.fetch(`/connections/${id}/description`, { headers: HTML })).status).toBe(404);
    const strangerCsrf = await stranger.csrfFrom("/connections");
    expect((await post(stranger, `/connections/${id}/description/preview`, [["_csrf", strangerCsrf], ["fields", "title"]])).status).toBe(404);
    expect((await post(stranger, `/connections/${id}/description`, [["_csrf", strangerCsrf], ["fields", "title"]])).status).toBe(404);
  });
});
