// An owner deletes their organisation: consequences listed first, then credentials destroyed
// and data removed at once; partners are told and keep everything of their own.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addAccount, addUser, api, Browser, createOrganisation, setupFirstOrganisation } from "./helpers";

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accountA: string;

const rows = async (sql: string, ...binds: string[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  accountA = await addAccount(a.token, "Acme RT");
});

describe("deleting an organisation", () => {
  it("lists every consequence, then destroys credentials and removes the data at once; the partner is told and keeps its own", async () => {
    const b = await createOrganisation("Contoso");
    const accountB = await addAccount(b.token, "Contoso RT");
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Acme ↔ Contoso", role: "source", platformAccountId: accountA } })).json()) as {
      id: string;
      verificationCode: string;
    };
    await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: accountB } });
    await api(`/connections/${created.id}/webhooks/target/secret`, b.token, { method: "POST", json: {} });
    const admin = await addUser(b.organisation.id, "admin");

    const preview = (await (await api("/organisation/deletion-preview", b.token)).json()) as { users: number; platformAccounts: number; connections: { name: string; partner: string }[] };
    expect(preview).toMatchObject({ users: 2, platformAccounts: 1, connections: [{ name: "Acme ↔ Contoso", partner: "Acme MSP" }] });

    const browser = new Browser();
    await browser.signIn(b.email);
    const page = await (await browser.fetch("/organisation/delete", { headers: { Accept: "text/html" } })).text();
    expect(page).toContain("destroys the stored credentials of its 1 platform account");
    expect(page).toContain("Acme MSP (“Acme ↔ Contoso”)");
    expect(page).toContain("leave it instead");

    // Admins may not; a wrong name deletes nothing.
    expect((await api("/organisation", admin.token, { method: "DELETE", json: { confirm: "Contoso" } })).status).toBe(403);
    const wrong = await api("/organisation", b.token, { method: "DELETE", json: { confirm: "contoso" } });
    expect(wrong.status).toBe(400);
    expect(await rows("SELECT count(*) AS n FROM platform_accounts WHERE org_id = ?", b.organisation.id)).toBe(1);

    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const res = await browser.post("/organisation/delete", { _csrf: csrf, confirm: "Contoso" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login");

    expect(await rows("SELECT count(*) AS n FROM platform_accounts WHERE id = ?", accountB)).toBe(0);
    expect(await rows("SELECT count(*) AS n FROM webhook_secrets WHERE connection_id = ?", created.id)).toBe(0);
    expect(await rows("SELECT count(*) AS n FROM users WHERE org_id = ?", b.organisation.id)).toBe(0);
    expect(await rows("SELECT count(*) AS n FROM organisations WHERE id = ?", b.organisation.id)).toBe(0);
    expect(await rows("SELECT count(*) AS n FROM audit_log WHERE org_id = ?", b.organisation.id)).toBe(0);
    // Its token and session no longer work.
    expect((await api("/users", b.token)).status).toBe(401);
    expect((await browser.fetch("/", { headers: { Accept: "text/html" } })).status).toBe(303);

    // The partner keeps its own account and is told.
    expect((await api(`/platform-accounts/${accountA}`, a.token)).status).toBe(200);
    expect((await api(`/connections/${created.id}`, a.token)).status).toBe(404);
    const log = (await (await api("/audit-log", a.token)).json()) as { data: { action: string; actor: string }[] };
    expect(log.data.find((e) => e.action === "connection.partner_deleted")?.actor).toBe("Contoso (partner organisation)");
  });

  it("a pending invitation the organisation created goes with it", async () => {
    const c = await createOrganisation("Fabrikam");
    const account = await addAccount(c.token, "Fabrikam RT");
    const pending = (await (await api("/connections", c.token, { method: "POST", json: { name: "Waiting", role: "source", platformAccountId: account } })).json()) as { id: string };
    expect((await api("/organisation", c.token, { method: "DELETE", json: { confirm: "Fabrikam" } })).status).toBe(204);
    expect(await rows("SELECT count(*) AS n FROM connections WHERE id = ?", pending.id)).toBe(0);
  });

  it("an organisation that signed up with a code and is deleted before accepting frees the code for another", async () => {
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Freed", role: "source", platformAccountId: accountA } })).json()) as { verificationCode: string };
    const signup = (body: Record<string, unknown>) => api("/signup", null, { method: "POST", json: body });
    const owner = (email: string) => ({ organisation: { name: "Northwind" }, owner: { name: "N", email, password: "plum tractor mosaic lantern" }, code: created.verificationCode });
    const first = (await (await signup(owner("first@northwind.test"))).json()) as { token: string };
    expect((await signup(owner("second@northwind.test"))).status).toBe(400);
    expect((await api("/organisation", first.token, { method: "DELETE", json: { confirm: "Northwind" } })).status).toBe(204);
    expect((await signup(owner("second@northwind.test"))).status).toBe(201);
  });
});
