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

  async fail(rule: ThrottleRule, now = Date.now()): Promise<ThrottleAnswer> {
    this.table().exec("INSERT INTO failures (at) VALUES (?)", now);
    // Forget this key once its window has passed, so idle keys hold no storage.
    await this.ctx.storage.setAlarm(Date.now() + rule.windowMs);
    return this.check(rule, now);
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

/** Seconds to wait before trying again, or null when an attempt may go ahead. */
export async function signInRetryAfter(ns: DurableObjectNamespace<SignInThrottle>, keys: SignInKeys): Promise<number | null> {
  const answers = await Promise.all(throttles(ns, keys).map(([stub, rule]) => stub.check(rule)));
  const waits = answers.flatMap((a) => (a.allowed ? [] : [a.retryAfterSeconds]));
  return waits.length ? Math.max(...waits) : null;
}

export async function recordSignInFailure(ns: DurableObjectNamespace<SignInThrottle>, keys: SignInKeys): Promise<void> {
  await Promise.all(throttles(ns, keys).map(([stub, rule]) => stub.fail(rule)));
}

/** A success forgets the account's failures only: the address's count stands, so a guesser
 * cannot reset it by signing in to an account of their own between guesses. */
export async function recordSignInSuccess(ns: DurableObjectNamespace<SignInThrottle>, keys: SignInKeys): Promise<void> {
  const [account] = throttles(ns, keys);
  await account![0].clear();
}

/** The words shown with a 429: how long, in minutes a person can read. */
export function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
