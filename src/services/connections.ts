// Connections: two platform accounts paired, usually of two organisations. One organisation
// creates it and gets a verification code; the partner accepts with the code and its own
// account. A connection is visible only to the organisations of its sides, each of which sees
// and edits its own side's account and settings and never the partner's.
import { and, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { connections, connectionSides, organisations, platformAccounts, webhookSecrets } from "../db/schema";
import { sha256Hex } from "../crypto/hash";
import { newId, randomBase32 } from "../lib/ids";
import { addSeconds, nowIso } from "../lib/time";
import { pageOf, type Page, type PageRequest } from "../lib/pagination";
import { ApiError, notFound } from "../api/error-codes";
import { invalidInput } from "../api/on-error";
import { refuseUnknownKeys } from "../api/unknown-keys";
import { scopeOf, type OrgScope, type Principal } from "../auth/principal";
import { connectionSettingsSchema, sideSettingsSchema, type SideSettings } from "../schemas/connections";
import { connectorFor } from "../connectors/registry";
import type { ConnectionSideView, ConnectionView, UpdateConnectionInput } from "../schemas/connection-views";
import { assertSafeNames } from "../lib/safe-keys";
import { auditEntry, type AuditInput } from "./audit";
import { childSettingIssues } from "./child-settings-checks";
import { normaliseCode } from "./connection-invitations";

type ConnectionRow = typeof connections.$inferSelect;
type SideRow = typeof connectionSides.$inferSelect;
type Side = SideRow["side"];
type SideWithNames = SideRow & { organisationName: string | null; platform: string | null; accountName: string | null };

/** A connection the caller may see, with its sides and which of them are the caller's. */
export type VisibleConnection = { row: ConnectionRow; sides: SideWithNames[]; mySides: Side[]; orgIds: string[] };

const INVITATION_SECONDS = 7 * 24 * 3600;
const other = (side: Side): Side => (side === "source" ? "target" : "source");

/**
 * A verification code people can read out and type: 16 Crockford base32 characters (80 bits) in
 * groups of four. Crockford's alphabet has no I, L, O or U, so typing them cannot mislead.
 */
function newVerificationCode(): string {
  return (randomBase32(16).toUpperCase().match(/.{4}/g) ?? []).join("-");
}


// ---- reading ----------------------------------------------------------------------------

async function sidesOf(db: Db, connectionIds: string[]): Promise<SideWithNames[]> {
  const out: SideWithNames[] = [];
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < connectionIds.length; i += 80) {
    const rows = await db
      .select({ side: connectionSides, organisationName: organisations.name, platform: platformAccounts.platform, accountName: platformAccounts.name })
      .from(connectionSides)
      .leftJoin(organisations, eq(organisations.id, connectionSides.orgId))
      .leftJoin(platformAccounts, eq(platformAccounts.id, connectionSides.platformAccountId))
      .where(inArray(connectionSides.connectionId, connectionIds.slice(i, i + 80)));
    out.push(...rows.map((r) => ({ ...r.side, organisationName: r.organisationName, platform: r.platform, accountName: r.accountName })));
  }
  return out;
}

function visibleTo(scope: OrgScope, row: ConnectionRow, sides: SideWithNames[]): VisibleConnection | null {
  const mySides = sides.filter((s) => s.orgId === scope.orgId).map((s) => s.side);
  if (!mySides.length && !(row.status === "pending" && row.createdByOrgId === scope.orgId)) return null;
  const orgIds = [...new Set(sides.map((s) => s.orgId).filter((id): id is string => id !== null))];
  return { row, sides: sides.sort((a, b) => a.side.localeCompare(b.side)), mySides, orgIds };
}

/** The connection, if the caller's organisation is on one of its sides; 404 otherwise. */
export async function findVisibleConnection(db: Db, scope: OrgScope, id: string): Promise<VisibleConnection> {
  const [row] = await db.select().from(connections).where(eq(connections.id, id)).limit(1);
  const visible = row ? visibleTo(scope, row, await sidesOf(db, [row.id])) : null;
  if (!visible) throw notFound("Connection");
  return visible;
}

function sideView(side: SideWithNames, mine: boolean): ConnectionSideView {
  return {
    side: side.side,
    mine,
    organisation: side.organisationName,
    platform: side.platform,
    // The partner's account id and settings never leave its organisation.
    account: mine && side.platformAccountId ? { id: side.platformAccountId, name: side.accountName ?? "" } : null,
    settings: mine ? sideSettingsSchema.parse(JSON.parse(side.settings)) : null,
  };
}

export function connectionView(scope: OrgScope, { row, sides, mySides }: VisibleConnection): ConnectionView {
  const createdByYou = row.createdByOrgId === scope.orgId;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    internal: row.internal,
    createdByYou,
    invitationExpiresAt: createdByYou && row.status === "pending" ? row.invitationExpiresAt : null,
    settings: connectionSettingsSchema.parse(JSON.parse(row.settings)),
    automaticEnabled: row.automaticEnabled,
    initialSyncCompletedAt: row.initialSyncCompletedAt,
    endedAt: row.endedAt,
    sides: sides.map((s) => sideView(s, mySides.includes(s.side))),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listConnections(
  db: Db,
  scope: OrgScope,
  page: PageRequest & { status?: ConnectionRow["status"] | undefined },
): Promise<Page<ConnectionView>> {
  const mine = db.select({ id: connectionSides.connectionId }).from(connectionSides).where(eq(connectionSides.orgId, scope.orgId));
  const rows = await db
    .select()
    .from(connections)
    .where(
      and(
        inArray(connections.id, mine),
        page.status ? eq(connections.status, page.status) : undefined,
        page.cursor ? lt(connections.id, page.cursor) : undefined,
      ),
    )
    .orderBy(desc(connections.id))
    .limit(page.limit + 1);
  const sides = await sidesOf(db, rows.map((r) => r.id));
  return pageOf(rows, page.limit, (row) => connectionView(scope, visibleTo(scope, row, sides.filter((s) => s.connectionId === row.id))!));
}

export async function getConnection(db: Db, scope: OrgScope, id: string): Promise<ConnectionView> {
  return connectionView(scope, await findVisibleConnection(db, scope, id));
}

// ---- auditing ---------------------------------------------------------------------------

/**
 * Audit entries for a change to a shared connection: the actor's own log names the user; the
 * partner organisation's log names only the actor's organisation (not its people).
 */
export function connectionAudit(db: Db, actor: Principal, orgIds: string[], input: AuditInput, ip?: string | null) {
  const partners = orgIds.filter((id) => id !== actor.orgId);
  return [
    auditEntry(db, actor, input, ip),
    ...partners.map((orgId) => auditEntry(db, { orgId, userId: null, label: `${actor.orgName} (partner organisation)` }, input, null)),
  ] as const;
}

// ---- writing ----------------------------------------------------------------------------

async function ownAccount(db: Db, orgId: string, id: string) {
  const [account] = await db
    .select({ id: platformAccounts.id })
    .from(platformAccounts)
    .where(and(eq(platformAccounts.orgId, orgId), eq(platformAccounts.id, id)))
    .limit(1);
  if (!account) throw notFound("Platform account");
  return account;
}

export type CreatedConnection = ConnectionView & { verificationCode: string | null };

export async function createConnection(
  db: Db,
  actor: Principal,
  input: { name: string; role: Side; platformAccountId: string; partnerAccountId?: string | undefined },
  ip?: string | null,
): Promise<CreatedConnection> {
  await ownAccount(db, actor.orgId, input.platformAccountId);
  const internal = input.partnerAccountId !== undefined;
  if (internal) {
    if (input.partnerAccountId === input.platformAccountId) {
      throw invalidInput({ issues: [{ code: "custom", path: ["partnerAccountId"], message: "must be another account than platformAccountId", input: input.partnerAccountId }] });
    }
    await ownAccount(db, actor.orgId, input.partnerAccountId!);
  }
  const now = nowIso();
  const id = newId("con");
  const code = internal ? null : newVerificationCode();
  const settings = connectionSettingsSchema.parse({});
  const row: ConnectionRow = {
    id,
    name: input.name,
    createdByOrgId: actor.orgId,
    status: internal ? "active" : "pending",
    internal,
    invitationCodeHash: code ? await sha256Hex(normaliseCode(code)) : null,
    invitationExpiresAt: code ? addSeconds(now, INVITATION_SECONDS) : null,
    invitationClaimedByOrgId: null,
    automaticEnabled: false,
    billingOrgId: null,
    initialSyncCompletedAt: null,
    settings: JSON.stringify(settings),
    manualCooldownSeconds: settings.manualCooldownSeconds,
    lastManualRunAt: null,
    lastCheckedAt: null,
    endedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const defaults = JSON.stringify(sideSettingsSchema.parse({}));
  const side = (s: Side, orgId: string | null, accountId: string | null) =>
    db.insert(connectionSides).values({ connectionId: id, side: s, orgId, platformAccountId: accountId, settings: defaults, createdAt: now, updatedAt: now });
  await db.batch([
    db.insert(connections).values(row),
    side(input.role, actor.orgId, input.platformAccountId),
    internal ? side(other(input.role), actor.orgId, input.partnerAccountId!) : side(other(input.role), null, null),
    auditEntry(db, actor, { action: "connection.created", targetType: "connection", targetId: id, details: { name: row.name, role: input.role, internal } }, ip),
  ]);
  return { ...(await getConnection(db, scopeOf(actor), id)), verificationCode: code };
}

export async function acceptConnection(db: Db, actor: Principal, input: { code: string; platformAccountId: string }, ip?: string | null): Promise<ConnectionView> {
  const hash = await sha256Hex(normaliseCode(input.code));
  const [row] = await db.select().from(connections).where(and(eq(connections.invitationCodeHash, hash), eq(connections.status, "pending"))).limit(1);
  // A code someone signed up with is that new organisation's alone to accept.
  if (!row || (row.invitationClaimedByOrgId && row.invitationClaimedByOrgId !== actor.orgId)) {
    throw new ApiError("not_found", "No pending connection has this verification code. Check the code with your partner.");
  }
  if (row.createdByOrgId === actor.orgId) {
    throw new ApiError(
      "conflict",
      "Your organisation created this connection, so your partner must accept it. To connect two of your own accounts, create an internal connection.",
    );
  }
  if (!row.invitationExpiresAt || row.invitationExpiresAt <= nowIso()) {
    throw new ApiError("conflict", "The verification code has expired; ask your partner for a new connection");
  }
  await ownAccount(db, actor.orgId, input.platformAccountId);
  const now = nowIso();
  const [, sideUpdate] = await db.batch([
    db
      .update(connections)
      .set({ status: "active", invitationCodeHash: null, invitationExpiresAt: null, invitationClaimedByOrgId: null, updatedAt: now })
      .where(and(eq(connections.id, row.id), eq(connections.invitationCodeHash, hash))),
    db
      .update(connectionSides)
      .set({ orgId: actor.orgId, platformAccountId: input.platformAccountId, updatedAt: now })
      .where(and(eq(connectionSides.connectionId, row.id), isNull(connectionSides.orgId)))
      .returning({ side: connectionSides.side }),
    ...connectionAudit(db, actor, [row.createdByOrgId], { action: "connection.accepted", targetType: "connection", targetId: row.id, details: { name: row.name } }, ip),
  ]);
  // Two acceptances at once: the first one wins, the second finds no open side.
  if (!sideUpdate.length) throw new ApiError("conflict", "This connection has just been accepted by someone else.");
  return getConnection(db, scopeOf(actor), row.id);
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** Merges a partial edit into settings: objects merge, arrays and scalars replace, null removes. */
function mergeSettings(current: Plain, patch: Plain): Plain {
  const out: Plain = { ...current };
  // A patch key is assigned onto `out`: `__proto__` & co. would replace its prototype.
  assertSafeNames(Object.keys(patch));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlain(value) && isPlain(out[key])) out[key] = mergeSettings(out[key] as Plain, value);
    else out[key] = value;
  }
  return out;
}

function parseUnder<T>(schema: z.ZodType<T>, value: unknown, prefix: string[]): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput({ issues: result.error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] })) });
  return result.data;
}

/** A default the side's platform has no field for would be saved and never applied: refused. */
function refuseUnsupportedDefaults(settings: SideSettings, platform: string | null): void {
  const facts = platform ? connectorFor(platform)?.facts : null;
  if (!facts) return;
  const issues = (["sourceId", "categoryId", "companyId"] as const)
    .filter((key) => settings.defaults[key] !== undefined && facts.ticketDefaults[key] === null)
    .map((key) => ({
      code: "custom" as const,
      path: ["side", "settings", "defaults", key],
      message: `${facts.label} tickets have no ${{ sourceId: "source", categoryId: "category", companyId: "company" }[key]}; leave it empty`,
      input: settings.defaults[key],
    }));
  if (issues.length) throw invalidInput({ issues });
}

/** What the install can do that settings depend on: alert emails need an email binding. */
export type InstallCapabilities = { alertEmail: boolean };

/** Alert addresses on an install that sends no email would never hear of an alert. */
function refuseUnsendableEmails(patch: Record<string, unknown>, capabilities: InstallCapabilities): void {
  const alerts = patch["alerts"];
  const emails = alerts && typeof alerts === "object" ? (alerts as Record<string, unknown>)["emails"] : undefined;
  if (capabilities.alertEmail || !Array.isArray(emails) || emails.length === 0) return;
  throw invalidInput({
    issues: [
      {
        code: "custom",
        path: ["settings", "alerts", "emails"],
        message:
          "this install sends no email (it has no ALERT_EMAIL binding and ALERT_EMAIL_FROM sender), so these addresses would never be told: leave it empty and use the webhook URL, or ask whoever runs Lockstep to set up email",
        input: emails,
      },
    ],
  });
}

export async function updateConnection(
  db: Db,
  actor: Principal,
  id: string,
  input: UpdateConnectionInput,
  ip?: string | null,
  capabilities: InstallCapabilities = { alertEmail: false },
): Promise<ConnectionView> {
  const scope = scopeOf(actor);
  const visible = await findVisibleConnection(db, scope, id);
  refuseEnded(visible.row);
  const now = nowIso();
  const changes: Partial<ConnectionRow> = { updatedAt: now };
  if (input.name !== undefined) changes.name = input.name;
  if (input.settings !== undefined) {
    refuseUnknownKeys(connectionSettingsSchema, input.settings, ["settings"]);
    const settings = parseUnder(connectionSettingsSchema, mergeSettings(JSON.parse(visible.row.settings) as Plain, input.settings), ["settings"]);
    refuseUnsendableEmails(input.settings, capabilities);
    changes.settings = JSON.stringify(settings);
    // The Durable Object reads the cooldown from its own column.
    changes.manualCooldownSeconds = settings.manualCooldownSeconds;
  }
  let sideUpdate: { side: Side; settings: string } | null = null;
  if (input.side !== undefined) {
    const side = input.side.side ?? (visible.mySides.length === 1 ? visible.mySides[0]! : null);
    if (!side) {
      throw invalidInput({ issues: [{ code: "custom", path: ["side", "side"], message: "say which side: source or target (both are yours)", input: undefined }] });
    }
    if (!visible.mySides.includes(side)) {
      throw new ApiError("forbidden", `The ${side} side belongs to your partner: each organisation changes only its own side's settings.`);
    }
    const current = visible.sides.find((s) => s.side === side)!;
    refuseUnknownKeys(sideSettingsSchema, input.side.settings, ["side", "settings"]);
    const settings = parseUnder(sideSettingsSchema, mergeSettings(JSON.parse(current.settings) as Plain, input.side.settings), ["side", "settings"]);
    // What the platforms cannot honour is refused now, not saved to do nothing in every run.
    const partner = visible.sides.find((s) => s.side !== side);
    const facts = (platform: string | null | undefined) => (platform ? connectorFor(platform)?.facts ?? null : null);
    const issues = childSettingIssues(sideSettingsSchema.parse(JSON.parse(current.settings)), settings, facts(current.platform), facts(partner?.platform));
    if (issues.length) throw invalidInput({ issues: issues.map((i) => ({ code: "custom", path: ["side", "settings", ...i.path], message: i.message, input: undefined })) });
    refuseUnsupportedDefaults(settings, current.platform);
    sideUpdate = { side, settings: JSON.stringify(settings) };
  }
  const details = {
    name: input.name,
    settingsChanged: input.settings ? Object.keys(input.settings) : undefined,
    sideSettingsChanged: sideUpdate ? { side: sideUpdate.side, keys: Object.keys(input.side!.settings) } : undefined,
  };
  await db.batch([
    db.update(connections).set(changes).where(eq(connections.id, id)),
    ...(sideUpdate
      ? [
          db
            .update(connectionSides)
            .set({ settings: sideUpdate.settings, updatedAt: now })
            .where(and(eq(connectionSides.connectionId, id), eq(connectionSides.side, sideUpdate.side), eq(connectionSides.orgId, actor.orgId))),
        ]
      : []),
    ...connectionAudit(db, actor, visible.orgIds, { action: "connection.updated", targetType: "connection", targetId: id, details }, ip),
  ]);
  return getConnection(db, scope, id);
}

/** An ended connection keeps its history and nothing else: it is neither changed nor synced again. */
export function refuseEnded(row: Pick<ConnectionRow, "endedAt">): void {
  if (row.endedAt) throw new ApiError("conflict", `This connection ended on ${row.endedAt.slice(0, 10)}: it no longer syncs or changes; its links and history stay readable.`);
}

/**
 * One organisation leaves a connection with a partner: sync stops for good, its side lets go of
 * its platform account (which it may then delete) and webhook secrets, and both organisations
 * keep reading the links and history. The partner's log and connection page say it ended.
 */
export async function leaveConnection(db: Db, actor: Principal, id: string, ip?: string | null): Promise<ConnectionView> {
  const visible = await findVisibleConnection(db, scopeOf(actor), id);
  refuseEnded(visible.row);
  if (visible.row.internal || visible.orgIds.length < 2) {
    throw new ApiError("conflict", "This connection has no partner organisation to leave: delete it instead.");
  }
  const now = nowIso();
  await db.batch([
    db.update(connections).set({ status: "paused", automaticEnabled: false, endedAt: now, updatedAt: now }).where(eq(connections.id, id)),
    db.update(connectionSides).set({ platformAccountId: null, updatedAt: now }).where(and(eq(connectionSides.connectionId, id), eq(connectionSides.orgId, actor.orgId))),
    db.delete(webhookSecrets).where(and(eq(webhookSecrets.connectionId, id), inArray(webhookSecrets.side, visible.mySides))),
    ...connectionAudit(db, actor, visible.orgIds, { action: "connection.left", targetType: "connection", targetId: id, details: { name: visible.row.name } }, ip),
  ]);
  return getConnection(db, scopeOf(actor), id);
}

export async function deleteConnection(db: Db, actor: Principal, id: string, ip?: string | null): Promise<void> {
  const visible = await findVisibleConnection(db, scopeOf(actor), id);
  // Sides, mappings, links, runs and cursors go with it (ON DELETE CASCADE).
  await db.batch([
    db.delete(connections).where(eq(connections.id, id)),
    ...connectionAudit(db, actor, visible.orgIds, { action: "connection.deleted", targetType: "connection", targetId: id, details: { name: visible.row.name } }, ip),
  ]);
}
