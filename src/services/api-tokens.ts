// API tokens for /api/v1. Shown once at creation; only their SHA-256 is stored. A token acts for
// the user who created it, with the lower of the token's role and that user's current role, so
// demoting or deleting a user takes the rights away from their tokens too.
import { and, desc, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiTokens, organisations, users } from "../db/schema";
import { randomToken, sha256Hex } from "../crypto/hash";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import { pageOf, type Page, type PageRequest } from "../lib/pagination";
import { ROLE_RANK, scopeOf, type OrgScope, type Principal, type Role } from "../auth/principal";
import { ApiError, notFound } from "../api/error-codes";
import { auditEntry } from "./audit";

export const TOKEN_PREFIX = "lst_";

export type ApiTokenView = {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export async function mintToken(db: Db, input: { orgId: string; userId: string; name: string; role: Role }) {
  const token = `${TOKEN_PREFIX}${randomToken()}`;
  const id = newId("tok");
  const insert = db.insert(apiTokens).values({
    id,
    orgId: input.orgId,
    userId: input.userId,
    name: input.name,
    role: input.role,
    tokenHash: await sha256Hex(token),
    prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    createdAt: nowIso(),
  });
  return { id, token, insert };
}

export async function resolveToken(db: Db, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const [row] = await db
    .select({ token: apiTokens, user: users, orgName: organisations.name })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(organisations, eq(organisations.id, apiTokens.orgId))
    .where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (!row) return null;
  const now = nowIso();
  // Record use at most once a minute: enough to show "last used" without a write per call.
  if (!row.token.lastUsedAt || Date.parse(now) - Date.parse(row.token.lastUsedAt) > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
  }
  const role = ROLE_RANK[row.token.role] <= ROLE_RANK[row.user.role] ? row.token.role : row.user.role;
  return {
    orgId: row.token.orgId,
    orgName: row.orgName,
    userId: row.user.id,
    userName: row.user.name,
    userEmail: row.user.email,
    role,
    via: "token",
    tokenId: row.token.id,
  };
}

export async function listTokens(db: Db, scope: OrgScope, page: PageRequest): Promise<Page<ApiTokenView>> {
  const rows = await db
    .select({ token: apiTokens, createdBy: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.orgId, scope.orgId), page.cursor ? lt(apiTokens.id, page.cursor) : undefined))
    .orderBy(desc(apiTokens.id))
    .limit(page.limit + 1);
  return pageOf(
    rows.map((r) => ({ ...r, id: r.token.id })),
    page.limit,
    ({ token, createdBy }) => ({
      id: token.id,
      name: token.name,
      role: token.role,
      prefix: token.prefix,
      createdBy,
      createdAt: token.createdAt,
      lastUsedAt: token.lastUsedAt,
      revokedAt: token.revokedAt,
    }),
  );
}

export async function findToken(db: Db, scope: OrgScope, id: string) {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.orgId, scope.orgId), eq(apiTokens.id, id)))
    .limit(1);
  return row ?? null;
}

export function revokeTokenStatement(db: Db, scope: OrgScope, id: string) {
  return db
    .update(apiTokens)
    .set({ revokedAt: nowIso() })
    .where(and(eq(apiTokens.orgId, scope.orgId), eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
}

export async function createApiToken(
  db: Db,
  actor: Principal,
  input: { name: string; role: Role },
  ip?: string | null,
): Promise<ApiTokenView & { token: string }> {
  if (ROLE_RANK[input.role] > ROLE_RANK[actor.role]) {
    throw new ApiError("forbidden", "A token cannot have more rights than its creator.");
  }
  const minted = await mintToken(db, { orgId: actor.orgId, userId: actor.userId, name: input.name, role: input.role });
  await db.batch([
    minted.insert,
    auditEntry(db, actor, { action: "api_token.created", targetType: "api_token", targetId: minted.id, details: { name: input.name, role: input.role } }, ip),
  ]);
  const row = await findToken(db, scopeOf(actor), minted.id);
  return {
    id: minted.id,
    name: input.name,
    role: input.role,
    prefix: row!.prefix,
    createdBy: actor.userEmail,
    createdAt: row!.createdAt,
    lastUsedAt: null,
    revokedAt: null,
    token: minted.token,
  };
}

export async function revokeApiToken(db: Db, actor: Principal, id: string, ip?: string | null): Promise<void> {
  const scope = scopeOf(actor);
  const row = await findToken(db, scope, id);
  if (!row) throw notFound("API token");
  if (row.revokedAt) return;
  await db.batch([
    revokeTokenStatement(db, scope, id),
    auditEntry(db, actor, { action: "api_token.revoked", targetType: "api_token", targetId: id, details: { name: row.name } }, ip),
  ]);
}
