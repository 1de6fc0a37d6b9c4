// Users of one organisation, and the rules that keep roles sane: nobody grants more than they
// hold, nobody touches a user above them, and an organisation always keeps an owner. Users are
// never made here with a password someone else chose: they join by invitation (invitations.ts).
import { and, asc, count, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client";
import { sessions, users } from "../db/schema";
import { nowIso } from "../lib/time";
import { pageOf, type Page, type PageRequest } from "../lib/pagination";
import { ApiError, notFound } from "../api/error-codes";
import { ROLE_RANK, scopeOf, type OrgScope, type Principal, type Role } from "../auth/principal";
import { auditEntry } from "./audit";
import type { UserView } from "../schemas/users";

type UserRow = typeof users.$inferSelect;

function view(row: UserRow): UserView {
  return { id: row.id, name: row.name, email: row.email, role: row.role, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export async function listUsers(db: Db, scope: OrgScope, page: PageRequest): Promise<Page<UserView>> {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.orgId, scope.orgId), page.cursor ? gt(users.id, page.cursor) : undefined))
    .orderBy(asc(users.id))
    .limit(page.limit + 1);
  return pageOf(rows, page.limit, view);
}

async function findUser(db: Db, scope: OrgScope, id: string): Promise<UserRow> {
  const [row] = await db.select().from(users).where(and(eq(users.orgId, scope.orgId), eq(users.id, id))).limit(1);
  if (!row) throw notFound("User");
  return row;
}

export async function getUser(db: Db, scope: OrgScope, id: string): Promise<UserView> {
  return view(await findUser(db, scope, id));
}

function assertMayGrant(actor: Principal, role: Role) {
  if (ROLE_RANK[role] > ROLE_RANK[actor.role]) {
    throw new ApiError("forbidden", `Only an owner can make someone ${role === "owner" ? "an owner" : role}.`);
  }
}

function assertMayManage(actor: Principal, target: UserRow) {
  if (ROLE_RANK[target.role] > ROLE_RANK[actor.role]) {
    throw new ApiError("forbidden", "Only an owner can change or remove an owner.");
  }
}

async function ownerCount(db: Db, orgId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(and(eq(users.orgId, orgId), eq(users.role, "owner")));
  return row?.n ?? 0;
}

export async function updateUser(
  db: Db,
  actor: Principal,
  id: string,
  input: { name?: string | undefined; role?: Role | undefined },
  ip?: string | null,
): Promise<UserView> {
  const target = await findUser(db, scopeOf(actor), id);
  assertMayManage(actor, target);
  if (input.role) assertMayGrant(actor, input.role);
  if (target.role === "owner" && input.role && input.role !== "owner" && (await ownerCount(db, actor.orgId)) <= 1) {
    throw new ApiError("conflict", "An organisation needs at least one owner: make someone else an owner first.");
  }
  const changes: Partial<UserRow> = { updatedAt: nowIso() };
  if (input.name !== undefined) changes.name = input.name;
  if (input.role !== undefined) changes.role = input.role;
  const statements = [
    db.update(users).set(changes).where(and(eq(users.orgId, actor.orgId), eq(users.id, id))),
    auditEntry(
      db,
      actor,
      {
        action: "user.updated",
        targetType: "user",
        targetId: id,
        details: { name: input.name, role: input.role },
      },
      ip,
    ),
  ] as const;
  // A lower role ends the user's sessions: old cookies lose their rights. (Passwords are never
  // set here: see services/passwords.ts.)
  if (input.role && ROLE_RANK[input.role] < ROLE_RANK[target.role]) {
    await db.batch([...statements, db.delete(sessions).where(eq(sessions.userId, id))]);
  } else {
    await db.batch(statements);
  }
  return view({ ...target, ...changes });
}

export async function deleteUser(db: Db, actor: Principal, id: string, ip?: string | null): Promise<void> {
  const target = await findUser(db, scopeOf(actor), id);
  assertMayManage(actor, target);
  if (target.id === actor.userId) throw new ApiError("conflict", "You cannot remove yourself; ask another admin.");
  if (target.role === "owner" && (await ownerCount(db, actor.orgId)) <= 1) {
    throw new ApiError("conflict", "An organisation needs at least one owner.");
  }
  await db.batch([
    db.delete(users).where(and(eq(users.orgId, actor.orgId), eq(users.id, id))),
    auditEntry(db, actor, { action: "user.deleted", targetType: "user", targetId: id, details: { email: target.email } }, ip),
  ]);
}
