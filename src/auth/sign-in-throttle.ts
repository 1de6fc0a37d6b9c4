// Sign-in throttling, shared by every isolate: one Durable Object per account (the email typed)
// and one per client address, each a sliding window of recent failures. An in-memory counter
// would not do (each isolate would count alone), and Cloudflare's Rate Limiting binding only
// has 10 s and 60 s periods, too short to slow a password guesser down.
import { DurableObject } from "cloudflare:workers";

export type ThrottleRule = { limit: number; windowMs: number };
export type ThrottleAnswer = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const FIFTEEN_MINUTES = 15 * 60_000;
/** Per account: a person mistyping gets five tries; a guesser gets twenty an hour. */
export const ACCOUNT_RULE: ThrottleRule = { limit: 5, windowMs: FIFTEEN_MINUTES };
/** Per address: higher, since one office (one NAT address) holds many people. */
export const ADDRESS_RULE: ThrottleRule = { limit: 20, windowMs: FIFTEEN_MINUTES };

export class SignInThrottle extends DurableObject<Env> {
  /** The failures table, made on first use: `deleteAll` (when a key goes idle) drops it too. */
  private table() {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS failures (at INTEGER NOT NULL)");
    return sql;
  }

  /** Whether another attempt may be tried now, and if not, for how long to wait. */
  async check(rule: ThrottleRule, now = Date.now()): Promise<ThrottleAnswer> {
    const sql = this.table();
    sql.exec("DELETE FROM failures WHERE at <= ?", now - rule.windowMs);
    const times = sql.exec<{ at: number }>("SELECT at FROM failures ORDER BY at").toArray().map((r) => r.at);
    if (times.length < rule.limit) return { allowed: true };
    // Allowed again once enough of the oldest failures have left the window.
    const freedAt = times[times.length - rule.limit]! + rule.windowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)) };
  }

  /**
   * Counts an attempt before its password is checked, if the window has room: the check and the
   * count are one step inside the object, so a burst of parallel guesses cannot all pass the check
   * before any is counted. Returns the attempt's id, for `forgive` when it succeeds.
   */
  async take(rule: ThrottleRule, now = Date.now()): Promise<ThrottleAnswer & { id?: number }> {
    const answer = await this.check(rule, now);
    if (!answer.allowed) return answer;
    const { id } = this.table().exec<{ id: number }>("INSERT INTO failures (at) VALUES (?) RETURNING rowid AS id", now).one();
    // Forget this key once its window has passed, so idle keys hold no storage.
    await this.ctx.storage.setAlarm(Date.now() + rule.windowMs);
    return { allowed: true, id };
  }

  /** An attempt that succeeded (or was never made) is not a failure. */
  async forgive(id: number): Promise<void> {
    this.table().exec("DELETE FROM failures WHERE rowid = ?", id);
  }

  async fail(rule: ThrottleRule, now = Date.now()): Promise<ThrottleAnswer> {
    const taken = await this.take(rule, now);
    return taken.allowed ? this.check(rule, now) : taken;
  }

  async clear(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/** Who is signing in: the email typed (known or not) and the client's address, if any. */
export type SignInKeys = { email: string; ip: string | null | undefined };

function throttles(ns: DurableObjectNamespace<SignInThrottle>, keys: SignInKeys) {
  const of = (name: string) => ns.get(ns.idFromName(name));
  const list: [DurableObjectStub<SignInThrottle>, ThrottleRule][] = [[of(`account:${keys.email.trim().toLowerCase()}`), ACCOUNT_RULE]];
  // Cloudflare always sets CF-Connecting-IP (and overwrites a client's); only local tools lack it.
  if (keys.ip) list.push([of(`address:${keys.ip}`), ADDRESS_RULE]);
  return list;
}

/** A sign-in attempt counted against each of its keys before the password is checked. */
export type SignInAttempt = { taken: [DurableObjectStub<SignInThrottle>, number][] };

/**
 * Counts an attempt against the account and the address, or answers how many seconds to wait.
 * Every attempt counts as a failure until `signInSucceeded` forgives it, so parallel guesses are
 * counted as they arrive, not after their (slow) password checks.
 */
export async function takeSignInAttempt(
  ns: DurableObjectNamespace<SignInThrottle>,
  keys: SignInKeys,
): Promise<{ retryAfter: number } | { attempt: SignInAttempt }> {
  const list = throttles(ns, keys);
  const answers = await Promise.all(list.map(([stub, rule]) => stub.take(rule)));
  const taken: [DurableObjectStub<SignInThrottle>, number][] = [];
  answers.forEach((answer, i) => {
    if (answer.allowed && answer.id !== undefined) taken.push([list[i]![0], answer.id]);
  });
  const waits = answers.flatMap((a) => (a.allowed ? [] : [a.retryAfterSeconds]));
  if (!waits.length) return { attempt: { taken } };
  // Refused by one key: the attempt is not made, so the others do not count it either.
  await Promise.all(taken.map(([stub, id]) => stub.forgive(id)));
  return { retryAfter: Math.max(...waits) };
}

/** A success forgets the account's failures, and this attempt at the address; the address's
 * other failures stand, so a guesser cannot reset them by signing in to an account of their own
 * between guesses. */
export async function signInSucceeded(attempt: SignInAttempt): Promise<void> {
  const [account, ...addresses] = attempt.taken;
  await Promise.all([account?.[0].clear(), ...addresses.map(([stub, id]) => stub.forgive(id))]);
}

/** The words shown with a 429: how long, in minutes a person can read. */
export function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * Sign-ups per client address: every attempt counts, made or refused, since each made one is a
 * new organisation; ten an hour lets an office sign up its partners and stops a script.
 */
export const SIGN_UP_RULE: ThrottleRule = { limit: 10, windowMs: 60 * 60_000 };

/** Counts a sign-up against its address, or answers how many seconds to wait. */
export async function takeSignUpAttempt(
  ns: DurableObjectNamespace<SignInThrottle>,
  ip: string | null | undefined,
): Promise<{ retryAfter: number } | { forgive: () => Promise<void> }> {
  // Cloudflare always sets CF-Connecting-IP; a request without one comes from local tools.
  if (!ip) return { forgive: async () => {} };
  const stub = ns.get(ns.idFromName(`signup-address:${ip}`));
  const answer = await stub.take(SIGN_UP_RULE);
  if (!answer.allowed) return { retryAfter: answer.retryAfterSeconds };
  return { forgive: () => stub.forgive(answer.id!) };
}
