import { beforeAll, describe, expect, it } from "vitest";
import { api, createOrganisation, setupFirstOrganisation } from "./helpers";

type Link = { id: string; sourceTicketId: string; targetTicketId: string; sourceNumber: string | null; targetNumber: string | null; state: string };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let connectionId: string;

async function addAccount(token: string, name: string): Promise<string> {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name, platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
  });
  return ((await res.json()) as { id: string }).id;
}

const link = (json: Record<string, string>, token = a.token) => api(`/connections/${connectionId}/links`, token, { method: "POST", json });
const search = async (qs = "") => ((await (await api(`/connections/${connectionId}/links${qs}`, b.token)).json()) as { data: Link[] }).data;

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Contract", role: "source", platformAccountId: await addAccount(a.token, "A") } })).json()) as { id: string; verificationCode: string };
  await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: await addAccount(b.token, "B") } });
  connectionId = created.id;
});

describe("ticket links", () => {
  it("pair two existing tickets, visible to both organisations and found by number", async () => {
    const res = await link({ sourceTicketId: "1001", targetTicketId: "sys-abc", sourceNumber: "#1001", targetNumber: "INC0010001" });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Link;
    expect(created).toMatchObject({ state: "linked", sourceTicketId: "1001", targetTicketId: "sys-abc" });
    expect((await search("?q=INC00100")).map((l) => l.id)).toEqual([created.id]);
    expect((await search("?q=sys-ab")).map((l) => l.id)).toEqual([created.id]);
    expect(await search("?q=%25")).toEqual([]);
    expect((await search("?state=linked")).map((l) => l.id)).toContain(created.id);
  });

  it("refuse a ticket that is already linked in this connection (409)", async () => {
    await link({ sourceTicketId: "2001", targetTicketId: "t-2001" });
    const again = await link({ sourceTicketId: "2001", targetTicketId: "t-other" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/Source ticket 2001 is already linked/);
    const targetTaken = await link({ sourceTicketId: "2002", targetTicketId: "t-2001" }, b.token);
    expect(targetTaken.status).toBe(409);
    expect((await search("?q=2001")).length).toBe(1);
  });

  it("unlink a pair: kept as unlinked for history, and its tickets can be linked again", async () => {
    const created = (await (await link({ sourceTicketId: "3001", targetTicketId: "t-3001" })).json()) as Link;
    const res = await api(`/links/${created.id}`, b.token, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await search("?q=3001"))[0]).toMatchObject({ id: created.id, state: "unlinked" });
    expect((await search("?state=linked")).map((l) => l.id)).not.toContain(created.id);
    // The same pair comes back as the same link; a new partner replaces the old unlinked pair.
    const relinked = (await (await link({ sourceTicketId: "3001", targetTicketId: "t-3001" })).json()) as Link;
    expect(relinked).toMatchObject({ id: created.id, state: "linked" });
    await api(`/links/${created.id}`, a.token, { method: "DELETE" });
    const repaired = await link({ sourceTicketId: "3001", targetTicketId: "t-3001-new" });
    expect(repaired.status).toBe(201);
    expect((await search("?q=3001")).map((l) => [l.targetTicketId, l.state])).toEqual([["t-3001-new", "linked"]]);
  });

  it("are recorded in both organisations' audit logs", async () => {
    const created = (await (await link({ sourceTicketId: "4001", targetTicketId: "t-4001" })).json()) as Link;
    await api(`/links/${created.id}`, a.token, { method: "DELETE" });
    for (const token of [a.token, b.token]) {
      const log = ((await (await api("/audit-log?limit=200", token)).json()) as { data: { action: string; targetId: string }[] }).data;
      const actions = log.filter((e) => e.targetId === created.id).map((e) => e.action);
      expect(actions.sort()).toEqual(["ticket_link.created", "ticket_link.unlinked"]);
    }
  });

  it("cannot be made before the partner accepts (409)", async () => {
    const pending = (await (await api("/connections", a.token, { method: "POST", json: { name: "Pending", role: "source", platformAccountId: await addAccount(a.token, "P") } })).json()) as { id: string };
    const res = await api(`/connections/${pending.id}/links`, a.token, { method: "POST", json: { sourceTicketId: "1", targetTicketId: "2" } });
    expect(res.status).toBe(409);
  });
});

describe("searching links", () => {
  const searchStatus = async (q: string) => {
    const res = await api(`/connections/${connectionId}/links?q=${encodeURIComponent(q)}`, b.token);
    return { status: res.status, body: (await res.json()) as { data?: Link[]; error?: { code: string; message: string } } };
  };

  it("finds a ticket by its full 48-character id", async () => {
    const longId = "x".repeat(40) + "-4000001";
    const created = (await (await link({ sourceTicketId: longId, targetTicketId: "t-4000001" })).json()) as Link;
    const found = await searchStatus(longId);
    expect(found.status).toBe(200);
    expect(found.body.data!.map((l) => l.id)).toEqual([created.id]);
  });

  it.each([
    ["49 letters", "a".repeat(49)],
    ["500 letters", "a".repeat(500)],
    ["25 percent signs (each escaped, so twice as long)", "%".repeat(25)],
    ["25 accented letters (two bytes each)", "é".repeat(25)],
  ])("answers 400 invalid_input with the limit for %s, never 500", async (_, q) => {
    const { status, body } = await searchStatus(q);
    expect(status).toBe(400);
    expect(body.error!.code).toBe("invalid_input");
    expect(body.error!.message).toContain("at most 48 characters");
  });

  it.each([["48 letters", "a".repeat(48)], ["24 underscores", "_".repeat(24)], ["24 accented letters", "é".repeat(24)]])("runs a search of %s", async (_, q) => {
    expect((await searchStatus(q)).status).toBe(200);
  });

  it("takes %, _ and \\ literally", async () => {
    const created = (await (await link({ sourceTicketId: "5001", targetTicketId: "t-5001", sourceNumber: "50%_off\\now" })).json()) as Link;
    expect((await searchStatus("%_off\\")).body.data!.map((l) => l.id)).toEqual([created.id]);
    expect((await searchStatus("5_%")).body.data).toEqual([]);
  });
});
