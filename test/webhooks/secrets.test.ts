// Webhook secrets through the API: made by the side's own organisation, shown once, stored
// encrypted, rotated with an overlap after which the old one stops.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { webhookSecrets } from "../../src/db/schema";
import { addUser, api, createOrganisation, db, setupFirstOrganisation } from "../helpers";
import { toWorker } from "../support/webhook-fixture";

type SideView = { side: string; mine: boolean; platform: string | null; scheme: string | null; configured: boolean; url: string | null; secrets: { id: string; createdAt: string; expiresAt: string | null; lastUsedAt: string | null }[]; lastDeliveryAt: string | null };
type Created = { side: string; scheme: string; secret: string; url: string; previousSecretsExpireAt: string | null; signature: Record<string, string | null> | null; setup: { steps: string[]; script?: string } };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let outsider: Awaited<ReturnType<typeof createOrganisation>>;
let connectionId: string;

async function account(token: string, body: Record<string, unknown>): Promise<string> {
  const res = await api("/platform-accounts", token, { method: "POST", json: body });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const rotate = (id: string, side: string, token: string, json: Record<string, unknown> = {}) => api(`/connections/${id}/webhooks/${side}/secret`, token, { method: "POST", json });
const view = async (token: string, id = connectionId) => {
  const res = await api(`/connections/${id}/webhooks`, token);
  expect(res.status).toBe(200);
  return { text: await res.clone().text(), sides: ((await res.json()) as { sides: SideView[] }).sides };
};
// What a Request Tracker scrip sends (see the setup script): each call names its own transaction,
// so no two are the same body (the same body twice is taken as a repeat).
let transaction = 70;
const scripCall = (url: string) =>
  toWorker(new Request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ticket: 7, transaction: transaction++, type: "Correspond" }) }));

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  outsider = await createOrganisation("Outsider Ltd");
  const rt = await account(a.token, { name: "Acme RT", platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } });
  const sn = await account(b.token, { name: "Contoso SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" } });
  const invited = await api("/connections", a.token, { method: "POST", json: { name: "MSP contract", role: "source", platformAccountId: rt } });
  const { id, verificationCode } = (await invited.json()) as { id: string; verificationCode: string };
  expect((await api("/connections/accept", b.token, { method: "POST", json: { code: verificationCode, platformAccountId: sn } })).status).toBe(200);
  connectionId = id;
});

describe("a side's webhook secret", () => {
  it("is shown once, in the answer that makes it, and stored only encrypted", async () => {
    const res = await rotate(connectionId, "source", a.token);
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const created = (await res.json()) as Created;
    expect(created.scheme).toBe("url-secret");
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.url).toBe(`https://lockstep.test/hooks/${connectionId}/source/${created.secret}`);
    expect(created.setup.script).toContain(created.url);

    const { text, sides } = await view(a.token);
    expect(text).not.toContain(created.secret);
    expect(sides.find((s) => s.side === "source")).toMatchObject({ mine: true, scheme: "url-secret", configured: true, url: `https://lockstep.test/hooks/${connectionId}/source`, secrets: [{ expiresAt: null, lastUsedAt: null }] });
    const rows = await db().select().from(webhookSecrets).where(eq(webhookSecrets.connectionId, connectionId));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.secretCiphertext).not.toContain(created.secret);
  });

  it("for a platform that signs its calls, comes with how to sign and the script that does it", async () => {
    const res = await rotate(connectionId, "target", b.token);
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    expect(created.scheme).toBe("hmac");
    expect(created.url).toBe(`https://lockstep.test/hooks/${connectionId}/target`);
    expect(created.signature).toEqual({ algorithm: "HMAC-SHA-256", header: "X-Lockstep-Signature", encoding: "base64", timestampHeader: "X-Lockstep-Timestamp", deliveryIdHeader: "X-Lockstep-Delivery" });
    expect(created.setup.script).toContain(`var secret = '${created.secret}'`);
    expect(created.setup.script).toContain(`request.setEndpoint('${created.url}')`);
  });

  it("is managed only by the organisation that owns the side", async () => {
    const partner = await rotate(connectionId, "source", b.token);
    expect(partner.status).toBe(403);
    expect(((await partner.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    expect((await rotate(connectionId, "source", outsider.token)).status).toBe(404);
    expect((await api(`/connections/${connectionId}/webhooks`, outsider.token)).status).toBe(404);
    const viewer = await addUser(a.organisation.id, "viewer");
    expect((await rotate(connectionId, "source", viewer.token)).status).toBe(403);

    // The partner sees that the side is set up, but neither its URL nor its secrets.
    const { sides } = await view(b.token);
    expect(sides.find((s) => s.side === "source")).toMatchObject({ mine: false, configured: true, url: null, secrets: [] });
  });

  it("is recorded in both organisations' audit logs", async () => {
    const actions = async (token: string) =>
      ((await (await api("/audit-log?limit=200", token)).json()) as { data: { action: string; targetId: string | null; actor: string }[] }).data.filter((e) => e.targetId === connectionId && e.action.startsWith("webhook_secret."));
    expect((await actions(a.token)).length).toBeGreaterThan(0);
    expect((await actions(b.token)).some((e) => e.actor === "Acme MSP (partner organisation)")).toBe(true);
  });
});

describe("rotating a secret", () => {
  it("keeps the old one working through the overlap, then only the new one", async () => {
    const old = (await (await rotate(connectionId, "source", a.token)).json()) as Created;
    const fresh = (await (await rotate(connectionId, "source", a.token)).json()) as Created;
    expect(fresh.secret).not.toBe(old.secret);
    const overlapEnds = Date.parse(fresh.previousSecretsExpireAt!);
    expect(Math.abs(overlapEnds - (Date.now() + 24 * 3600 * 1000))).toBeLessThan(60_000);

    // During the overlap both URLs are taken (202: verified; automatic sync is off, so no run).
    expect((await scripCall(old.url)).status).toBe(202);
    expect((await scripCall(fresh.url)).status).toBe(202);
    const during = (await view(a.token)).sides.find((s) => s.side === "source")!;
    const oldInfo = during.secrets.find((s) => s.expiresAt !== null && s.lastUsedAt !== null);
    expect(oldInfo?.expiresAt).toBe(fresh.previousSecretsExpireAt);
    expect(during.lastDeliveryAt).not.toBeNull();

    // A day later (the overlap's end moved into the past): the old URL is refused.
    await db().update(webhookSecrets).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(webhookSecrets.id, oldInfo!.id));
    const refused = await scripCall(old.url);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("webhook_signature_invalid");
    expect((await scripCall(fresh.url)).status).toBe(202);
  });

  it("with no overlap stops the old secret at once, as after a leak", async () => {
    const leaked = (await (await rotate(connectionId, "source", a.token)).json()) as Created;
    const replacement = (await (await rotate(connectionId, "source", a.token, { previousSecretExpiresInSeconds: 0 })).json()) as Created;
    expect((await scripCall(leaked.url)).status).toBe(401);
    expect((await scripCall(replacement.url)).status).toBe(202);
    const { sides } = await view(a.token);
    expect(sides.find((s) => s.side === "source")!.secrets).toHaveLength(1);
  });
});
