// Team invitations: an owner or admin invites a teammate by email with a role; the invitee opens
// a one-time link, sets their own name and password, and is signed in. Nobody sets another
// person's password. Only the link token's SHA-256 is kept (like password links), the link works
// once, for INVITATION_SECONDS, and can be revoked until it is used.
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { invitations, organisations, users } from "../db/schema";
import { hashPassword } from "../crypto/password";
import { randomToken, sha256Hex } from "../crypto/hash";
import { newId } from "../lib/ids";
import { addSeconds, nowIso } from "../lib/time";
import { ApiError, notFound } from "../api/error-codes";
import { ROLE_RANK, type OrgScope, type Principal, type Role } from "../auth/principal";
import { auditEntry } from "./audit";
import { assertStrongPassword } from "./password-strength";
import { sendAccountEmail, type EmailChannel } from "./account-email";

export const INVITATION_SECONDS = 7 * 24 * 60 * 60;

type InvitationRow = typeof invitations.$inferSelect;

export type InvitationView = { id: string; email: string; role: Role; invitedBy: string; createdAt: string; expiresAt: string };

function view(row: InvitationRow, invitedBy: string): InvitationView {
  return { id: row.id, email: row.email, role: row.role, invitedBy, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

const live = (now: string) => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));

/**
 * A person belongs to one organisation: an address that is a user anywhere on the install cannot be
 * invited. Inside the inviter's organisation that is said plainly; elsewhere the answer does not
 * say where.
 */
async function assertEmailUnused(db: Db, orgId: string, email: string) {
  const rows = await db.select({ orgId: users.orgId }).from(users).where(eq(users.email, email)).limit(5);
  if (!rows.length) return;
  const here = rows.some((r) => r.orgId === orgId);
  const message = here ? "A user with this email is already in your organisation." : "This address already has a Lockstep account on this install, and a person belongs to one organisation. Invite another address.";
  throw new ApiError("conflict", message, { fields: [{ path: "email", message: here ? "is already a user here" : "already has an account on this install" }] });
}

const reserved = () => new ApiError("forbidden", "This address is reserved on this install and cannot be invited.", { fields: [{ path: "email", message: "is reserved on this install" }] });

/** An operator's address that the inviter, not an operator, could take over through the link. */
function reservedFor(email: string, inviterEmail: string | null, operatorEmails: readonly string[] = []): boolean {
  return operatorEmails.includes(email) && !(inviterEmail && operatorEmails.includes(inviterEmail));
}

export function invitationUrl(origin: string, token: string): string {
  return `${origin}/invite/${token}`;
}

export type NewInvitation = { token: string; invitation: InvitationView; emailed: boolean };

export async function createInvitation(
  db: Db,
  actor: Principal,
  input: { email: string; role: Role },
  options: { origin: string; email?: EmailChannel | undefined; ip?: string | null | undefined; operatorEmails?: readonly string[] },
): Promise<NewInvitation> {
  if (ROLE_RANK[input.role] > ROLE_RANK[actor.role]) throw new ApiError("forbidden", `Only an owner can invite someone as ${input.role === "owner" ? "an owner" : input.role}.`);
  // The inviter sees the link: inviting an operator's address would let them accept it and act
  // as the install's operator. Only an operator may invite one.
  if (reservedFor(input.email, actor.userEmail, options.operatorEmails)) throw reserved();
  await assertEmailUnused(db, actor.orgId, input.email);
  const token = randomToken();
  const now = nowIso();
  const row: InvitationRow = {
    id: newId("inv"),
    orgId: actor.orgId,
    email: input.email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    createdBy: actor.userId,
    createdAt: now,
    expiresAt: addSeconds(now, INVITATION_SECONDS),
    acceptedAt: null,
    acceptedUserId: null,
    revokedAt: null,
  };
  await db.batch([
    // A new invitation to the same address replaces a pending one: only the newest link works.
    db.update(invitations).set({ revokedAt: now }).where(and(eq(invitations.orgId, actor.orgId), eq(invitations.email, input.email), live(now))),
    db.insert(invitations).values(row),
    auditEntry(db, actor, { action: "invitation.created", targetType: "invitation", targetId: row.id, details: { email: row.email, role: row.role, expiresAt: row.expiresAt } }, options.ip),
  ]);
  const url = invitationUrl(options.origin, token);
  const emailed = await sendAccountEmail(options.email, {
    to: row.email,
    subject: `${actor.userName} invites you to ${actor.orgName} on Lockstep`,
    text: [
      `${actor.userName} (${actor.userEmail}) invites you to join ${actor.orgName} on Lockstep as ${row.role}.`,
      `Open this link to choose your name and password: ${url}`,
      `It works once, until ${row.expiresAt.replace("T", " ").slice(0, 16)} UTC. If you did not expect it, ignore this email.`,
    ].join("\n\n"),
  });
  if (emailed) await auditEntry(db, actor, { action: "invitation.emailed", targetType: "invitation", targetId: row.id, details: { email: row.email } }, options.ip).run();
  return { token, invitation: view(row, actor.userEmail), emailed };
}

/** Pending invitations: not used, not revoked, not expired; newest first. */
export async function listInvitations(db: Db, scope: OrgScope): Promise<InvitationView[]> {
  const rows = await db
    .select({ invitation: invitations, invitedBy: users.email })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.createdBy))
    .where(and(eq(invitations.orgId, scope.orgId), live(nowIso())))
    .orderBy(desc(invitations.createdAt))
    .limit(200);
  return rows.map((r) => view(r.invitation, r.invitedBy ?? "a former user"));
}

export async function revokeInvitation(db: Db, actor: Principal, id: string, ip?: string | null): Promise<void> {
  const now = nowIso();
  const [row] = await db.select().from(invitations).where(and(eq(invitations.orgId, actor.orgId), eq(invitations.id, id), live(now))).limit(1);
  if (!row) throw notFound("Pending invitation");
  if (ROLE_RANK[row.role] > ROLE_RANK[actor.role]) throw new ApiError("forbidden", "Only an owner can revoke an invitation to be an owner.");
  await db.batch([
    db.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, id)),
    auditEntry(db, actor, { action: "invitation.revoked", targetType: "invitation", targetId: id, details: { email: row.email, role: row.role } }, ip),
  ]);
}

const linkInvalid = () => new ApiError("not_found", "This invitation is not valid: it was used, revoked or has expired. Ask whoever invited you for a new one.");

export type OpenInvitation = { invitation: InvitationRow; orgName: string; invitedBy: string | null; invitedByEmail: string | null };

/** The invitation a live link is for, or a not-found error that does not say which reason. */
export async function findInvitation(db: Db, token: string): Promise<OpenInvitation> {
  const [row] = await db
    .select({ invitation: invitations, orgName: organisations.name, invitedBy: users.name, invitedByEmail: users.email })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.orgId))
    .leftJoin(users, eq(users.id, invitations.createdBy))
    .where(and(eq(invitations.tokenHash, await sha256Hex(token)), live(nowIso())))
    .limit(1);
  if (!row) throw linkInvalid();
  return row;
}

export type AcceptedInvitation = { user: typeof users.$inferSelect; orgName: string };

/**
 * Creates the invitee's user with the name and password they chose. The link is spent before the
 * user is written, so two tabs posting it cannot make two users.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  input: { name: string; password: string },
  options: { ip?: string | null | undefined; operatorEmails?: readonly string[] } = {},
): Promise<AcceptedInvitation> {
  const { invitation, orgName, invitedByEmail } = await findInvitation(db, token);
  // The address may have become an operator's since it was invited.
  if (reservedFor(invitation.email, invitedByEmail, options.operatorEmails)) throw reserved();
  await assertEmailUnused(db, invitation.orgId, invitation.email);
  await assertStrongPassword(input.password, [invitation.email, input.name, orgName], "password");
  const passwordHash = await hashPassword(input.password);
  const now = nowIso();
  const user = { id: newId("usr"), orgId: invitation.orgId, name: input.name, email: invitation.email, role: invitation.role, passwordHash, createdAt: now, updatedAt: now };
  const spent = await db
    .update(invitations)
    .set({ acceptedAt: now, acceptedUserId: user.id })
    .where(and(eq(invitations.id, invitation.id), live(now)))
    .returning({ id: invitations.id });
  if (!spent.length) throw linkInvalid();
  await db.batch([
    db.insert(users).values(user),
    auditEntry(
      db,
      { orgId: user.orgId, userId: user.id, label: user.email },
      { action: "invitation.accepted", targetType: "invitation", targetId: invitation.id, details: { userId: user.id, email: user.email, role: user.role } },
      options.ip,
    ),
  ]);
  return { user, orgName };
}
