// Page sessions live in D1. The cookie holds a random token; the row is keyed by its SHA-256.
// A session ends at whichever comes first: IDLE_SECONDS without a request, ABSOLUTE_SECONDS
// after sign-in, or sign-out.
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client";
import { organisations, sessions, users } from "../db/schema";
import { randomToken, sha256Hex } from "../crypto/hash";
import { addSeconds, nowIso } from "../lib/time";
import type { Principal } from "../auth/principal";

export const IDLE_SECONDS = 12 * 60 * 60;
export const ABSOLUTE_SECONDS = 7 * 24 * 60 * 60;
/** Sliding the expiry costs a write; do it at most this often per session. */
const TOUCH_AFTER_SECONDS = 5 * 60;

export async function createSession(db: Db, user: { id: string; orgId: string }) {
  const token = randomToken();
  const now = nowIso();
  const insert = db.insert(sessions).values({
    id: await sha256Hex(token),
    userId: user.id,
    orgId: user.orgId,
    csrfToken: randomToken(),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: addSeconds(now, IDLE_SECONDS),
  });
  return { token, insert };
}

export async function resolveSession(db: Db, token: string): Promise<Principal | null> {
  const id = await sha256Hex(token);
  const now = nowIso();
  const [row] = await db
    .select({ session: sessions, user: users, orgName: organisations.name })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organisations, eq(organisations.id, sessions.orgId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
    .limit(1);
  if (!row) return null;
  const absoluteEnd = addSeconds(row.session.createdAt, ABSOLUTE_SECONDS);
  if (absoluteEnd <= now) return null;
  if (Date.parse(now) - Date.parse(row.session.lastSeenAt) > TOUCH_AFTER_SECONDS * 1000) {
    const idleEnd = addSeconds(now, IDLE_SECONDS);
    await db
      .update(sessions)
      .set({ lastSeenAt: now, expiresAt: idleEnd < absoluteEnd ? idleEnd : absoluteEnd })
      .where(eq(sessions.id, id));
  }
  return {
    orgId: row.user.orgId,
    orgName: row.orgName,
    userId: row.user.id,
    userName: row.user.name,
    userEmail: row.user.email,
    role: row.user.role,
    via: "session",
    sessionId: id,
    csrfToken: row.session.csrfToken,
  };
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}
