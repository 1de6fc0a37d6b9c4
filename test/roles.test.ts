import { beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../src/routes/api/index";
import { addUser, api, Browser, setupFirstOrganisation } from "./helpers";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let viewer: Awaited<ReturnType<typeof addUser>>;
let admin: Awaited<ReturnType<typeof addUser>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
  viewer = await addUser(org.organisation.id, "viewer");
  admin = await addUser(org.organisation.id, "admin");
});

/** Every state-changing operation the API documents, with its path's ids filled in. */
function writeOperations() {
  return Object.entries(openApiDocument().paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      // Public writes (setup) and the one write for everyone signed in (your own password) aside,
      // and the operators' (by address, whatever the role: 404 to anyone else, test/operator.test.ts).
      .filter(([method, op]) => method !== "get" && !["public", "viewer", "operator"].includes(op["x-lockstep-access"]))
      .map(([method]) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, "some-id") })),
  );
}

describe("viewers", () => {
  it("are refused every write in the API with 403", async () => {
    const operations = writeOperations();
    expect(operations.length).toBeGreaterThan(4);
    for (const { method, path } of operations) {
      const res = await api(path, viewer.token, { method, json: {} });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
  });

  it("may write nothing but their own password", () => {
    const viewerWrites = Object.entries(openApiDocument().paths).flatMap(([path, methods]) =>
      Object.entries(methods).filter(([method, op]) => method !== "get" && op["x-lockstep-access"] === "viewer").map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(viewerWrites).toEqual(["POST /account/password"]);
  });

  it("can read", async () => {
    expect((await api("/users", viewer.token)).status).toBe(200);
  });

  it("see no write controls on the pages, and page writes are refused", async () => {
    const browser = new Browser();
    await browser.signIn(viewer.email);
    const html = await (await browser.fetch("/users", { headers: { Accept: "text/html" } })).text();
    expect(html).toContain(viewer.email);
    expect(html).not.toContain("Invite a teammate");
    expect(html).not.toContain("Change role");
    expect(html).not.toContain(">Remove<");
    const csrf = /"X-CSRF-Token":"([^"]+)"/.exec(html.replace(/&quot;/g, '"'))![1]!;
    const res = await browser.post("/invitations", { _csrf: csrf, email: "x@example.test", role: "viewer" });
    expect(res.status).toBe(403);
    expect((await browser.fetch("/tokens", { headers: { Accept: "text/html" } })).status).toBe(403);
  });
});

describe("admins", () => {
  it("cannot make owners, nor change an owner", async () => {
    const makeOwner = await api("/invitations", admin.token, { method: "POST", json: { email: "o2@example.test", role: "owner" } });
    expect(makeOwner.status).toBe(403);
    const demoteOwner = await api(`/users/${org.owner.id}`, admin.token, { method: "PATCH", json: { role: "viewer" } });
    expect(demoteOwner.status).toBe(403);
  });

  it("cannot mint a token above their own role", async () => {
    const res = await api("/tokens", admin.token, { method: "POST", json: { name: "too strong", role: "owner" } });
    expect(res.status).toBe(403);
  });

  it("manage viewers and admins, and every change is in the audit log", async () => {
    const invited = await api("/invitations", admin.token, { method: "POST", json: { email: "Vera@Example.test", role: "viewer" } });
    expect(invited.status).toBe(201);
    const { url } = (await invited.json()) as { url: string };
    const joined = await api("/invitations/accept", null, { method: "POST", json: { token: url.split("/invite/")[1], name: "Vera", password: "long enough password" } });
    expect(joined.status).toBe(201);
    const vera = ((await joined.json()) as { user: { id: string; email: string } }).user;
    expect(vera.email).toBe("vera@example.test");
    const duplicate = await api("/invitations", admin.token, { method: "POST", json: { email: "vera@example.test", role: "viewer" } });
    expect(duplicate.status).toBe(409);
    expect((await api(`/users/${vera.id}`, admin.token, { method: "PATCH", json: { role: "admin" } })).status).toBe(200);
    expect((await api(`/users/${vera.id}`, admin.token, { method: "DELETE" })).status).toBe(204);
    const log = (await (await api("/audit-log", org.token)).json()) as { data: { action: string; targetId: string | null; actor: string }[] };
    const actions = log.data.filter((e) => e.targetId === vera.id).map((e) => e.action);
    expect(actions).toEqual(["user.deleted", "user.updated"]);
    expect(log.data.some((e) => e.action === "invitation.accepted" && e.actor === "vera@example.test")).toBe(true);
    expect(log.data[0]!.actor).toBe(`${admin.email} (API token)`);
  });
});

describe("owners", () => {
  it("cannot remove or demote the last owner", async () => {
    const demote = await api(`/users/${org.owner.id}`, org.token, { method: "PATCH", json: { role: "admin" } });
    expect(demote.status).toBe(409);
    const self = await api(`/users/${org.owner.id}`, org.token, { method: "DELETE" });
    expect(self.status).toBe(409);
  });

  it("take the rights away from a demoted user's tokens at once", async () => {
    const user = await addUser(org.organisation.id, "admin");
    expect((await api("/tokens", user.token)).status).toBe(200);
    await api(`/users/${user.id}`, org.token, { method: "PATCH", json: { role: "viewer" } });
    expect((await api("/tokens", user.token)).status).toBe(403);
  });
});
