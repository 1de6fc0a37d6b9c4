import { beforeAll, describe, expect, it } from "vitest";
import { addUser, api, Browser, createOrganisation, setupFirstOrganisation } from "../helpers";

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let outsider: Awaited<ReturnType<typeof createOrganisation>>;
const accounts = { a: "", aLab: "", b: "" };

const HTML = { Accept: "text/html" };
const HTMX = { Accept: "text/html", "HX-Request": "true" };

async function addAccount(token: string, name: string): Promise<string> {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name, platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
  });
  return ((await res.json()) as { id: string }).id;
}

async function signedIn(email: string): Promise<Browser> {
  const browser = new Browser();
  await browser.signIn(email);
  return browser;
}

const page = async (browser: Browser, path: string, headers: Record<string, string> = HTML) => {
  const res = await browser.fetch(path, { headers });
  return { status: res.status, html: await res.text(), res };
};

/** Forms that change something about connections (the sign-out form does not count). */
const writeForms = (html: string) => [...html.matchAll(/<form[^>]*action="(\/connections[^"]*)"/g)].map((m) => m[1]);

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  outsider = await createOrganisation("Outsider Ltd");
  accounts.a = await addAccount(a.token, "Acme RT");
  accounts.aLab = await addAccount(a.token, "Acme RT lab");
  accounts.b = await addAccount(b.token, "Contoso RT");
});

describe("connection pages", () => {
  it("create an invitation, show its code once, and let the partner accept it with its own account", async () => {
    const acme = await signedIn(a.email);
    const form = await page(acme, "/connections/new");
    expect(form.html).toContain('name="partnerAccountId"');
    expect(form.html).toContain("Acme RT lab");
    const csrf = await acme.csrfFrom("/connections/new");

    const missing = await acme.post("/connections", { _csrf: csrf, name: "", role: "source", platformAccountId: accounts.a });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/id="field-name-error">Is required/);

    const created = await acme.post("/connections", { _csrf: csrf, name: "Helpdesk bridge", role: "source", platformAccountId: accounts.a, partnerAccountId: "" });
    expect(created.status).toBe(201);
    const shown = await created.text();
    const code = /aria-label="Verification code">([A-Z0-9-]+)</.exec(shown)?.[1];
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(shown).toContain("expires");

    const list = await page(acme, "/connections");
    const [active, pending] = list.html.split("<h2>Pending</h2>");
    expect(pending).toContain("Helpdesk bridge");
    expect(pending).toContain("Waiting for partner");
    expect(active).not.toContain("Helpdesk bridge");

    const contoso = await signedIn(b.email);
    const acceptCsrf = await contoso.csrfFrom("/connections/accept");
    const wrong = await contoso.post("/connections/accept", { _csrf: acceptCsrf, code: "AAAA-BBBB-CCCC-DDDD", platformAccountId: accounts.b });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/id="field-code-error">No pending connection has this verification code/);

    const accepted = await contoso.post("/connections/accept", { _csrf: acceptCsrf, code: code!.toLowerCase(), platformAccountId: accounts.b });
    expect(accepted.status).toBe(303);
    const location = accepted.headers.get("Location")!;
    expect(location).toMatch(/^\/connections\/con_[^/]+\/settings$/);
    const id = location.split("/")[2]!;

    const theirs = await page(contoso, `/connections/${id}`);
    expect(theirs.html).toContain("Acme MSP");
    expect(theirs.html).toContain("Contoso RT");
    expect(theirs.html).not.toContain("Acme RT"); // the partner's account stays A's business
    const ours = await page(acme, "/connections");
    expect(ours.html.split("<h2>Pending</h2>")[0]).toContain("Helpdesk bridge");
  });

  it("create an internal connection between two of one's own accounts, active at once", async () => {
    const acme = await signedIn(a.email);
    const csrf = await acme.csrfFrom("/connections/new");
    const same = await acme.post("/connections", { _csrf: csrf, name: "Lab", role: "source", platformAccountId: accounts.a, partnerAccountId: accounts.a });
    expect(same.status).toBe(400);
    expect(await same.text()).toMatch(/id="field-partnerAccountId-error">Must be another account/);

    const created = await acme.post("/connections", { _csrf: csrf, name: "Lab", role: "target", platformAccountId: accounts.a, partnerAccountId: accounts.aLab });
    expect(created.status).toBe(303);
    const id = created.headers.get("Location")!.split("/")[2]!;
    const overview = await page(acme, `/connections/${id}`);
    expect(overview.html).toContain("An internal connection");
    expect(overview.html).toContain("Acme RT lab");
    expect(overview.html).toContain('href="/connections/' + id + '/settings"');
    expect(overview.html).toMatch(/Choose your side(&#39;|')s defaults/);
    expect(overview.html).not.toContain("Partner accepts the invitation");
  });

  it("render the list and the overview as fragments for htmx, the same content without the frame", async () => {
    const acme = await signedIn(a.email);
    const full = await page(acme, "/connections");
    expect(full.html).toContain("<html");
    expect(full.html).toContain('aria-current="page">Connections<');
    const fragment = await page(acme, "/connections", HTMX);
    expect(fragment.html).not.toContain("<html");
    expect(fragment.html).toContain("<h1>Connections</h1>");

    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Fragment", role: "source", platformAccountId: accounts.a } })).json()) as { id: string };
    const overview = await page(acme, `/connections/${created.id}`, HTMX);
    expect(overview.html).not.toContain("<html");
    expect(overview.html).toContain('class="connection-tabs"');
  });

  it("show viewers everything read-only, with no form that would fail", async () => {
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Viewed", role: "source", platformAccountId: accounts.a } })).json()) as { id: string };
    const viewer = await addUser(a.organisation.id, "viewer");
    const browser = await signedIn(viewer.email);
    const list = await page(browser, "/connections");
    expect(list.html).toContain("Viewed");
    expect(list.html).not.toContain('href="/connections/new"');
    const overview = await page(browser, `/connections/${created.id}`);
    expect(overview.status).toBe(200);
    expect(writeForms(overview.html)).toEqual([]);
    expect((await page(browser, "/connections/new")).status).toBe(403);
    const csrf = await browser.csrfFrom(`/connections/${created.id}`);
    expect((await browser.post(`/connections/${created.id}/delete`, { _csrf: csrf })).status).toBe(403);
  });

  it("answer another organisation's connection with 404", async () => {
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Private", role: "source", platformAccountId: accounts.a } })).json()) as { id: string };
    const browser = await signedIn(outsider.email);
    expect((await page(browser, `/connections/${created.id}`)).status).toBe(404);
    expect((await page(browser, `/connections/${created.id}`, HTMX)).status).toBe(404);
    const csrf = await browser.csrfFrom("/connections");
    expect((await browser.post(`/connections/${created.id}/delete`, { _csrf: csrf })).status).toBe(404);
    expect((await browser.post(`/connections/${created.id}`, { _csrf: csrf, name: "Mine now" })).status).toBe(404);
  });

  it("rename, then delete only after confirming, for admins", async () => {
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Short-lived", role: "source", platformAccountId: accounts.a } })).json()) as { id: string };
    const acme = await signedIn(a.email);
    const overview = await page(acme, `/connections/${created.id}`);
    expect(overview.html).toMatch(/action="\/connections\/[^"]+\/delete" data-confirm="Delete “Short-lived”\?/);
    const csrf = await acme.csrfFrom(`/connections/${created.id}`);
    const blank = await acme.post(`/connections/${created.id}`, { _csrf: csrf, name: "  " });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain('id="field-name-error"');
    expect((await acme.post(`/connections/${created.id}`, { _csrf: csrf, name: "Renamed" })).status).toBe(303);
    expect((await page(acme, `/connections/${created.id}`)).html).toContain("Renamed");
    const deleted = await acme.post(`/connections/${created.id}/delete`, { _csrf: csrf });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("Location")).toBe("/connections");
    expect((await page(acme, `/connections/${created.id}`)).status).toBe(404);
  });
});
