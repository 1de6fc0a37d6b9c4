// What both organisations of a connection are told on its page: that the partner signed up,
// accepted, or left. Read from the caller's own audit log, where connectionAudit writes each such
// change for every organisation of the connection.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditLog } from "../db/schema";
import type { OrgScope } from "../auth/principal";

const NOTICE_ACTIONS = ["connection.partner_signed_up", "connection.accepted", "connection.left"] as const;

function day(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

/** The latest such events, newest first, as sentences; the caller's own actions say "you". */
export async function connectionNotices(db: Db, scope: OrgScope, connectionId: string, limit = 3): Promise<string[]> {
  const rows = await db
    .select({ action: auditLog.action, actorLabel: auditLog.actorLabel, actorUserId: auditLog.actorUserId, createdAt: auditLog.createdAt, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.orgId, scope.orgId), eq(auditLog.targetId, connectionId), inArray(auditLog.action, [...NOTICE_ACTIONS])))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return rows.map((row) => {
    // Entries written for a partner organisation carry no user, and the partner's name as label.
    const who = row.actorUserId ? "Your organisation" : row.actorLabel.replace(/ \(partner organisation\)$/, "");
    switch (row.action) {
      case "connection.partner_signed_up":
        return `${who} signed up with your invitation on ${day(row.createdAt)}; the connection is active once they accept.`;
      case "connection.accepted":
        return `${who} accepted the connection on ${day(row.createdAt)}: it is active.`;
      default:
        return `${who} left the connection on ${day(row.createdAt)}: nothing syncs any more; links and history stay readable.`;
    }
  });
}
