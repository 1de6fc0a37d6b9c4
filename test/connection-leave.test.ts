// Leaving a connection: sync stops for good, the leaving side lets go of its account, and both
// organisations keep reading the links and history; the partner is told.
import { beforeAll, describe, expect, it } from "vitest";
import { addAccount, addUser, api, Browser, createOrganisation, setupFirstOrganisation } from "./helpers";

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let accountA: string;

async function activeConnection(): Promise<{ id: string; accountB: string }> {
  const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Acme ↔ Contoso", role: "source", platformAccountId: accountA } })).json()) as {
    id: string;
    verificationCode: string;
  };
  const accountB = await addAccount(b.token, `Contoso RT ${created.id}`);
  const accepted = await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: accountB } });
  expect(accepted.status).toBe(200);
  return { id: created.id, accountB };
}

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  accountA = await addAccount(a.token, "Acme RT");
});

describe("leaving a connection", () => {
  it("ends it for both: the partner is told, links stay readable to both, the leaver's account is free to delete", async () => {
    const { id, accountB } = await activeConnection();
    await api(`/connections/${id}/links`, a.token, { method: "POST", json: { sourceTicketId: "100", targetTicketId: "200" } });
    // Before leaving, the account is held by the connection.
    expect((await api(`/platform-accounts/${accountB}`, b.token, { method: "DELETE" })).status).toBe(409);

    const res = await api(`/connections/${id}/leave`, b.token, { method: "POST" });
    expect(res.status).toBe(200);
    const ended = (await res.json()) as { endedAt: string | null; status: string; automaticEnabled: boolean; sides: { mine: boolean; account: unknown }[] };
    expect(ended.endedAt).toBeTruthy();
    expect(ended.automaticEnabled).toBe(false);
    expect(ended.sides.find((s) => s.mine)!.account).toBeNull();

    for (const token of [a.token, b.token]) {
      const view = (await (await api(`/connections/${id}`, token)).json()) as { endedAt: string | null };
      expect(view.endedAt).toBe(ended.endedAt);
      const links = (await (await api(`/connections/${id}/links`, token)).json()) as { data: unknown[] };
      expect(links.data).toHaveLength(1);
      expect((await api(`/connections/${id}/runs`, token)).status).toBe(200);
    }
    const log = (await (await api("/audit-log", a.token)).json()) as { data: { action: string; actor: string; targetId: string | null }[] };
    expect(log.data.find((e) => e.action === "connection.left" && e.targetId === id)?.actor).toBe("Contoso (partner organisation)");

    const acme = new Browser();
    await acme.signIn(a.email);
    const page = await (await acme.fetch(`/connections/${id}`, { headers: { Accept: "text/html" } })).text();
    expect(page).toContain("Contoso left the connection");
    expect(page).toContain(">Ended<");
    expect(page).not.toContain(`action="/connections/${id}/leave"`);

    expect((await api(`/platform-accounts/${accountB}`, b.token, { method: "DELETE" })).status).toBe(204);
  });

  it("an ended connection neither syncs nor changes again, from either side", async () => {
    const { id } = await activeConnection();
    await api(`/connections/${id}/leave`, a.token, { method: "POST" });
    for (const token of [a.token, b.token]) {
      const attempts: [string, string, unknown?][] = [
        ["POST", `/connections/${id}/resume`],
        ["PUT", `/connections/${id}/automatic`, { enabled: true }],
        ["POST", `/connections/${id}/runs`, { mode: "full", since: "2026-01-01T00:00:00Z", dryRun: true }],
        ["PATCH", `/connections/${id}`, { name: "again" }],
        ["POST", `/connections/${id}/leave`],
      ];
      for (const [method, path, json] of attempts) {
        const res = await api(path, token, json === undefined ? { method } : { method, json });
        expect(res.status, `${method} ${path}`).toBe(409);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/ended/);
      }
    }
  });

  it("has nothing to leave on an internal connection or a pending one, and is 404 to others", async () => {
    const second = await addAccount(a.token, "Acme RT lab");
    const internal = (await (await api("/connections", a.token, { method: "POST", json: { name: "Internal", role: "source", platformAccountId: accountA, partnerAccountId: second } })).json()) as { id: string };
    expect((await api(`/connections/${internal.id}/leave`, a.token, { method: "POST" })).status).toBe(409);
    const pending = (await (await api("/connections", a.token, { method: "POST", json: { name: "Pending", role: "source", platformAccountId: accountA } })).json()) as { id: string };
    expect((await api(`/connections/${pending.id}/leave`, a.token, { method: "POST" })).status).toBe(409);
    const outsider = await createOrganisation("Outsider");
    expect((await api(`/connections/${internal.id}/leave`, outsider.token, { method: "POST" })).status).toBe(404);
    const v = await addUser(a.organisation.id, "viewer");
    expect((await api(`/connections/${internal.id}/leave`, v.token, { method: "POST" })).status).toBe(403);
  });
});
