// Who an email and password sign in. One email may belong to users of several organisations
// (a person working with two of them), so adding a user never reveals that an address is used
// elsewhere; sign-in tries the password against each of that email's users.
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import { dummyPasswordHash, verifyPassword } from "../crypto/password";

type UserRow = typeof users.$inferSelect;

/** Users of one email tried at sign-in, oldest first: a bound on the hashes one attempt costs. */
export const MAX_USERS_PER_EMAIL = 10;

/**
 * The user whose password this is, or null. Every candidate costs one hash and an unknown email
 * costs one too, so a wrong password answers as slowly as an unknown email. Should one password
 * open two organisations' users, the oldest user wins: each user can change theirs to tell them apart.
 */
export async function userForSignIn(db: Db, email: string, password: string): Promise<UserRow | null> {
  const candidates = await db.select().from(users).where(eq(users.email, email)).orderBy(asc(users.createdAt), asc(users.id)).limit(MAX_USERS_PER_EMAIL);
  if (!candidates.length) {
    await verifyPassword(password, await dummyPasswordHash());
    return null;
  }
  let found: UserRow | null = null;
  for (const candidate of candidates) {
    if ((await verifyPassword(password, candidate.passwordHash)) && !found) found = candidate;
  }
  return found;
}
