// Team invitations: owners and admins invite by email with a role; the invitee opens a one-time
// link (7 days), chooses their own name and password and is signed in. One use, expiry, revoke,
// no role above the inviter's, no address already used on the install; every step audited.
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { invitations } from "../src/db/schema";
import { createInvitation, INVITATION_SECONDS } from "../src/services/invitations";
import type { Principal } from "../src/auth/principal";
import { addUser, api, Browser, createOrganisation, db, setupFirstOrganisation } from "./helpers";

const THEIR_PASSWORD = "quiet otter kettle";
const html = { headers: { Accept: "text/html" } };

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation("Acme MSP");
});

type NewInvitation = { invitation: { id: string; email: string; role: string; expiresAt: string }; url: string; emailed: boolean };
type ErrorBody = { error: { code: string; message: string } };

let counter = 0;
const freshEmail = () => `teammate-${++counter}-${Math.random().toString(36).slice(2, 7)}@acme.test`;

async function invite(email: string, role = "viewer", token = org.token) {
  const res = await api("/invitations", token, { method: "POST", json: { email, role } });
  return { res, body: res.status === 201 ? ((await res.json()) as NewInvitation) : null };
}

const tokenOf = (url: string) => url.split("/invite/")[1]!;

async function join(url: string, fields: { name: string; password: string }) {
  const browser = new Browser();
  const path = new URL(url).pathname;
  const csrf = await browser.csrfFrom(path);
  const res = await browser.post(path, { _csrf: csrf, ...fields });
  return { browser, res };
}

const pending = async (token = org.token) => ((await (await api("/invitations", token)).json()) as { data: { id: string; email: string }[] }).data;

const auditActions = async () =>
  ((await (await api("/audit-log?limit=200", org.token)).json()) as { data: { action: string; targetId: string | null; details: Record<string, unknown> }[] }).data;

describe("inviting a teammate", () => {
  it("makes a one-time link shown once, valid 7 days, whose token is stored only hashed", async () => {
    const email = freshEmail();
    const { res, body } = await invite(email, "admin");
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(body!.url).toMatch(/^https:\/\/lockstep\.test\/invite\/[\w-]{40,}$/);
    expect(body!.emailed).toBe(false);
    const ttl = (Date.parse(body!.invitation.expiresAt) - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(INVITATION_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(INVITATION_SECONDS);
    const stored = await db().select().from(invitations).where(eq(invitations.id, body!.invitation.id));
    expect(JSON.stringify(stored)).not.toContain(tokenOf(body!.url));
    expect((await pending()).map((i) => i.email)).toContain(email);
    expect((await auditActions()).some((a) => a.action === "invitation.created" && a.targetId === body!.invitation.id)).toBe(true);
  });

  it("lets the invitee choose their name and password, signs them in with the invited role, and works once", async () => {
    const email = freshEmail();
    const { body } = await invite(email, "admin");
    const page = await new Browser().fetch(new URL(body!.url).pathname, html);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("Join Acme MSP");
    expect(text).toContain(email);

    const { browser, res } = await join(body!.url, { name: "Tess Teammate", password: THEIR_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    const users = (await (await browser.fetch("/api/v1/users")).json()) as { data: { name: string; email: string; role: string }[] };
    expect(users.data).toContainEqual(expect.objectContaining({ name: "Tess Teammate", email, role: "admin" }));
    // Their own password works from now on.
    expect((await new Browser().signIn(email, THEIR_PASSWORD)).status).toBe(303);
    expect((await pending()).map((i) => i.email)).not.toContain(email);
    expect((await auditActions()).some((a) => a.action === "invitation.accepted" && a.targetId === body!.invitation.id)).toBe(true);

    // A second use, by page or API, is refused without saying why.
    expect((await new Browser().fetch(new URL(body!.url).pathname, html)).status).toBe(404);
    const again = await api("/invitations/accept", null, { method: "POST", json: { token: tokenOf(body!.url), name: "Mallory", password: "another long passphrase" } });
    expect(again.status).toBe(404);
  });

  it("accepts through the API too, answering a token with the new user's rights", async () => {
    const email = freshEmail();
    const { body } = await invite(email, "viewer");
    const res = await api("/invitations/accept", null, { method: "POST", json: { token: tokenOf(body!.url), name: "Api Person", password: THEIR_PASSWORD } });
    expect(res.status).toBe(201);
    const accepted = (await res.json()) as { token: string; organisation: { name: string }; user: { email: string; role: string } };
    expect(accepted.organisation.name).toBe("Acme MSP");
    expect(accepted.user).toMatchObject({ email, role: "viewer" });
    expect((await api("/users", accepted.token)).status).toBe(200);
    // A viewer's token: read only.
    expect((await api("/invitations", accepted.token, { method: "POST", json: { email: freshEmail(), role: "viewer" } })).status).toBe(403);
  });

  it("keeps the link usable when the chosen password is too easy to guess", async () => {
    const { body } = await invite(freshEmail());
    const weak = await join(body!.url, { name: "Weak", password: "1234567890" });
    expect(weak.res.status).toBe(400);
    expect((await new Browser().fetch(new URL(body!.url).pathname, html)).status).toBe(200);
  });

  it("refuses an expired link", async () => {
    const { body } = await invite(freshEmail());
    await db().update(invitations).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(invitations.id, body!.invitation.id));
    expect((await new Browser().fetch(new URL(body!.url).pathname, html)).status).toBe(404);
    const res = await api("/invitations/accept", null, { method: "POST", json: { token: tokenOf(body!.url), name: "Late", password: THEIR_PASSWORD } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/used, revoked or has expired/);
    expect((await pending()).map((i) => i.id)).not.toContain(body!.invitation.id);
  });

  it("revokes a pending invitation: its link stops working at once, and that is audited", async () => {
    const { body } = await invite(freshEmail());
    const res = await api(`/invitations/${body!.invitation.id}`, org.token, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await new Browser().fetch(new URL(body!.url).pathname, html)).status).toBe(404);
    expect((await pending()).map((i) => i.id)).not.toContain(body!.invitation.id);
    expect((await auditActions()).some((a) => a.action === "invitation.revoked" && a.targetId === body!.invitation.id)).toBe(true);
    expect((await api(`/invitations/${body!.invitation.id}`, org.token, { method: "DELETE" })).status).toBe(404);
  });

  it("replaces a pending invitation to the same address: only the newest link works", async () => {
    const email = freshEmail();
    const first = await invite(email);
    const second = await invite(email);
    expect((await new Browser().fetch(new URL(first.body!.url).pathname, html)).status).toBe(404);
    expect((await new Browser().fetch(new URL(second.body!.url).pathname, html)).status).toBe(200);
    expect((await pending()).filter((i) => i.email === email)).toHaveLength(1);
  });
});

describe("refusing an invitation", () => {
  it("to a role above the inviter's", async () => {
    const admin = await addUser(org.organisation.id, "admin");
    const { res } = await invite(freshEmail(), "owner", admin.token);
    expect(res.status).toBe(403);
    expect((await invite(freshEmail(), "admin", admin.token)).res.status).toBe(201);
  });

  it("from a viewer, who cannot list them either", async () => {
    const viewer = await addUser(org.organisation.id, "viewer");
    expect((await invite(freshEmail(), "viewer", viewer.token)).res.status).toBe(403);
    expect((await api("/invitations", viewer.token)).status).toBe(403);
  });

  it("to an address already a user here, saying so", async () => {
    const { res } = await invite(org.email);
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.message).toBe("A user with this email is already in your organisation.");
  });

  it("to an address used by another organisation, without saying which", async () => {
    const other = await createOrganisation("Contoso Secret Name");
    const { res } = await invite(other.email);
    expect(res.status).toBe(409);
    const text = JSON.stringify(await res.json());
    expect(text).toMatch(/already has a Lockstep account on this install/);
    expect(text).not.toContain("Contoso");
    expect(text).not.toContain(other.organisation.id);
  });

  it("when the address got an account elsewhere after it was invited", async () => {
    const email = freshEmail();
    const { body } = await invite(email);
    const other = await createOrganisation("Fabrikam");
    await db().insert((await import("../src/db/schema")).users).values({ id: `usr_late${counter}`, orgId: other.organisation.id, name: "Late", email, role: "viewer", passwordHash: "x", createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() });
    const res = await api("/invitations/accept", null, { method: "POST", json: { token: tokenOf(body!.url), name: "Twice", password: THEIR_PASSWORD } });
    expect(res.status).toBe(409);
    expect(JSON.stringify(await res.json())).not.toContain("Fabrikam");
  });
});

describe("nobody sets another person's password", () => {
  it("has no way to add a user with a password chosen for them", async () => {
    const res = await api("/users", org.token, { method: "POST", json: { name: "Sam", email: freshEmail(), role: "viewer", password: "chosen for them please" } });
    expect(res.status).toBe(404);
    const doc = (await (await api("/openapi.json", null)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths["/users"]!["post"]).toBeUndefined();
    expect(doc.paths["/invitations"]!["post"]).toBeDefined();
  });
});

describe("the invitation email", () => {
  it("carries the link to the invitee where the install sends email, and is audited", async () => {
    const sent: { from: string; to: string; subject: string; text: string }[] = [];
    const binding = { send: async (m: { from: string; to: string; subject: string; text: string }) => void sent.push(m) } as unknown as SendEmail;
    const [owner] = (await (await api("/users", org.token)).json() as { data: { id: string; email: string; name: string }[] }).data.filter((u) => u.email === org.email);
    const actor: Principal = { orgId: org.organisation.id, orgName: "Acme MSP", userId: owner!.id, userName: owner!.name, userEmail: owner!.email, role: "owner", via: "session" };
    const email = freshEmail();
    const made = await createInvitation(db(), actor, { email, role: "viewer" }, { origin: "https://lockstep.test", email: { binding, from: "lockstep@acme.test" } });
    expect(made.emailed).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: "lockstep@acme.test", to: email });
    expect(sent[0]!.text).toContain(`https://lockstep.test/invite/${made.token}`);
    expect(sent[0]!.subject).toContain("Acme MSP");
    expect((await auditActions()).some((a) => a.action === "invitation.emailed" && a.targetId === made.invitation.id)).toBe(true);
  });

  it("is reported as not sent when the binding fails, and the invitation still stands", async () => {
    const binding = { send: async () => Promise.reject(new Error("sender not verified")) } as unknown as SendEmail;
    const [owner] = (await (await api("/users", org.token)).json() as { data: { id: string; email: string; name: string }[] }).data.filter((u) => u.email === org.email);
    const actor: Principal = { orgId: org.organisation.id, orgName: "Acme MSP", userId: owner!.id, userName: owner!.name, userEmail: owner!.email, role: "owner", via: "session" };
    const made = await createInvitation(db(), actor, { email: freshEmail(), role: "viewer" }, { origin: "https://lockstep.test", email: { binding, from: "lockstep@acme.test" } });
    expect(made.emailed).toBe(false);
    expect((await pending()).map((i) => i.id)).toContain(made.invitation.id);
  });
});

describe("the Users page", () => {
  it("invites, shows the link once, lists the pending invitation and revokes it", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const csrf = await browser.csrfFrom("/users");
    const email = freshEmail();
    const made = await browser.post("/invitations", { _csrf: csrf, email, role: "admin" });
    expect(made.status).toBe(201);
    expect(made.headers.get("Cache-Control")).toBe("no-store");
    const shown = await made.text();
    expect(shown).toMatch(/https:\/\/lockstep\.test\/invite\/[\w-]{40,}/);
    expect(shown).toContain("This install sends no email");

    const list = await (await browser.fetch("/users", html)).text();
    expect(list).toContain("Pending invitations");
    expect(list).toContain(email);
    const id = (await pending()).find((i) => i.email === email)!.id;
    const revoked = await browser.post(`/invitations/${id}/revoke`, { _csrf: csrf });
    expect(revoked.status).toBe(303);
    expect(await (await browser.fetch("/users", html)).text()).not.toContain(email);
  });

  it("says next to the field why an address cannot be invited", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const csrf = await browser.csrfFrom("/users");
    const res = await browser.post("/invitations", { _csrf: csrf, email: org.email, role: "viewer" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("A user with this email is already in your organisation.");
  });

  it("has no form that sets a password for someone else", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    const page = await (await browser.fetch("/users", html)).text();
    expect(page).toContain("Invite a teammate");
    expect(page).not.toMatch(/name="password"/);
  });
});
