// What one invocation of a run may spend. Local dev (workerd, Miniflare) enforces none of the
// platform's per-invocation limits, so the engine counts its own use and checkpoints before it
// reaches them: a chunk that stops at the budget continues in the next alarm, wherever it runs.
// Limits: reliability-security-performance.md §1 (10,000 subrequests, 1,000 D1 queries, 30 s CPU
// by default, 15 min wall time for an alarm). A chunk stops at 80% of each, so the batch under
// way when the check passes still fits.
import type { FetchLike } from "../../connectors/http-client";

export type BudgetLimits = {
  /** Tickets handled per invocation, however cheap each was. */
  tickets: number;
  /** fetch() calls plus R2 operations (D1 is counted apart). */
  subrequests: number;
  d1Queries: number;
  /**
   * Wall time of the invocation. On Cloudflare the clock stands still while code computes (it
   * advances only across I/O, against timing attacks), so CPU time itself cannot be read from
   * inside; wall time, which includes it, bounds it from above.
   */
  wallMs: number;
};

export const DEFAULT_BUDGET: BudgetLimits = {
  tickets: 500,
  subrequests: 8_000,
  d1Queries: 800,
  wallMs: 10 * 60_000,
};

/** Before a chunk has handled a ticket: a ticket with comments, files and time on both sides. */
const GUESS_SUBREQUESTS_PER_TICKET = 12;
const GUESS_D1_PER_TICKET = 12;

export type BudgetUse = { tickets: number; subrequests: number; d1Queries: number; wallMs: number };

export class ChunkBudget {
  readonly use: BudgetUse = { tickets: 0, subrequests: 0, d1Queries: 0, wallMs: 0 };
  private readonly startedAt = Date.now();
  constructor(readonly limits: BudgetLimits = DEFAULT_BUDGET) {}

  /** Which limit is spent (past its share), or null while there is room for another batch. */
  exhausted(share = 1): keyof BudgetLimits | null {
    this.use.wallMs = Date.now() - this.startedAt;
    for (const key of ["tickets", "subrequests", "d1Queries", "wallMs"] as const) {
      if (this.use[key] >= this.limits[key] * share) return key;
    }
    return null;
  }

  /** Tickets still allowed in this invocation. */
  ticketsLeft(): number {
    return Math.max(0, this.limits.tickets - this.use.tickets);
  }

  private applyStart: BudgetUse | null = null;

  /**
   * Tickets the next batch may take: within the tickets left, and within what is left of the
   * subrequest and D1 shares at what a ticket has cost so far in this chunk (a cautious guess
   * before the first batch). At least one, so a chunk always moves on.
   */
  batchSize(max: number, share: number): number {
    this.applyStart ??= { ...this.use };
    const done = this.use.tickets - this.applyStart.tickets;
    const perTicket = (key: "subrequests" | "d1Queries", guess: number) => (done > 0 ? Math.max(1, (this.use[key] - this.applyStart![key]) / done) : guess);
    const room = (key: "subrequests" | "d1Queries", guess: number) => Math.floor((this.limits[key] * share - this.use[key]) / perTicket(key, guess));
    return Math.max(1, Math.min(max, this.ticketsLeft(), room("subrequests", GUESS_SUBREQUESTS_PER_TICKET), room("d1Queries", GUESS_D1_PER_TICKET)));
  }

  countFetch(fetch: FetchLike): FetchLike {
    return (input, init) => {
      this.use.subrequests++;
      return fetch(input, init);
    };
  }

  /** Counts every statement sent to D1; a batch is one query (as D1 bills it). */
  countD1(db: D1Database): D1Database {
    return countingD1(db, (n = 1) => (this.use.d1Queries += n));
  }

  countR2(bucket: R2Bucket): R2Bucket {
    const counted = new Set(["head", "get", "put", "delete", "list", "createMultipartUpload", "resumeMultipartUpload"]);
    return new Proxy(bucket, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        if (typeof prop === "string" && counted.has(prop)) {
          return (...args: unknown[]) => {
            this.use.subrequests++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  }
}

const INNER = Symbol("inner statement");
type Inner = D1PreparedStatement & { [INNER]?: D1PreparedStatement };

/** Runs a D1 call (of `statements` statements: a batch counts each) and answers with its result. */
export type D1Around = <T>(statements: number, call: () => Promise<T>) => Promise<T>;

/**
 * D1 with every statement, batch and exec passed through `around` (to count them, or time them).
 * D1's objects are native: a method must be called on the real object, and `batch` accepts only
 * real statements, so the proxies hand the real objects through (one level each, so observers nest).
 */
export function observeD1(db: D1Database, around: D1Around): D1Database {
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        if (prop === INNER) return target;
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        const fn = value as (...a: unknown[]) => unknown;
        if (prop === "bind") return (...args: unknown[]) => wrapStatement(fn.apply(target, args) as D1PreparedStatement);
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw") {
          return (...args: unknown[]) => around(1, () => fn.apply(target, args) as Promise<unknown>);
        }
        return fn.bind(target);
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (prop === "prepare") return (query: string) => wrapStatement(target.prepare(query));
      // A batch is one round trip but each of its statements counts against D1's limits.
      if (prop === "batch") return (statements: Inner[]) => around(statements.length, () => target.batch(statements.map((s) => s[INNER] ?? s)));
      if (prop === "exec") return (query: string) => around(1, () => target.exec(query));
      return fn.bind(target);
    },
  });
}

/** D1 that calls `count` with the statements of every call it makes. */
export function countingD1(db: D1Database, count: (statements?: number) => void): D1Database {
  return observeD1(db, (statements, call) => {
    count(statements);
    return call();
  });
}
