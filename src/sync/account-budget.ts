// One Durable Object per platform account: the account's request budget, shared by every
// connection that uses the account, whichever organisation's. It keeps a sliding window of the
// calls reserved (in sixtieths of the platform's window) and the runs holding a thread, so two
// connections on one Autotask database together stay under its 10,000 calls an hour and its
// three threads. A lease lapses on its own, so a run that dies never holds a thread for long.
import { DurableObject } from "cloudflare:workers";
import type { Pacer, RateLimit, Reservation } from "./engine/pacing";

/** A thread is held this long after the last reservation unless released sooner. */
const LEASE_MS = 2 * 60_000;

export type ReserveAnswer = { granted: true } | { granted: false; waitMs: number };

export class AccountRateBudget extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS calls (slot INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS holders (holder TEXT PRIMARY KEY, until INTEGER NOT NULL)");
  }

  async reserve(holder: string, limit: RateLimit, calls: number, now = Date.now()): Promise<ReserveAnswer> {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM holders WHERE until <= ?", now);
    const holding = sql.exec("SELECT 1 FROM holders WHERE holder = ?", holder).toArray().length > 0;
    if (!holding) {
      const others = sql.exec<{ until: number }>("SELECT until FROM holders ORDER BY until").toArray();
      if (others.length >= limit.concurrency) return { granted: false, waitMs: Math.max(1_000, others[0]!.until - now) };
    }
    const slotMs = (limit.perSeconds * 1000) / 60;
    const current = Math.floor(now / slotMs);
    sql.exec("DELETE FROM calls WHERE slot <= ?", current - 60);
    // A batch never asks for more than a whole window holds.
    const wanted = Math.min(calls, limit.requests);
    const slots = sql.exec<{ slot: number; n: number }>("SELECT slot, n FROM calls ORDER BY slot").toArray();
    let used = slots.reduce((sum, s) => sum + s.n, 0);
    if (used + wanted > limit.requests) {
      // Wait until enough of the oldest slots have left the window.
      for (const s of slots) {
        used -= s.n;
        if (used + wanted <= limit.requests) return { granted: false, waitMs: Math.max(1_000, Math.ceil((s.slot + 61) * slotMs - now)) };
      }
    }
    sql.exec("INSERT INTO calls (slot, n) VALUES (?, ?) ON CONFLICT (slot) DO UPDATE SET n = n + excluded.n", current, wanted);
    sql.exec("INSERT INTO holders (holder, until) VALUES (?, ?) ON CONFLICT (holder) DO UPDATE SET until = excluded.until", holder, now + LEASE_MS);
    return { granted: true };
  }

  async release(holder: string): Promise<void> {
    this.ctx.storage.sql.exec("DELETE FROM holders WHERE holder = ?", holder);
  }

  /** Calls reserved in the window now, for the dashboard's "API budget used". */
  async used(limit: RateLimit, now = Date.now()): Promise<number> {
    const slotMs = (limit.perSeconds * 1000) / 60;
    return this.ctx.storage.sql.exec<{ n: number | null }>("SELECT sum(n) AS n FROM calls WHERE slot > ?", Math.floor(now / slotMs) - 60).one().n ?? 0;
  }
}

/** The engine's pacer over these objects; platforms without a published budget are not paced
 * (their 429s and Retry-After pause the run instead). */
export function accountPacer(env: Env): Pacer {
  const stub = (accountId: string) => env.ACCOUNT_BUDGET.get(env.ACCOUNT_BUDGET.idFromName(accountId));
  return {
    async reserve(r: Reservation) {
      if (!r.rateLimit.enforced) return { granted: true };
      return stub(r.accountId).reserve(r.holder, r.rateLimit, r.calls);
    },
    async release(r) {
      if (!r.rateLimit.enforced) return;
      await stub(r.accountId).release(r.holder);
    },
  };
}
