// The append-only audit log. `auditEntry` returns an insert to put in the same `db.batch` as the
// change it describes, so a change and its record are written together or not at all.
import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditLog } from "../db/schema";
import { actorLabel, type OrgScope, type Principal } from "../auth/principal";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import { pageOf, type Page, type PageRequest } from "../lib/pagination";

export type AuditInput = {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
};

export type AuditActor = Principal | { orgId: string; userId: string | null; label: string };

export function auditEntry(db: Db, actor: AuditActor, input: AuditInput, ip?: string | null) {
  const isPrincipal = "via" in actor;
  return db.insert(auditLog).values({
    id: newId("aud"),
    orgId: actor.orgId,
    actorUserId: actor.userId,
    actorTokenId: isPrincipal ? (actor.tokenId ?? null) : null,
    actorLabel: isPrincipal ? actorLabel(actor) : actor.label,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    details: JSON.stringify(input.details ?? {}),
    ip: ip ?? null,
    createdAt: nowIso(),
  });
}

export type AuditRecord = {
  id: string;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
};

export async function listAudit(db: Db, scope: OrgScope, page: PageRequest): Promise<Page<AuditRecord>> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.orgId, scope.orgId), page.cursor ? lt(auditLog.id, page.cursor) : undefined))
    .orderBy(desc(auditLog.id))
    .limit(page.limit + 1);
  return pageOf(rows, page.limit, (row) => ({
    id: row.id,
    actor: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: JSON.parse(row.details) as Record<string, unknown>,
    ip: row.ip,
    createdAt: row.createdAt,
  }));
}
