import { beforeAll, describe, expect, it } from "vitest";
import { api, Browser, createOrganisation, setupFirstOrganisation } from "./helpers";

// Organisation A holds the data; organisation B, fully privileged in its own organisation,
// tries to reach it by id. Every answer must be 404 (not 403), so ids do not even leak.
let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let aToken: { id: string };
beforeAll(async () => {
  a = await setupFirstOrganisation("Org A");
  b = await createOrganisation("Org B");
  aToken = (await (await api("/tokens", a.token, { method: "POST", json: { name: "A's script" } })).json()) as { id: string };
});

describe("organisations are isolated", () => {
  it("B's token can neither read nor change A's users or tokens (404)", async () => {
    const attempts: [string, string, unknown?][] = [
      ["GET", `/users/${a.owner.id}`],
      ["PATCH", `/users/${a.owner.id}`, { name: "pwned" }],
      ["DELETE", `/users/${a.owner.id}`],
      ["DELETE", `/tokens/${aToken.id}`],
    ];
    for (const [method, path, json] of attempts) {
      const res = await api(path, b.token, json === undefined ? { method } : { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
    // A's data is unchanged.
    const owner = (await (await api(`/users/${a.owner.id}`, a.token)).json()) as { name: string };
    expect(owner.name).toBe("Olivia Owner");
    expect((await api("/users", a.token)).status).toBe(200);
    const tokens = (await (await api("/tokens", a.token)).json()) as { data: { id: string; revokedAt: string | null }[] };
    expect(tokens.data.find((t) => t.id === aToken.id)?.revokedAt).toBeNull();
  });

  it("B's lists show only B's data", async () => {
    const users = (await (await api("/users", b.token)).json()) as { data: { email: string }[] };
    expect(users.data.map((u) => u.email)).toEqual([b.email]);
    const log = await (await api("/audit-log", b.token)).text();
    expect(log).not.toContain(a.email);
    const tokens = await (await api("/tokens", b.token)).text();
    expect(tokens).not.toContain("A's script");
  });

  it("B's session can neither see nor change A's users through the pages", async () => {
    const browser = new Browser();
    await browser.signIn(b.email);
    const page = await (await browser.fetch("/users", { headers: { Accept: "text/html" } })).text();
    expect(page).not.toContain(a.email);
    const csrf = await browser.csrfFrom("/users");
    const res = await browser.post(`/users/${a.owner.id}/delete`, { _csrf: csrf });
    expect(res.status).toBe(404);
    const role = await browser.post(`/users/${a.owner.id}/role`, { _csrf: csrf, role: "viewer" });
    expect(role.status).toBe(404);
    expect((await api(`/users/${a.owner.id}`, a.token)).status).toBe(200);
  });

  it("B can neither list nor revoke A's pending invitations", async () => {
    const made = (await (await api("/invitations", a.token, { method: "POST", json: { email: "a-teammate@a.test", role: "viewer" } })).json()) as { invitation: { id: string } };
    const listed = (await (await api("/invitations", b.token)).json()) as { data: { id: string }[] };
    expect(listed.data.map((i) => i.id)).not.toContain(made.invitation.id);
    expect((await api(`/invitations/${made.invitation.id}`, b.token, { method: "DELETE" })).status).toBe(404);
    const browser = new Browser();
    await browser.signIn(b.email);
    const csrf = await browser.csrfFrom("/users");
    expect((await browser.post(`/invitations/${made.invitation.id}/revoke`, { _csrf: csrf })).status).toBe(404);
    expect(((await (await api("/invitations", a.token)).json()) as { data: { id: string }[] }).data.map((i) => i.id)).toContain(made.invitation.id);
  });
});
