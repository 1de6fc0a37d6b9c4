// Sign-up: an organisation other than the first, made exactly as setup makes the first (owner,
// API token, audit entry). SIGNUP decides who may: `invite` (the default) only someone holding a
// pending connection's verification code, `open` anyone, `closed` no one.
//
// A person belongs to one organisation, so an address that already has an account on the install
// is refused (the answer says only that, never where), as is an operator's address: operators are
// known by their email, so whoever signed up with one would see and bill every organisation.
// The refusal comes after the sign-up throttle, so addresses cannot be tried quickly.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import type { AppConfig } from "../env";
import { organisations, users } from "../db/schema";
import { ApiError } from "../api/error-codes";
import { takeSignUpAttempt, type SignInThrottle } from "../auth/sign-in-throttle";
import { auditEntry } from "./audit";
import { claimInvitation, usableInvitation, type Invitation } from "./connection-invitations";
import { isSetUp, organisationWithOwner } from "./setup";

export type SignUpInput = {
  organisation: { name: string };
  owner: { name: string; email: string; password: string };
  code?: string | undefined;
};

export type SignUpDeps = { db: Db; throttle: DurableObjectNamespace<SignInThrottle>; mode: AppConfig["signup"]; operatorEmails: readonly string[] };

async function refuseUnavailableEmail(db: Db, email: string, operatorEmails: readonly string[]): Promise<void> {
  const address = email.trim().toLowerCase();
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, address)).limit(1);
  if (!user && !operatorEmails.includes(address)) return;
  throw new ApiError("conflict", "This address cannot sign up an organisation here: it already has an account on this install, or is reserved. Sign in if it is yours, or use another address.", {
    fields: [{ path: "owner.email", message: "cannot sign up here: sign in, or use another address" }],
  });
}

function closed(message: string) {
  return new ApiError("signup_closed", message);
}

/** Why this install refuses sign-ups before anything is read, or null when it takes them. */
export function signUpRefusal(mode: AppConfig["signup"], code: string | undefined): ApiError | null {
  if (mode === "closed") return closed("This Lockstep install does not take sign-ups. Ask whoever runs it for an account.");
  if (mode === "invite" && !code?.trim()) {
    return new ApiError("invitation_required", "This Lockstep install signs up only organisations invited to a connection: enter the verification code your partner gave you.");
  }
  return null;
}

export async function signUp(deps: SignUpDeps, input: SignUpInput, options: { withSession?: boolean; ip?: string | null | undefined } = {}) {
  const { db } = deps;
  const refusal = signUpRefusal(deps.mode, input.code);
  if (refusal) throw refusal;
  if (!(await isSetUp(db))) throw closed("Lockstep is not set up yet: the first organisation is created by first-run setup (/setup).");
  // Counted before the code is looked up, so codes cannot be guessed faster than sign-ins.
  const taken = await takeSignUpAttempt(deps.throttle, options.ip);
  if ("retryAfter" in taken) {
    const minutes = Math.ceil(taken.retryAfter / 60);
    throw new ApiError("rate_limited", `Too many sign-ups from your address. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, undefined, {
      "Retry-After": String(taken.retryAfter),
    });
  }
  await refuseUnavailableEmail(db, input.owner.email, deps.operatorEmails);
  const code = input.code?.trim() || undefined;
  const invitation: Invitation | null = code ? await usableInvitation(db, code, null) : null;
  let created: Awaited<ReturnType<typeof organisationWithOwner>>;
  try {
    created = await organisationWithOwner(db, input, { withSession: options.withSession ?? false, ip: options.ip ?? null });
  } catch (err) {
    // A password too easy to guess is the person's mistake, not an attempt at anything.
    await taken.forgive();
    throw err;
  }
  const actor = { orgId: created.organisation.id, userId: created.owner.id, label: created.owner.email };
  const results = await db.batch([
    ...created.statements,
    auditEntry(db, actor, { action: "organisation.signed_up", targetType: "organisation", targetId: actor.orgId, details: { invited: Boolean(invitation) } }, options.ip),
    ...(invitation ? [claimInvitation(db, invitation, actor.orgId)] : []),
  ]);
  if (invitation) {
    const claimed = results[created.statements.length + 1] as { id: string }[];
    if (!claimed.length) {
      // Another sign-up with the same code won the race: this organisation must not stay.
      await db.delete(organisations).where(eq(organisations.id, actor.orgId));
      throw new ApiError("invitation_invalid", "An organisation has already been created with this verification code. Sign in to it to accept, or ask for a new connection.");
    }
    // The inviting side learns its partner exists now, and is told again when it accepts.
    await auditEntry(
      db,
      { orgId: invitation.invitingOrgId, userId: null, label: `${created.organisation.name} (partner organisation)` },
      { action: "connection.partner_signed_up", targetType: "connection", targetId: invitation.connectionId, details: { organisation: created.organisation.name } },
      null,
    ).run();
  }
  const { statements: _, ...result } = created;
  return {
    ...result,
    invitation: invitation
      ? { connectionName: invitation.connectionName, invitedBy: invitation.invitedBy, partnerSide: invitation.partnerSide, expiresAt: invitation.expiresAt }
      : null,
  };
}
