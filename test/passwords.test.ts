// Passwords: an admin never sets another user's password, only makes a one-time link for them;
// your own change needs the current one. Either ends the user's other sessions and revokes the
// API tokens they made.
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { passwordResets } from "../src/db/schema";
import { addUser, api, Browser, db, PASSWORD, setupFirstOrganisation } from "./helpers";

const NEW_PASSWORD = "marble walrus lantern";
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

type ErrorBody = { error: { code: string; message: string; details?: { fields: { path: string; message: string }[] } } };

async function signedIn(email: string, password = PASSWORD) {
  const browser = new Browser();
  expect((await browser.signIn(email, password)).status).toBe(303);
  return browser;
}

/** Whether a browser's session still opens a signed-in page. */
const stillSignedIn = async (browser: Browser) => (await browser.fetch("/users", { headers: { Accept: "text/html" } })).status === 200;

async function makeLink(userId: string, token = org.token) {
  const res = await api(`/users/${userId}/password-reset`, token, { method: "POST" });
  return { res, body: res.status === 201 ? ((await res.json()) as { url: string; expiresAt: string }) : null };
}

const auditActions = async () =>
  ((await (await api("/audit-log?limit=200", org.token)).json()) as { data: { action: string; targetId: string | null; details: unknown }[] }).data;

describe("another user's password", () => {
  it("is never set by an admin through the API", async () => {
    const user = await addUser(org.organisation.id, "viewer");
    const res = await api(`/users/${user.id}`, org.token, { method: "PATCH", json: { password: NEW_PASSWORD } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/never set: make a one-time link with POST \/users\/\{id\}\/password-reset/);
    await signedIn(user.email, PASSWORD);
  });

  it("is reset through a one-time link shown once, that ends the user's sessions and revokes their tokens", async () => {
    const user = await addUser(org.organisation.id, "admin");
    const theirSession = await signedIn(user.email);
    const { res, body } = await makeLink(user.id);
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const token = body!.url.split("/reset-password/")[1]!;
    expect(body!.url).toMatch(/^https:\/\/lockstep\.test\/reset-password\/[\w-]{40,}$/);
    // Only a hash is stored.
    const stored = await db().select().from(passwordResets).where(eq(passwordResets.userId, user.id));
    expect(JSON.stringify(stored)).not.toContain(token);

    const visitor = new Browser();
    const form = await visitor.fetch(`/reset-password/${token}`, { headers: { Accept: "text/html" } });
    expect(form.status).toBe(200);
    expect(form.headers.get("Cache-Control")).toBe("no-store");
    expect(await form.text()).toContain(`For ${user.email}.`);

    const csrf = await visitor.csrfFrom(`/reset-password/${token}`);
    const weak = await visitor.post(`/reset-password/${token}`, { _csrf: csrf, password: "1234567890" });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toMatch(/id="field-password-error">Too easy to guess/);

    const done = await visitor.post(`/reset-password/${token}`, { _csrf: csrf, password: NEW_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.headers.get("Location")).toBe("/login");

    expect(await stillSignedIn(theirSession)).toBe(false);
    expect((await api("/users", user.token)).status).toBe(401);
    expect((await new Browser().signIn(user.email, PASSWORD)).status).toBe(401);
    await signedIn(user.email, NEW_PASSWORD);

    // Single use.
    const again = await visitor.post(`/reset-password/${token}`, { _csrf: csrf, password: "another marble walrus" });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("This password link is not valid");

    const log = await auditActions();
    expect(log.filter((e) => e.targetId === user.id).map((e) => e.action)).toEqual(expect.arrayContaining(["user.password_reset_link_created", "user.password_reset"]));
    expect(JSON.stringify(log)).not.toContain(token);
  });

  it("refuses a link that expired or was replaced by a newer one", async () => {
    const user = await addUser(org.organisation.id, "viewer");
    const first = (await makeLink(user.id)).body!.url;
    const second = (await makeLink(user.id)).body!.url;
    expect((await new Browser().fetch(new URL(first).pathname, { headers: { Accept: "text/html" } })).status).toBe(404);
    expect((await new Browser().fetch(new URL(second).pathname, { headers: { Accept: "text/html" } })).status).toBe(200);

    await db().update(passwordResets).set({ expiresAt: "2000-01-01T00:00:00.000Z" }).where(eq(passwordResets.userId, user.id));
    expect((await new Browser().fetch(new URL(second).pathname, { headers: { Accept: "text/html" } })).status).toBe(404);
  });

  it("cannot be reset by an admin for an owner, nor for themselves (they change it with the current one)", async () => {
    const admin = await addUser(org.organisation.id, "admin");
    expect((await makeLink(org.owner.id, admin.token)).res.status).toBe(403);
    expect((await makeLink(admin.id, admin.token)).res.status).toBe(409);
  });

  it("gets a link from the Users page, shown once and not cached", async () => {
    const user = await addUser(org.organisation.id, "viewer");
    const owner = await signedIn(org.email);
    const page = await owner.fetch("/users", { headers: { Accept: "text/html" } });
    expect(await page.text()).toContain(`action="/users/${user.id}/password-reset"`);
    const csrf = await owner.csrfFrom("/users");
    const res = await owner.post(`/users/${user.id}/password-reset`, { _csrf: csrf });
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.text()).toMatch(/aria-label="One-time password link">https:\/\/lockstep\.test\/reset-password\/[\w-]+</);
  });
});

describe("your own password", () => {
  it("needs the current one, through the API, and ends your other access", async () => {
    const user = await addUser(org.organisation.id, "viewer");
    const elsewhere = await signedIn(user.email);
    const wrong = await api("/account/password", user.token, { method: "POST", json: { currentPassword: "not my password", newPassword: NEW_PASSWORD } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as ErrorBody).error.details?.fields).toEqual([{ path: "currentPassword", message: "is not your current password" }]);

    const weak = await api("/account/password", user.token, { method: "POST", json: { currentPassword: PASSWORD, newPassword: "1234567890" } });
    expect(((await weak.json()) as ErrorBody).error.details?.fields.map((f) => f.path)).toEqual(["newPassword"]);

    const ok = await api("/account/password", user.token, { method: "POST", json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ tokensRevoked: 1 });
    expect((await api("/users", user.token)).status).toBe(401);
    expect(await stillSignedIn(elsewhere)).toBe(false);
    await signedIn(user.email, NEW_PASSWORD);
    expect((await auditActions()).some((e) => e.action === "user.password_changed" && e.targetId === user.id)).toBe(true);
  });

  it("can be changed by a viewer on the account page, keeping this session and ending the others", async () => {
    const user = await addUser(org.organisation.id, "viewer");
    const here = await signedIn(user.email);
    const there = await signedIn(user.email);
    const csrf = await here.csrfFrom("/account");
    const res = await here.post("/account/password", { _csrf: csrf, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(303);
    const after = await here.fetch("/account", { headers: { Accept: "text/html" } });
    expect(await after.text()).toContain("Password changed. Your other sessions were signed out and 1 API token was revoked.");
    expect(await stillSignedIn(there)).toBe(false);
  });

  it("is throttled like sign-in when the current password is guessed", async () => {
    const user = await addUser(org.organisation.id, "admin");
    const guess = () => api("/account/password", user.token, { method: "POST", json: { currentPassword: "guess", newPassword: NEW_PASSWORD }, headers: { "CF-Connecting-IP": "198.51.100.7" } });
    for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(400);
    const blocked = await guess();
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});

describe("a forgotten password's link by email", () => {
  it("goes to the user where the install sends email, and is audited; the admin still sees it once", async () => {
    const { createResetLink, emailResetLink } = await import("../src/services/passwords");
    const user = await addUser(org.organisation.id, "viewer");
    const owner = ((await (await api("/users", org.token)).json()) as { data: { id: string; email: string; name: string }[] }).data.find((u) => u.email === org.email)!;
    const actor = { orgId: org.organisation.id, orgName: "Acme MSP", userId: owner.id, userName: owner.name, userEmail: owner.email, role: "owner" as const, via: "session" as const };
    const sent: { to: string; text: string }[] = [];
    const binding = { send: async (m: { to: string; text: string }) => void sent.push(m) } as unknown as SendEmail;
    const link = await createResetLink(db(), actor, user.id);
    const url = `https://lockstep.test/reset-password/${link.token}`;
    expect(await emailResetLink(db(), { binding, from: "lockstep@acme.test" }, actor, { ...link, url })).toBe(true);
    expect(sent).toEqual([expect.objectContaining({ to: user.email, text: expect.stringContaining(url) })]);
    expect((await auditActions()).some((a) => a.action === "user.password_reset_link_emailed" && a.targetId === user.id)).toBe(true);
    // Without the binding nothing is sent, and the API says so.
    const res = await makeLink(user.id);
    expect(res.res.status).toBe(201);
    expect((res.body as { emailed?: boolean }).emailed).toBe(false);
  });
});
