// Webhook secrets, per connection side: made here (256 random bits), encrypted before they touch
// the database, shown once in the answer that creates them, and rotated with an overlap so the
// platform can be switched over without losing a call. Only the organisation that owns a side
// manages its secrets; both organisations see that a side is configured and when it was last
// called.
import { and, asc, eq, gt, isNull, lte, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { webhookSecrets } from "../db/schema";
import { SecretBox } from "../crypto/secrets";
import { randomToken } from "../crypto/hash";
import { newId } from "../lib/ids";
import { addSeconds, nowIso } from "../lib/time";
import { ApiError } from "../api/error-codes";
import { scopeOf, type Principal } from "../auth/principal";
import { connectorFor } from "../connectors/registry";
import type { WebhookScheme } from "../connectors/contract";
import type { CreatedSecret, WebhookSideView } from "../schemas/webhooks";
import { connectionAudit, findVisibleConnection } from "./connections";

type Side = "source" | "target";
type SecretRow = typeof webhookSecrets.$inferSelect;

const aad = (row: { id: string; connectionId: string; side: Side }) => `${row.connectionId}|${row.side}|${row.id}|webhook-secret`;

/** Where the platform calls; url-secret sides add the secret as one more segment. */
export function webhookUrl(origin: string, connectionId: string, side: Side, secret?: string): string {
  return `${origin}/hooks/${encodeURIComponent(connectionId)}/${side}${secret ? `/${secret}` : ""}`;
}

/** The secrets a delivery may verify with now: the current one and any still in their overlap. */
export async function liveSecrets(db: Db, encryptionKey: string, connectionId: string, side: Side, now = nowIso()): Promise<{ id: string; secret: string }[]> {
  const rows = await db
    .select()
    .from(webhookSecrets)
    .where(and(eq(webhookSecrets.connectionId, connectionId), eq(webhookSecrets.side, side), or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, now))))
    .orderBy(asc(webhookSecrets.expiresAt));
  const box = new SecretBox(encryptionKey);
  // The current secret first (SQLite sorts a NULL expiry first): it is the likeliest match.
  return Promise.all(rows.map(async (row) => ({ id: row.id, secret: await box.decrypt(row.secretCiphertext, aad(row)) })));
}

export function markSecretUsed(db: Db, secretId: string, at = nowIso()) {
  return db.update(webhookSecrets).set({ lastUsedAt: at }).where(eq(webhookSecrets.id, secretId));
}

function schemeOf(platform: string | null): WebhookScheme | null {
  const connector = platform ? connectorFor(platform) : null;
  return connector?.webhook ? connector.facts.webhooks : null;
}

export async function listWebhooks(db: Db, actor: Principal, connectionId: string, origin: string): Promise<{ sides: WebhookSideView[] }> {
  const visible = await findVisibleConnection(db, scopeOf(actor), connectionId);
  const rows = await db.select().from(webhookSecrets).where(eq(webhookSecrets.connectionId, connectionId)).orderBy(asc(webhookSecrets.createdAt));
  const now = nowIso();
  const sides = visible.sides.map((side): WebhookSideView => {
    const mine = visible.mySides.includes(side.side);
    const live = rows.filter((r) => r.side === side.side && (r.expiresAt === null || r.expiresAt > now));
    const used = rows.filter((r) => r.side === side.side).map((r) => r.lastUsedAt).filter((at): at is string => at !== null);
    const scheme = schemeOf(side.platform);
    return {
      side: side.side,
      mine,
      platform: side.platform,
      scheme: scheme?.kind ?? null,
      configured: scheme !== null && live.length > 0,
      url: mine && scheme ? webhookUrl(origin, connectionId, side.side) : null,
      secrets: mine ? live.map((r) => ({ id: r.id, createdAt: r.createdAt, expiresAt: r.expiresAt, lastUsedAt: r.lastUsedAt })) : [],
      lastDeliveryAt: used.sort().at(-1) ?? null,
    };
  });
  return { sides };
}

/**
 * Makes a new current secret for one of the caller's sides. Secrets already in use keep working
 * for `previousSecretExpiresInSeconds` (never longer than they already would), then stop.
 */
export async function createSecret(
  deps: { db: Db; encryptionKey: string },
  actor: Principal,
  connectionId: string,
  side: Side,
  options: { origin: string; previousSecretExpiresInSeconds: number; ip?: string | null | undefined },
): Promise<CreatedSecret> {
  const { db } = deps;
  const visible = await findVisibleConnection(db, scopeOf(actor), connectionId);
  if (!visible.mySides.includes(side)) {
    throw new ApiError("forbidden", `The ${side} side belongs to your partner: only its own organisation manages its webhook secrets.`);
  }
  const sideRow = visible.sides.find((s) => s.side === side)!;
  const connector = sideRow.platform ? connectorFor(sideRow.platform) : null;
  const scheme = schemeOf(sideRow.platform);
  if (!connector?.webhook || !scheme) {
    throw new ApiError("conflict", sideRow.platform ? `${connector?.facts.label ?? sideRow.platform} cannot call out to Lockstep; automatic sync polls it instead.` : "This side has no platform account yet.");
  }
  const now = nowIso();
  const expireBy = addSeconds(now, options.previousSecretExpiresInSeconds);
  const previous = await db
    .select({ id: webhookSecrets.id, expiresAt: webhookSecrets.expiresAt })
    .from(webhookSecrets)
    .where(and(eq(webhookSecrets.connectionId, connectionId), eq(webhookSecrets.side, side), or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, now))));
  const secret = randomToken(32);
  const row: SecretRow = { id: newId("whs"), connectionId, side, secretCiphertext: "", createdAt: now, expiresAt: null, lastUsedAt: null };
  row.secretCiphertext = await new SecretBox(deps.encryptionKey).encrypt(secret, aad(row));
  const sideFilter = and(eq(webhookSecrets.connectionId, connectionId), eq(webhookSecrets.side, side));
  await db.batch([
    // Secrets long expired are of no further use, even to the page.
    db.delete(webhookSecrets).where(and(sideFilter, lte(webhookSecrets.expiresAt, now))),
    db.update(webhookSecrets).set({ expiresAt: expireBy }).where(and(sideFilter, or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, expireBy)))),
    db.insert(webhookSecrets).values(row),
    ...connectionAudit(
      db,
      actor,
      visible.orgIds,
      {
        action: previous.length ? "webhook_secret.rotated" : "webhook_secret.created",
        targetType: "connection",
        targetId: connectionId,
        details: { side, secretId: row.id, previousSecretsExpireInSeconds: previous.length ? options.previousSecretExpiresInSeconds : null },
      },
      options.ip,
    ),
  ]);
  // Each secret replaced keeps the earlier of its own expiry and the new one.
  const previousSecretsExpireAt = previous.map((p) => (p.expiresAt !== null && p.expiresAt < expireBy ? p.expiresAt : expireBy)).sort().at(-1) ?? null;
  const url = webhookUrl(options.origin, connectionId, side, scheme.kind === "url-secret" ? secret : undefined);
  return {
    side,
    scheme: scheme.kind,
    secret,
    url,
    createdAt: now,
    previousSecretsExpireAt,
    signature:
      scheme.kind === "hmac"
        ? { algorithm: `HMAC-${scheme.algorithm}`, header: scheme.signatureHeader, encoding: scheme.encoding, timestampHeader: scheme.timestampHeader, deliveryIdHeader: scheme.deliveryIdHeader }
        : null,
    setup: connector.webhook.setup({ url, secret }),
  };
}
