// Who is calling, and on behalf of which organisation. Every data access takes an OrgScope,
// which only comes from an authenticated principal, so a query cannot forget its tenant.
export type Role = "owner" | "admin" | "viewer";

export const ROLE_RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

export type OrgScope = { readonly orgId: string; readonly __scope: unique symbol };

export type Principal = {
  orgId: string;
  orgName: string;
  userId: string;
  userName: string;
  userEmail: string;
  role: Role;
  via: "session" | "token";
  sessionId?: string;
  csrfToken?: string;
  tokenId?: string;
};

export function scopeOf(principal: Pick<Principal, "orgId">): OrgScope {
  return { orgId: principal.orgId } as OrgScope;
}

export function hasRole(principal: Pick<Principal, "role">, needed: Role): boolean {
  return ROLE_RANK[principal.role] >= ROLE_RANK[needed];
}

/** Human label for audit entries. */
export function actorLabel(principal: Principal): string {
  return principal.via === "token" ? `${principal.userEmail} (API token)` : principal.userEmail;
}
