import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers";
import { expectPageAndFragment, page, pageActors, writeForms } from "./page-support";

let actors: Awaited<ReturnType<typeof pageActors>>;
const csrfOf = (body: string) => /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(body)![1]!;

beforeAll(async () => {
  actors = await pageActors();
});

describe("the users, API tokens and audit log pages", () => {
  it("render as pages and as htmx fragments", async () => {
    await expectPageAndFragment(actors.owner, "/users", "Invite a teammate");
    await expectPageAndFragment(actors.owner, "/tokens", "Create a token");
    await expectPageAndFragment(actors.owner, "/audit-log", "session.signed_in");
  });

  it("show viewers the users read-only, and neither tokens nor the audit log in the menu", async () => {
    const { body } = await page(actors.viewer, "/users");
    expect(body).toContain(actors.org.email);
    expect(writeForms(body)).toEqual([]);
    expect(body).not.toContain('href="/tokens"');
    expect(body).not.toContain('href="/audit-log"');
    expect((await page(actors.viewer, "/tokens")).status).toBe(403);
    expect((await page(actors.viewer, "/audit-log")).status).toBe(403);
  });

  it("ask before removing a user or revoking a token", async () => {
    const created = await api("/tokens", actors.org.token, { method: "POST", json: { name: "Nightly export", role: "viewer" } });
    expect(created.status).toBe(201);
    const users = (await page(actors.owner, "/users")).body;
    expect(users).toMatch(/data-confirm="Remove [^"]+\? They lose access at once\."/);
    const tokens = (await page(actors.owner, "/tokens")).body;
    expect(tokens).toContain('data-confirm="Revoke “Nightly export”? Scripts using it stop working at once."');
  });

  it("answer another organisation's user and token ids with 404", async () => {
    const users = (await (await api("/users", actors.org.token)).json()) as { data: { id: string; role: string }[] };
    const viewerId = users.data.find((u) => u.role === "viewer")!.id;
    const tokens = (await (await api("/tokens", actors.org.token)).json()) as { data: { id: string }[] };
    const csrf = csrfOf((await page(actors.outsider, "/users")).body);
    expect((await actors.outsider.post(`/users/${viewerId}/role`, { _csrf: csrf, role: "admin" })).status).toBe(404);
    expect((await actors.outsider.post(`/users/${viewerId}/delete`, { _csrf: csrf })).status).toBe(404);
    expect((await actors.outsider.post(`/tokens/${tokens.data[0]!.id}/revoke`, { _csrf: csrf })).status).toBe(404);
    expect((await page(actors.outsider, "/audit-log")).body).not.toContain(actors.org.email);
  });
});
