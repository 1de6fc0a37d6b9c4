// An owner deletes their organisation: what goes is listed first (deletionPreview), then one
// batch erases it. The platform accounts' encrypted credentials and the webhook secrets are
// deleted by their own statements, not left to a cascade, so that "destroyed at once" does not
// depend on a foreign key; every connection the organisation is on goes (a partner cannot sync
// with a side that no longer exists) and each partner's log says why.
import { and, count, eq, inArray, ne, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiTokens, connections, connectionSides, organisations, platformAccounts, users, webhookSecrets } from "../db/schema";
import { ApiError } from "../api/error-codes";
import { invalidInput } from "../api/on-error";
import { scopeOf, type OrgScope, type Principal } from "../auth/principal";
import { auditEntry } from "./audit";

export type DeletionPreview = {
  organisation: { id: string; name: string };
  users: number;
  apiTokens: number;
  platformAccounts: number;
  connections: { id: string; name: string; partner: string | null }[];
};

/** Every connection with a side of the organisation, or created by it (pending ones). */
function connectionIdsOf(db: Db, orgId: string) {
  const onASide = db.select({ id: connectionSides.connectionId }).from(connectionSides).where(eq(connectionSides.orgId, orgId));
  return db
    .select({ id: connections.id })
    .from(connections)
    .where(or(inArray(connections.id, onASide), eq(connections.createdByOrgId, orgId)));
}

export async function deletionPreview(db: Db, scope: OrgScope): Promise<DeletionPreview> {
  const [org] = await db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.id, scope.orgId));
  const n = async (table: typeof users | typeof apiTokens | typeof platformAccounts) => (await db.select({ n: count() }).from(table).where(eq(table.orgId, scope.orgId)))[0]?.n ?? 0;
  const rows = await db.select({ id: connections.id, name: connections.name }).from(connections).where(inArray(connections.id, connectionIdsOf(db, scope.orgId)));
  const partners = rows.length
    ? await db
        .select({ connectionId: connectionSides.connectionId, name: organisations.name })
        .from(connectionSides)
        .innerJoin(organisations, eq(organisations.id, connectionSides.orgId))
        .where(and(inArray(connectionSides.connectionId, connectionIdsOf(db, scope.orgId)), ne(connectionSides.orgId, scope.orgId)))
    : [];
  return {
    organisation: org!,
    users: await n(users),
    apiTokens: await n(apiTokens),
    platformAccounts: await n(platformAccounts),
    connections: rows.map((r) => ({ ...r, partner: partners.find((p) => p.connectionId === r.id)?.name ?? null })),
  };
}

/** Owner only, and only with the organisation's name typed as `confirm`. */
export async function deleteOrganisation(db: Db, actor: Principal, input: { confirm: string }, ip?: string | null): Promise<DeletionPreview> {
  if (actor.role !== "owner") throw new ApiError("forbidden", "Only an owner can delete the organisation.");
  const preview = await deletionPreview(db, scopeOf(actor));
  if (input.confirm.trim() !== preview.organisation.name) {
    throw invalidInput({ issues: [{ code: "custom", path: ["confirm"], message: `type the organisation's name, ${preview.organisation.name}, to confirm`, input: input.confirm }] });
  }
  const partnerSides = await db
    .select({ orgId: connectionSides.orgId, connectionId: connectionSides.connectionId })
    .from(connectionSides)
    .where(and(inArray(connectionSides.connectionId, connectionIdsOf(db, actor.orgId)), ne(connectionSides.orgId, actor.orgId)));
  const told = partnerSides.flatMap((side) => {
    const connection = preview.connections.find((c) => c.id === side.connectionId);
    if (!side.orgId || !connection) return [];
    return [
      auditEntry(
        db,
        { orgId: side.orgId, userId: null, label: `${preview.organisation.name} (partner organisation)` },
        { action: "connection.partner_deleted", targetType: "connection", targetId: connection.id, details: { name: connection.name, organisation: preview.organisation.name } },
        null,
      ),
    ];
  });
  const ids = connectionIdsOf(db, actor.orgId);
  // One transaction: partners told, secrets and credentials erased, then everything else by cascade.
  await db.batch([
    db.delete(webhookSecrets).where(inArray(webhookSecrets.connectionId, ids)),
    ...told,
    db.delete(connections).where(inArray(connections.id, ids)),
    db.delete(platformAccounts).where(eq(platformAccounts.orgId, actor.orgId)),
    db.delete(organisations).where(eq(organisations.id, actor.orgId)),
  ]);
  console.info(JSON.stringify({ event: "organisation_deleted", orgId: actor.orgId, by: actor.userEmail, ip: ip ?? null }));
  return preview;
}
