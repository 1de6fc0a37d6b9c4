// Changing passwords. Your own: only with the current one. Another user's: never set by an
// admin, only reset by the user through a one-time link the admin hands over. Either way the
// user's other sessions end and the API tokens they made are revoked, since whoever knew the old
// password may have made them.
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiTokens, organisations, passwordResets, sessions, users } from "../db/schema";
import { hashPassword, verifyPassword } from "../crypto/password";
import { randomToken, sha256Hex } from "../crypto/hash";
import { newId } from "../lib/ids";
import { addSeconds, nowIso } from "../lib/time";
import { ApiError, notFound } from "../api/error-codes";
import { ROLE_RANK, type Principal } from "../auth/principal";
import { signInSucceeded, takeSignInAttempt, throttledMessage, type SignInThrottle } from "../auth/sign-in-throttle";
import { auditEntry } from "./audit";
import { assertStrongPassword } from "./password-strength";
import { sendAccountEmail, type EmailChannel } from "./account-email";

/** Long enough to hand a link over by another channel; short enough that a lost one goes stale. */
export const RESET_LINK_SECONDS = 24 * 60 * 60;

type UserRow = typeof users.$inferSelect;

/** What a change ends: the user's other sessions and their live API tokens. */
function endAccess(db: Db, userId: string, keepSessionId: string | undefined) {
  const now = nowIso();
  return [
    db.delete(sessions).where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId)),
    db.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt))),
  ] as const;
}

async function liveTokenCount(db: Db, userId: string): Promise<number> {
  return (await db.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))).length;
}

export type PasswordChange = { tokensRevoked: number };

/**
 * Your own password, with the current one. A wrong current password counts as a failed sign-in
 * (the same throttle), so a stolen session cannot be used to guess it.
 */
export async function changeOwnPassword(
  deps: { db: Db; throttle: DurableObjectNamespace<SignInThrottle> },
  actor: Principal,
  input: { currentPassword: string; newPassword: string },
  ip?: string | null,
): Promise<PasswordChange> {
  const { db } = deps;
  const keys = { email: actor.userEmail, ip };
  const taken = await takeSignInAttempt(deps.throttle, keys);
  if ("retryAfter" in taken) throw new ApiError("rate_limited", throttledMessage(taken.retryAfter), undefined, { "Retry-After": String(taken.retryAfter) });
  const [user] = await db.select().from(users).where(and(eq(users.orgId, actor.orgId), eq(users.id, actor.userId))).limit(1);
  if (!user) throw notFound("User");
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    // Counted as a failure when it was taken; it stays counted.
    await auditEntry(db, actor, { action: "user.password_change_failed", targetType: "user", targetId: user.id }, ip).run();
    throw new ApiError("invalid_input", "Invalid input: currentPassword: is not your current password", { fields: [{ path: "currentPassword", message: "is not your current password" }] });
  }
  await signInSucceeded(taken.attempt);
  await assertStrongPassword(input.newPassword, [user.email, user.name, actor.orgName], "newPassword");
  const tokensRevoked = await liveTokenCount(db, user.id);
  await db.batch([
    db.update(users).set({ passwordHash: await hashPassword(input.newPassword), updatedAt: nowIso() }).where(eq(users.id, user.id)),
    ...endAccess(db, user.id, actor.sessionId),
    auditEntry(db, actor, { action: "user.password_changed", targetType: "user", targetId: user.id, details: { tokensRevoked } }, ip),
  ]);
  return { tokensRevoked };
}

/** Makes a one-time link for another user of the actor's organisation; the token is returned once. */
export async function createResetLink(db: Db, actor: Principal, userId: string, ip?: string | null): Promise<{ token: string; expiresAt: string; user: { id: string; email: string } }> {
  const [target] = await db.select().from(users).where(and(eq(users.orgId, actor.orgId), eq(users.id, userId))).limit(1);
  if (!target) throw notFound("User");
  if (ROLE_RANK[target.role] > ROLE_RANK[actor.role]) throw new ApiError("forbidden", "Only an owner can reset an owner's password.");
  if (target.id === actor.userId) throw new ApiError("conflict", "Change your own password with your current one, on your account page.");
  const token = randomToken();
  const now = nowIso();
  const expiresAt = addSeconds(now, RESET_LINK_SECONDS);
  await db.batch([
    // A new link replaces any earlier one that was not used.
    db.delete(passwordResets).where(and(eq(passwordResets.userId, target.id), isNull(passwordResets.usedAt))),
    db.insert(passwordResets).values({ id: newId("pwr"), orgId: actor.orgId, userId: target.id, tokenHash: await sha256Hex(token), createdBy: actor.userId, createdAt: now, expiresAt }),
    auditEntry(db, actor, { action: "user.password_reset_link_created", targetType: "user", targetId: target.id, details: { email: target.email, expiresAt } }, ip),
  ]);
  return { token, expiresAt, user: { id: target.id, email: target.email } };
}

/**
 * Emails a forgotten-password link to its user where the install sends email; the admin who made
 * it still sees it once, so it can be handed over where nothing is sent.
 */
export async function emailResetLink(db: Db, channel: EmailChannel | undefined, actor: Principal, link: { url: string; expiresAt: string; user: { id: string; email: string } }, ip?: string | null): Promise<boolean> {
  const sent = await sendAccountEmail(channel, {
    to: link.user.email,
    subject: `Set a new Lockstep password for ${actor.orgName}`,
    text: [
      `${actor.userName} (${actor.userEmail}) made a link for you to set a new Lockstep password: ${link.url}`,
      `It works once, until ${link.expiresAt.replace("T", " ").slice(0, 16)} UTC. Setting a password signs you out everywhere and revokes the API tokens you made. If you did not ask for it, tell ${actor.userEmail}.`,
    ].join("\n\n"),
  });
  if (sent) await auditEntry(db, actor, { action: "user.password_reset_link_emailed", targetType: "user", targetId: link.user.id, details: { email: link.user.email } }, ip).run();
  return sent;
}

/** The link's address on the host the admin is using (the same Worker serves the page). */
export function resetUrl(c: { req: { url: string } }, token: string): string {
  return `${new URL(c.req.url).origin}/reset-password/${token}`;
}

const linkInvalid = () => new ApiError("not_found", "This password link is not valid: it was used, replaced or has expired. Ask an admin for a new one.");

/** The user a live link is for, or a not-found error that does not say which of the reasons. */
export async function findResetLink(db: Db, token: string): Promise<{ resetId: string; user: UserRow; orgName: string }> {
  const [row] = await db
    .select({ reset: passwordResets, user: users, orgName: organisations.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .innerJoin(organisations, eq(organisations.id, passwordResets.orgId))
    .where(and(eq(passwordResets.tokenHash, await sha256Hex(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, nowIso())))
    .limit(1);
  if (!row) throw linkInvalid();
  return { resetId: row.reset.id, user: row.user, orgName: row.orgName };
}

/** Sets the password through a link, once: the link is spent before anything else is written. */
export async function resetPasswordWithLink(db: Db, token: string, newPassword: string, ip?: string | null): Promise<{ email: string } & PasswordChange> {
  const { resetId, user, orgName } = await findResetLink(db, token);
  await assertStrongPassword(newPassword, [user.email, user.name, orgName], "password");
  const passwordHash = await hashPassword(newPassword);
  // Two tabs posting the same link: only the one that marks it used goes on.
  const spent = await db
    .update(passwordResets)
    .set({ usedAt: nowIso() })
    .where(and(eq(passwordResets.id, resetId), isNull(passwordResets.usedAt)))
    .returning({ id: passwordResets.id });
  if (!spent.length) throw linkInvalid();
  const tokensRevoked = await liveTokenCount(db, user.id);
  await db.batch([
    db.update(users).set({ passwordHash, updatedAt: nowIso() }).where(eq(users.id, user.id)),
    ...endAccess(db, user.id, undefined),
    auditEntry(db, { orgId: user.orgId, userId: user.id, label: user.email }, { action: "user.password_reset", targetType: "user", targetId: user.id, details: { tokensRevoked } }, ip),
  ]);
  return { email: user.email, tokensRevoked };
}
