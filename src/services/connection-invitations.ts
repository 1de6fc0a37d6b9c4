// What a connection's verification code tells its holder before anyone accepts it: which
// organisation invites, to which connection, until when. Sign-up and the /accept page read it for
// people who are nobody's users yet, so it says only what the code's holder was meant to learn.
import { and, eq, isNull, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections, connectionSides, organisations, platformAccounts } from "../db/schema";
import { sha256Hex } from "../crypto/hash";
import { nowIso } from "../lib/time";
import { ApiError } from "../api/error-codes";

type Side = "source" | "target";

export type Invitation = {
  connectionId: string;
  connectionName: string;
  /** The inviting organisation's name. */
  invitedBy: string;
  invitingOrgId: string;
  /** The side the partner will hold: its tickets are the source or the target of the sync. */
  partnerSide: Side;
  /** The inviting side's platform (e.g. `servicenow`), so the partner knows what it pairs with. */
  invitingPlatform: string | null;
  expiresAt: string;
  expired: boolean;
  /** The organisation that signed up with this code, if one did. */
  claimedByOrgId: string | null;
};

/** The form that is hashed: upper case, no separators, the letters people confuse with digits mapped. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
}

export async function codeHash(code: string): Promise<string> {
  return sha256Hex(normaliseCode(code));
}

/** The pending connection this code invites to, expired or not; null when there is none. */
export async function findInvitation(db: Db, code: string): Promise<Invitation | null> {
  if (!normaliseCode(code)) return null;
  const [row] = await db
    .select({ connection: connections, invitedBy: organisations.name })
    .from(connections)
    .innerJoin(organisations, eq(organisations.id, connections.createdByOrgId))
    .where(and(eq(connections.invitationCodeHash, await codeHash(code)), eq(connections.status, "pending")))
    .limit(1);
  if (!row) return null;
  const sides = await db
    .select({ side: connectionSides.side, orgId: connectionSides.orgId, platform: platformAccounts.platform })
    .from(connectionSides)
    .leftJoin(platformAccounts, eq(platformAccounts.id, connectionSides.platformAccountId))
    .where(eq(connectionSides.connectionId, row.connection.id));
  const open = sides.find((s) => s.orgId === null);
  const inviting = sides.find((s) => s.orgId === row.connection.createdByOrgId);
  const expiresAt = row.connection.invitationExpiresAt ?? "";
  return {
    connectionId: row.connection.id,
    connectionName: row.connection.name,
    invitedBy: row.invitedBy,
    invitingOrgId: row.connection.createdByOrgId,
    partnerSide: open?.side ?? "target",
    invitingPlatform: inviting?.platform ?? null,
    expiresAt,
    expired: !expiresAt || expiresAt <= nowIso(),
    claimedByOrgId: row.connection.invitationClaimedByOrgId,
  };
}

/**
 * The invitation, if `orgId` (or, when null, a new organisation) may still use it: refused with
 * `invitation_invalid` when no pending connection has the code or another organisation signed up
 * with it, and with `invitation_expired` when its seven days are over.
 */
export async function usableInvitation(db: Db, code: string, orgId: string | null): Promise<Invitation> {
  const invitation = await findInvitation(db, code);
  if (!invitation) throw new ApiError("invitation_invalid", "No pending connection has this verification code. Check the code with the organisation that invited you.");
  if (invitation.claimedByOrgId && invitation.claimedByOrgId !== orgId) {
    throw new ApiError("invitation_invalid", "An organisation has already been created with this verification code. Sign in to it to accept, or ask for a new connection.");
  }
  if (invitation.expired) {
    throw new ApiError("invitation_expired", `This verification code expired on ${invitation.expiresAt}. Ask ${invitation.invitedBy} to create the connection again for a new code.`, {
      expiresAt: invitation.expiresAt,
    });
  }
  return invitation;
}

/**
 * Reserves the invitation for the organisation just created with it, unless another got there
 * first: the statement returns the connection's id only when the reservation took.
 */
export function claimInvitation(db: Db, invitation: Invitation, orgId: string) {
  return db
    .update(connections)
    .set({ invitationClaimedByOrgId: orgId })
    .where(
      and(
        eq(connections.id, invitation.connectionId),
        eq(connections.status, "pending"),
        or(isNull(connections.invitationClaimedByOrgId), eq(connections.invitationClaimedByOrgId, orgId)),
      ),
    )
    .returning({ id: connections.id });
}
