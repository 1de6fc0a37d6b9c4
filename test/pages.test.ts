import { beforeAll, describe, expect, it } from "vitest";
import { addUser, Browser, setupFirstOrganisation } from "./helpers";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

const html = { headers: { Accept: "text/html" } };

describe("pages", () => {
  it("show the signed-in user, organisation and role in the layout, with htmx from our own folder", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const page = await (await browser.fetch("/", html)).text();
    expect(page).toContain('<a href="/account" title="Your account and password">Olivia Owner</a> · Acme MSP');
    expect(page).toContain('src="/vendor/htmx-2.0.11.min.js"');
    expect(page).not.toMatch(/https?:\/\/(unpkg|cdn)/);
    expect(page).toContain('hx-headers="{&quot;X-CSRF-Token&quot;:');
  });

  it("send a strict Content-Security-Policy and no-store", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const res = await browser.fetch("/users", html);
    expect(res.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("let an admin invite a teammate with field errors shown next to the field", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const csrf = await browser.csrfFrom("/users");
    const bad = await browser.post("/invitations", { _csrf: csrf, email: "not-an-email", role: "king" });
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).toMatch(/id="field-email-error">Must be an email address/);
    expect(body).toMatch(/id="field-role-error">/);
    expect(body).toContain('value="not-an-email"');
    const good = await browser.post("/invitations", { _csrf: csrf, email: "ann@acme.test", role: "viewer" });
    expect(good.status).toBe(201);
    expect(await good.text()).toContain("Invitation for ann@acme.test");
    const list = await (await browser.fetch("/users", html)).text();
    expect(list).toContain("ann@acme.test");
  });

  it("show a new API token once, then only its prefix", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const csrf = await browser.csrfFrom("/tokens");
    const created = await browser.post("/tokens", { _csrf: csrf, name: "Monitoring", role: "viewer" });
    expect(created.status).toBe(201);
    const token = /aria-label="New API token">(lst_[^<]+)</.exec(await created.text())![1]!;
    const later = await (await browser.fetch("/tokens", html)).text();
    expect(later).toContain("Monitoring");
    expect(later).toContain(`${token.slice(0, 10)}…`);
    expect(later).not.toContain(token);
  });

  it("render the API reference from the OpenAPI document", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const page = await (await browser.fetch("/api-docs", html)).text();
    expect(page).toContain("/users/{id}");
    expect(page).toContain("First-run setup");
  });

  it("show the audit log to admins, newest first", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const page = await (await browser.fetch("/audit-log", html)).text();
    expect(page).toContain("session.signed_in");
    expect(page.indexOf("session.signed_in")).toBeLessThan(page.indexOf("organisation.created"));
  });

  it("answer an unknown page with a readable 404 page", async () => {
    const viewer = await addUser(org.organisation.id, "viewer");
    const browser = new Browser();
    await browser.signIn(viewer.email);
    const res = await browser.fetch("/no-such-page", html);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<h1>Not found</h1>");
  });
});
