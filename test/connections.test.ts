import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { connections } from "../src/db/schema";
import { addUser, api, createOrganisation, db, setupFirstOrganisation } from "./helpers";

type Side = { side: string; mine: boolean; organisation: string | null; platform: string | null; account: { id: string; name: string } | null; settings: Record<string, any> | null };
type Connection = { id: string; name: string; status: string; internal: boolean; createdByYou: boolean; invitationExpiresAt: string | null; settings: Record<string, any>; sides: Side[] };
type Created = Connection & { verificationCode: string | null };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let c: Awaited<ReturnType<typeof createOrganisation>>;
let aAccount: string;
let aSecondAccount: string;
let bAccount: string;
let cAccount: string;

async function addAccount(token: string, name: string): Promise<string> {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name, platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function invite(name = "MSP contract", token = a.token, account = aAccount): Promise<Created> {
  const res = await api("/connections", token, { method: "POST", json: { name, role: "source", platformAccountId: account } });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

async function accept(code: string, token = b.token, account = bAccount) {
  return api("/connections/accept", token, { method: "POST", json: { code, platformAccountId: account } });
}

async function activeConnection(): Promise<Connection> {
  const created = await invite();
  const res = await accept(created.verificationCode!);
  expect(res.status).toBe(200);
  return (await res.json()) as Connection;
}

const get = async (id: string, token: string) => (await (await api(`/connections/${id}`, token)).json()) as Connection;
const auditActions = async (token: string) => ((await (await api("/audit-log?limit=200", token)).json()) as { data: { action: string; targetId: string | null; actor: string }[] }).data;

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  c = await createOrganisation("Outsider Ltd");
  aAccount = await addAccount(a.token, "Acme RT");
  aSecondAccount = await addAccount(a.token, "Acme RT (lab)");
  bAccount = await addAccount(b.token, "Contoso RT");
  cAccount = await addAccount(c.token, "Outsider RT");
});

describe("connection invitations", () => {
  it("A creates a pending connection with a one-time code that B accepts; both then see it active", async () => {
    const created = await invite("Helpdesk bridge");
    expect(created).toMatchObject({ status: "pending", internal: false, createdByYou: true });
    expect(created.verificationCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const expires = Date.parse(created.invitationExpiresAt!);
    expect(expires - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    // Only the hash is stored, and the code is never shown again.
    const [row] = await db().select().from(connections).where(eq(connections.id, created.id));
    expect(row!.invitationCodeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await (await api(`/connections/${created.id}`, a.token)).json())).not.toContain(created.verificationCode!);
    const pending = ((await (await api("/connections?status=pending", a.token)).json()) as { data: Connection[] }).data;
    expect(pending.map((x) => x.id)).toContain(created.id);

    // Typed by a person: lower case, spaces instead of dashes.
    const res = await accept(` ${created.verificationCode!.toLowerCase().replace(/-/g, " ")} `);
    expect(res.status).toBe(200);
    const forB = (await res.json()) as Connection;
    expect(forB.status).toBe("active");
    expect(forB.sides.find((s) => s.side === "target")).toMatchObject({ mine: true, organisation: "Contoso", platform: "request-tracker", account: { id: bAccount, name: "Contoso RT" } });

    const forA = await get(created.id, a.token);
    expect(forA.status).toBe("active");
    expect(forA.invitationExpiresAt).toBeNull();
    expect(forA.sides.map((s) => [s.side, s.organisation, s.mine])).toEqual([["source", "Acme MSP", true], ["target", "Contoso", false]]);
    expect((await db().select().from(connections).where(eq(connections.id, created.id)))[0]!.invitationCodeHash).toBeNull();
    const active = ((await (await api("/connections?status=active", b.token)).json()) as { data: Connection[] }).data;
    expect(active.map((x) => x.id)).toContain(created.id);
  });

  it("B never sees A's account id or A's side settings, and A never sees B's", async () => {
    const connection = await activeConnection();
    const forB = await (await api(`/connections/${connection.id}`, b.token)).text();
    const listForB = await (await api("/connections", b.token)).text();
    for (const text of [forB, listForB]) {
      expect(text).not.toContain(aAccount);
      expect(text).not.toContain("Acme RT");
    }
    const parsed = JSON.parse(forB) as Connection;
    expect(parsed.sides.find((s) => s.side === "source")).toMatchObject({ mine: false, organisation: "Acme MSP", platform: "request-tracker", account: null, settings: null });
    expect(await (await api(`/connections/${connection.id}`, a.token)).text()).not.toContain(bAccount);
  });

  it("refuse an expired code with 409 and ask for a new connection", async () => {
    const created = await invite();
    await db().update(connections).set({ invitationExpiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(connections.id, created.id));
    const res = await accept(created.verificationCode!);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "The verification code has expired; ask your partner for a new connection",
    );
    expect((await get(created.id, a.token)).status).toBe("pending");
  });

  it("answer 404 to a wrong code", async () => {
    const res = await accept("ZZZZ-ZZZZ-ZZZZ-ZZZZ");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("do not let the creating organisation accept its own invitation (409, suggests an internal connection)", async () => {
    const created = await invite();
    const res = await accept(created.verificationCode!, a.token, aSecondAccount);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/internal connection/);
  });

  it("accept only with an account of the accepting organisation (404 otherwise)", async () => {
    const created = await invite();
    expect((await accept(created.verificationCode!, b.token, cAccount)).status).toBe(404);
    expect((await get(created.id, a.token)).status).toBe("pending");
  });

  it("create only with the caller's own account (404 otherwise)", async () => {
    const res = await api("/connections", b.token, { method: "POST", json: { name: "x", role: "target", platformAccountId: aAccount } });
    expect(res.status).toBe(404);
  });

  it("are recorded in both organisations' audit logs", async () => {
    const connection = await activeConnection();
    const forA = (await auditActions(a.token)).filter((e) => e.targetId === connection.id).map((e) => e.action);
    const forB = (await auditActions(b.token)).filter((e) => e.targetId === connection.id);
    expect(forA).toEqual(expect.arrayContaining(["connection.created", "connection.accepted"]));
    expect(forB.map((e) => e.action)).toEqual(["connection.accepted"]);
    expect(forB[0]!.actor).toBe(`${b.email} (API token)`);
    expect((await auditActions(a.token)).find((e) => e.targetId === connection.id && e.action === "connection.accepted")!.actor).toBe("Contoso (partner organisation)");
  });
});

describe("internal connections", () => {
  it("between two accounts of one organisation are active at once, with no code", async () => {
    const res = await api("/connections", a.token, { method: "POST", json: { name: "RT to RT lab", role: "target", platformAccountId: aAccount, partnerAccountId: aSecondAccount } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    expect(created).toMatchObject({ status: "active", internal: true, verificationCode: null, invitationExpiresAt: null });
    expect(created.sides.map((s) => [s.side, s.account?.id, s.mine])).toEqual([["source", aSecondAccount, true], ["target", aAccount, true]]);
    expect(created.sides.every((s) => s.settings?.comments.public === true)).toBe(true);
  });

  it("need the side named when editing side settings, since both are the caller's", async () => {
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Internal", role: "source", platformAccountId: aAccount, partnerAccountId: aSecondAccount } })).json()) as Created;
    const unnamed = await api(`/connections/${created.id}`, a.token, { method: "PATCH", json: { side: { settings: { timeEntries: { enabled: true } } } } });
    expect(unnamed.status).toBe(400);
    const named = await api(`/connections/${created.id}`, a.token, { method: "PATCH", json: { side: { side: "target", settings: { timeEntries: { enabled: true } } } } });
    expect(named.status).toBe(200);
    const sides = ((await named.json()) as Connection).sides;
    expect(sides.map((s) => s.settings!.timeEntries.enabled)).toEqual([false, true]);
  });
});

describe("connection settings", () => {
  it("merge a partial edit of the connection settings and keep the cooldown column in step", async () => {
    const connection = await activeConnection();
    const res = await api(`/connections/${connection.id}`, b.token, {
      method: "PATCH",
      json: { name: "Renamed", settings: { description: { fields: ["title", "priority"] }, manualCooldownSeconds: 300 } },
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Connection;
    expect(updated.name).toBe("Renamed");
    expect(updated.settings.description).toEqual({ fields: ["title", "priority"], separator: "----" });
    expect((await get(connection.id, a.token)).settings.manualCooldownSeconds).toBe(300);
    const [row] = await db().select().from(connections).where(eq(connections.id, connection.id));
    expect(row!.manualCooldownSeconds).toBe(300);
  });

  it("refuse invalid settings with the field's path, changing nothing", async () => {
    const connection = await activeConnection();
    const res = await api(`/connections/${connection.id}`, a.token, { method: "PATCH", json: { settings: { manualCooldownSeconds: -5 } } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { fields: { path: string }[] } } };
    expect(body.error.details.fields.map((f) => f.path)).toEqual(["settings.manualCooldownSeconds"]);
    expect((await get(connection.id, a.token)).settings.manualCooldownSeconds).toBe(60);
  });

  it("refuse a source, category or company default for a platform without one (Request Tracker), changing nothing", async () => {
    const connection = await activeConnection();
    const res = await api(`/connections/${connection.id}`, b.token, { method: "PATCH", json: { side: { settings: { defaults: { statusId: "new", sourceId: "email", categoryId: "network", companyId: "7" } } } } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { fields: { path: string; message: string }[] } } };
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.fields.map((f) => f.path)).toEqual(["side.settings.defaults.sourceId", "side.settings.defaults.categoryId", "side.settings.defaults.companyId"]);
    expect(body.error.details.fields[0]!.message).toContain("tickets have no source");
    expect((await get(connection.id, b.token)).sides.find((s) => s.mine)!.settings!.defaults.sourceId).toBeUndefined();
  });

  it("let each organisation edit only its own side: the partner's side answers 403", async () => {
    const connection = await activeConnection();
    const own = await api(`/connections/${connection.id}`, b.token, { method: "PATCH", json: { side: { settings: { defaults: { statusId: "new", priorityId: "3" } } } } });
    expect(own.status).toBe(200);
    expect(((await own.json()) as Connection).sides.find((s) => s.mine)!.settings!.defaults).toEqual({ statusId: "new", priorityId: "3" });
    const theirs = await api(`/connections/${connection.id}`, b.token, { method: "PATCH", json: { side: { side: "source", settings: { comments: { internal: true } } } } });
    expect(theirs.status).toBe(403);
    expect(((await theirs.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    expect((await get(connection.id, a.token)).sides.find((s) => s.side === "source")!.settings!.comments.internal).toBe(false);
    const log = (await auditActions(a.token)).filter((e) => e.targetId === connection.id).map((e) => e.action);
    expect(log).toContain("connection.updated");
  });
});

describe("connection access", () => {
  it("a third organisation gets 404 on every connection route", async () => {
    const connection = await activeConnection();
    const link = await api(`/connections/${connection.id}/links`, a.token, { method: "POST", json: { sourceTicketId: "1", targetTicketId: "2" } });
    const linkId = ((await link.json()) as { id: string }).id;
    const attempts: [string, string, unknown?][] = [
      ["GET", `/connections/${connection.id}`],
      ["PATCH", `/connections/${connection.id}`, { name: "pwned" }],
      ["DELETE", `/connections/${connection.id}`],
      ["GET", `/connections/${connection.id}/mappings`],
      ["PUT", `/connections/${connection.id}/mappings`, { mappings: [] }],
      ["POST", `/connections/${connection.id}/description-preview`, {}],
      ["GET", `/connections/${connection.id}/links`],
      ["POST", `/connections/${connection.id}/links`, { sourceTicketId: "8", targetTicketId: "9" }],
      ["DELETE", `/links/${linkId}`],
    ];
    for (const [method, path, json] of attempts) {
      const res = await api(path, c.token, json === undefined ? { method } : { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await (await api("/connections", c.token)).text()).not.toContain(connection.id);
    expect((await get(connection.id, a.token)).name).toBe("MSP contract");
  });

  it("viewers may read but get 403 on every write", async () => {
    const connection = await activeConnection();
    const viewer = await addUser(b.organisation.id, "viewer");
    expect((await api(`/connections/${connection.id}`, viewer.token)).status).toBe(200);
    const writes: [string, string, unknown][] = [
      ["POST", "/connections", { name: "x", role: "source", platformAccountId: bAccount }],
      ["POST", "/connections/accept", { code: "ABCD-EFGH-JKMN-PQRS", platformAccountId: bAccount }],
      ["PATCH", `/connections/${connection.id}`, { name: "x" }],
      ["DELETE", `/connections/${connection.id}`, undefined],
      ["PUT", `/connections/${connection.id}/mappings`, { mappings: [] }],
      ["POST", `/connections/${connection.id}/links`, { sourceTicketId: "1", targetTicketId: "2" }],
    ];
    for (const [method, path, json] of writes) {
      const res = await api(path, viewer.token, json === undefined ? { method } : { method, json });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });

  it("either side's admin can delete a connection; it is gone for both and logged for both", async () => {
    const connection = await activeConnection();
    await api(`/connections/${connection.id}/links`, a.token, { method: "POST", json: { sourceTicketId: "100", targetTicketId: "200" } });
    const res = await api(`/connections/${connection.id}`, b.token, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await api(`/connections/${connection.id}`, a.token)).status).toBe(404);
    expect((await api(`/connections/${connection.id}`, b.token)).status).toBe(404);
    const links = await env.DB.prepare("SELECT count(*) AS n FROM ticket_links WHERE connection_id = ?").bind(connection.id).first<{ n: number }>();
    expect(links!.n).toBe(0);
    expect((await auditActions(a.token)).some((e) => e.targetId === connection.id && e.action === "connection.deleted")).toBe(true);
    expect((await auditActions(b.token)).some((e) => e.targetId === connection.id && e.action === "connection.deleted")).toBe(true);
  });
});
