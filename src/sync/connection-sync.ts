// One Durable Object per connection, named `${orgId}:${connectionId}`: the only caller of the
// sync engine, so runs of one connection never overlap. A run asked for is recorded as `queued`
// and started by the object's alarm; requests arriving while one waits join it (coalesced), and
// requests arriving during a run queue exactly one follow-up. So at most one run is under way and
// one waits, however many calls arrive. A run asked for by webhooks also waits a short gap after
// the previous run ended, so a flood of calls (even paced to the runs) makes one run per gap, not
// one per call; their hinted tickets are merged into it, up to a cap. A run goes in chunks, one alarm
// each, checkpointed in this object's storage, so a run cut off by its budget, an eviction or a
// deploy goes on from its last checkpoint. Manual runs are rate-limited here, where the check and
// the record cannot race. The cron is only the watchdog: each object keeps its own schedule.
import { DurableObject } from "cloudflare:workers";
import type { RunScope } from "../schemas/run-scope";
import { and, eq, inArray, lt } from "drizzle-orm";
import { createDb } from "../db/client";
import { connections, syncRuns } from "../db/schema";
import { alertEmailBinding, loadConfig } from "../env";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import { outboundFetch } from "../connectors/outbound-fetch";
import { accountPacer } from "./account-budget";
import { nextAlertState, sendAlert, type AlertState } from "./alerts";
import { ChunkBudget, countingD1, DEFAULT_BUDGET, type BudgetLimits } from "./engine/budget";
import { beginRun, runChunk, runSync, type EngineDeps, type PlanSummary, type RunRequest, type RunResult, type TicketHint } from "./engine/run-sync";
import { DurableWorkStore } from "./durable-work-store";

export type RunAsk = Omit<RunRequest, "runId"> & { connectionId: string };
export type RunAnswer =
  | { kind: "queued"; runId: string }
  | { kind: "planned"; runId: string; status: string; plan: PlanSummary[]; scope: RunScope | null }
  | { kind: "cooldown"; retryAfterSeconds: number; nextAllowedAt: string }
  | { kind: "paused" };

/** What the pages and the API show of a run under way. */
export type RunProgress = { runId: string; phase: string; done: number; total: number; chunks: number; nextAlarmAt: string | null } | null;

const PENDING_KEY = "pending";
const ALERT_KEY = "alerts";
const ATTEMPT_KEY = "attempt";
export const BUDGET_KEY = "budget";
/** When the last run ended (epoch ms): webhook runs wait WEBHOOK_GAP_MS after it. */
export const LAST_RUN_END_KEY = "lastRunEnd";
/** A per-connection override of WEBHOOK_GAP_MS (an operator's, or a benchmark's that times the
 * path rather than the gap). */
export const WEBHOOK_GAP_KEY = "webhookGap";

/** A webhook run starts no sooner than this after the previous run ended: a platform's burst of
 * calls (a bulk edit, or a flood with a leaked URL) is one run per gap, not one per call. */
export const WEBHOOK_GAP_MS = 10_000;
/** Hinted tickets kept for the waiting run. Past this, it is a quick run without hints: it finds
 * the changes through the change cursor, and the waiting run's storage stays small. */
export const MAX_HINTS = 200;
/** And their ids' total length: an id is the platform's (or a URL-secret caller's) text, and the
 * waiting run is one storage value (128 KiB at most). */
const MAX_HINT_CHARS = 16_384;

/** Backoff for runs that failed for a passing reason: capped, jittered, never before Retry-After. */
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;
/** A run row still queued or running this long after it started, with nothing here to carry it
 * on, was lost (its object's storage was reset): the watchdog closes it as failed. */
export const ORPHAN_AFTER_MS = 30 * 60_000;

export function retryDelayMs(attempt: number, retryAfterSeconds: number | null, random = Math.random): number {
  const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt) * (0.5 + random() * 0.5);
  return Math.max((retryAfterSeconds ?? 0) * 1000, backoff);
}

/** `hintsDropped`: more was named than the hints' caps allow, so the run reads changes only. */
type Pending = RunRequest & { runId: string; attempt?: number; hintsDropped?: boolean };

export class ConnectionSync extends DurableObject<Env> {
  /** The chunk this instance is carrying out, if any. */
  private current: Promise<unknown> | null = null;
  private readonly store: DurableWorkStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new DurableWorkStore(ctx.storage);
  }

  /** D1 queries and subrequests this instance has made, for benchmarks and diagnosis. */
  private readonly used = { d1Queries: 0, subrequests: 0 };
  private d1(): D1Database {
    return countingD1(this.env.DB, (n = 1) => (this.used.d1Queries += n));
  }
  private database() {
    return createDb(this.d1());
  }

  private deps(budget?: ChunkBudget): EngineDeps {
    const config = loadConfig(this.env);
    const outbound = outboundFetch();
    const fetch: typeof outbound = (input, init) => {
      this.used.subrequests++;
      return outbound(input, init);
    };
    return {
      db: createDb(budget ? budget.countD1(this.d1()) : this.d1()),
      encryptionKey: config.encryptionKey,
      allowLoopbackHttp: config.appEnv === "development",
      fetch: budget ? budget.countFetch(fetch) : fetch,
      attachments: budget ? budget.countR2(this.env.ATTACHMENTS) : this.env.ATTACHMENTS,
      pacer: accountPacer(this.env),
    };
  }

  /** The install's chunk budget, with any per-connection override kept in this object's storage
   * under BUDGET_KEY (an operator lowers it for a platform whose calls are slow; tests use it to
   * force small chunks). */
  private async budgetLimits(): Promise<BudgetLimits> {
    const override = (await this.ctx.storage.get<Partial<BudgetLimits>>(BUDGET_KEY)) ?? {};
    return { ...DEFAULT_BUDGET, tickets: loadConfig(this.env).chunkTickets, ...override };
  }

  /** Requests are taken one after another: D1 calls are awaited I/O, so without this two
   * simultaneous triggers could both find no run waiting and queue two. */
  private intake: Promise<unknown> = Promise.resolve();

  async requestRun(ask: RunAsk): Promise<RunAnswer> {
    const answer = this.intake.then(() => this.takeRequest(ask));
    this.intake = answer.catch(() => undefined);
    return answer;
  }

  private async takeRequest(ask: RunAsk): Promise<RunAnswer> {
    const db = this.database();
    // Automatic and webhook runs skip this read: the cron wakes only active connections, and the
    // run itself (reading the connection once) ends quietly if it was paused since.
    if (ask.trigger === "manual" || ask.dryRun) {
      const [row] = await db
        .select({ status: connections.status, cooldown: connections.manualCooldownSeconds, last: connections.lastManualRunAt })
        .from(connections)
        .where(eq(connections.id, ask.connectionId));
      // While paused nothing runs (a dry run writes nothing, so it may still show its plan).
      if (row?.status === "paused" && !ask.dryRun) return { kind: "paused" };
      if (ask.trigger === "manual" && !ask.dryRun) {
        if (row?.last) {
          const nextAllowed = Date.parse(row.last) + row.cooldown * 1000;
          if (nextAllowed > Date.now()) {
            return { kind: "cooldown", retryAfterSeconds: Math.ceil((nextAllowed - Date.now()) / 1000), nextAllowedAt: new Date(nextAllowed).toISOString() };
          }
        }
        await db.update(connections).set({ lastManualRunAt: nowIso() }).where(eq(connections.id, ask.connectionId));
      }
    }
    if (ask.dryRun) {
      // A dry run writes nothing to either platform, so it runs at once and answers with its plan.
      const result = await runSync(this.deps(), ask);
      return { kind: "planned", runId: result.runId, status: result.status, plan: result.plan ?? [], scope: result.scope ?? null };
    }
    // A run already waiting (or a retry waiting out its backoff) takes this request along.
    const pending = await this.ctx.storage.get<Pending>(PENDING_KEY);
    if (pending) {
      let joined = ask.hints?.length && !pending.hintsDropped ? withHints(pending, ask.hints) : pending;
      // The run waiting does what each asker asked: a full resync covers a quick one, and the
      // earliest start asked for covers the later ones.
      const mode = ask.mode === "full" ? "full" : joined.mode;
      const since = ask.since !== undefined && (joined.since === undefined || ask.since < joined.since) ? ask.since : joined.since;
      const widened = mode !== joined.mode || since !== joined.since;
      if (widened) joined = { ...joined, mode, since };
      // The asker is told the waiting run's id, so it must lead somewhere: a cron run waiting
      // without a row (it would get one only on finding work) is recorded now.
      if (shownTo(ask) && !recordedAtIntake(joined)) {
        await db.insert(syncRuns).values(queuedRow(joined)).onConflictDoNothing();
        joined = { ...joined, recorded: true };
      } else if (widened && recordedAtIntake(joined)) {
        await db.update(syncRuns).set({ mode: joined.mode, since: joined.since ?? null }).where(eq(syncRuns.id, joined.runId));
      }
      if (joined !== pending) await this.ctx.storage.put(PENDING_KEY, joined);
      return { kind: "queued", runId: pending.runId };
    }
    const runId = newId("run");
    const { hints, ...request } = ask;
    // A run whose id is handed out (manual, webhook) shows as queued at once, and stays in the
    // history whatever it finds; a cron run gets its row when it finds work.
    const waiting = withHints({ ...request, runId, ...(shownTo(ask) ? { recorded: true } : {}) }, hints ?? []);
    if (waiting.recorded) await db.insert(syncRuns).values(queuedRow(waiting));
    await this.ctx.storage.put(PENDING_KEY, waiting);
    // A run under way keeps its own schedule (it may be waiting out a Retry-After); this one
    // starts when it is over.
    if (!(await this.store.loadState())) await this.ctx.storage.setAlarm(await this.dueAt(waiting));
    else await this.rearmIfLost();
    return { kind: "queued", runId };
  }

  /** When a waiting run may start: at once, or for a webhook run the gap after the last run. */
  private async dueAt(pending: Pending): Promise<number> {
    if (pending.trigger !== "webhook") return Date.now();
    const lastEnd = (await this.ctx.storage.get<number>(LAST_RUN_END_KEY)) ?? 0;
    const gap = (await this.ctx.storage.get<number>(WEBHOOK_GAP_KEY)) ?? WEBHOOK_GAP_MS;
    return Math.max(Date.now(), lastEnd + gap);
  }

  override async alarm(): Promise<void> {
    const run = this.step();
    this.current = run;
    try {
      await run;
    } finally {
      this.current = null;
    }
  }

  /** One chunk of the run under way, or the start of the one waiting. */
  private async step(): Promise<void> {
    let state = await this.store.loadState();
    if (!state) {
      const pending = await this.ctx.storage.get<Pending>(PENDING_KEY);
      if (!pending) return;
      // An alarm before the run is due (set for an earlier run, or the watchdog's) waits for it.
      const due = await this.dueAt(pending);
      if (due > Date.now()) {
        await this.ctx.storage.setAlarm(due);
        return;
      }
      // Taken first: a request arriving during this run queues the next one instead of joining it.
      await this.ctx.storage.delete(PENDING_KEY);
      await this.ctx.storage.put(ATTEMPT_KEY, pending.attempt ?? 0);
      const { attempt: _, hintsDropped: __, ...request } = pending;
      state = await beginRun(this.deps(), request, this.store);
    }
    const budget = new ChunkBudget(await this.budgetLimits());
    const outcome = await runChunk(this.deps(budget), this.store, budget);
    if (outcome.kind === "more") {
      await this.ctx.storage.setAlarm(Date.now() + outcome.delayMs);
      return;
    }
    const result = outcome.result;
    await this.ctx.storage.put(LAST_RUN_END_KEY, Date.now());
    await this.afterRun(state.request.connectionId, result);
    const attempt = ((await this.ctx.storage.get<number>(ATTEMPT_KEY)) ?? 0) + 1;
    const waiting = await this.ctx.storage.get<Pending>(PENDING_KEY);
    if (result.retry && attempt < MAX_ATTEMPTS && !waiting) {
      await this.queueRetry(state.request, attempt, retryDelayMs(attempt, result.retry.afterSeconds));
    } else if (waiting) {
      // The follow-up asked for during the run. After a passing failure it still waits out the
      // platform's Retry-After; a webhook run, the gap.
      await this.ctx.storage.setAlarm(Math.max(Date.now() + (result.retry ? retryDelayMs(attempt, result.retry.afterSeconds) : 0), await this.dueAt(waiting)));
    }
  }

  /** Counts failures in a row and tells the admins once when it is time (and once on recovery). */
  private async afterRun(connectionId: string, result: RunResult) {
    const errorCode = result.error?.code ?? null;
    const state = (await this.ctx.storage.get<AlertState>(ALERT_KEY)) ?? { failuresInRow: 0, alerted: false };
    const next = nextAlertState(state, result.status, errorCode);
    await this.ctx.storage.put(ALERT_KEY, next.state);
    if (next.send) {
      const deps = this.deps();
      const config = loadConfig(this.env);
      const email = alertEmailBinding(this.env);
      await sendAlert(
        deps.db,
        {
          fetch: deps.fetch,
          allowLoopbackHttp: deps.allowLoopbackHttp,
          email: email && config.alertEmailFrom ? { binding: email, from: config.alertEmailFrom } : undefined,
        },
        { kind: next.send, connectionId, failuresInRow: next.state.failuresInRow || state.failuresInRow, reason: errorCode, at: nowIso() },
      );
    }
  }

  /** Records the retry as a queued run now, so the pages show it, and wakes up when it is due. */
  private async queueRetry(previous: RunRequest, attempt: number, delayMs: number) {
    const runId = newId("run");
    await this.database().insert(syncRuns).values({
      id: runId,
      connectionId: previous.connectionId,
      mode: previous.mode,
      trigger: "retry",
      status: "queued",
      since: previous.since ?? null,
      requestedBy: previous.requestedBy ?? null,
      startedAt: nowIso(),
    });
    const { runId: _, ...request } = previous;
    await this.ctx.storage.put(PENDING_KEY, { ...request, trigger: "retry", runId, attempt } satisfies Pending);
    await this.ctx.storage.setAlarm(Date.now() + delayMs);
  }

  /**
   * The cron's watchdog call. Alarms are durable and retried by the platform, but a run whose
   * alarm was lost (retries exhausted, storage restored) would wait forever: re-arm it. Run rows
   * left queued or running with nothing here to carry them on are closed as failed.
   */
  async wake(connectionId: string): Promise<"idle" | "scheduled" | "rearmed"> {
    const busy = (await this.store.loadState()) !== null || (await this.ctx.storage.get(PENDING_KEY)) !== undefined;
    if (!busy) {
      await this.database()
        .update(syncRuns)
        .set({ status: "failed", phase: null, errorCode: "internal_error", errorMessage: "The run was interrupted and could not be resumed; the next run picks up its changes.", finishedAt: nowIso() })
        .where(and(eq(syncRuns.connectionId, connectionId), inArray(syncRuns.status, ["queued", "running"]), lt(syncRuns.startedAt, new Date(Date.now() - ORPHAN_AFTER_MS).toISOString())));
      return "idle";
    }
    return (await this.rearmIfLost()) ? "rearmed" : "scheduled";
  }

  /** Work waiting here with no alarm to carry it on (and no chunk running): arm one now. */
  private async rearmIfLost(): Promise<boolean> {
    if (this.current || (await this.ctx.storage.getAlarm()) !== null) return false;
    await this.ctx.storage.setAlarm(Date.now());
    return true;
  }

  /** The run under way, for progress bars. */
  async progress(): Promise<RunProgress> {
    const state = await this.store.loadState();
    if (!state) return null;
    const alarm = await this.ctx.storage.getAlarm();
    return { runId: state.request.runId, phase: state.phase, done: state.done, total: state.total, chunks: state.chunks, nextAlarmAt: alarm ? new Date(alarm).toISOString() : null };
  }

  /** What this instance has used since it started (an eviction starts the count again). */
  async usage(): Promise<{ d1Queries: number; subrequests: number }> {
    return { ...this.used };
  }

  /** Resolves once the chunk under way (if any) has finished: for tests and graceful waits. */
  async drain(): Promise<void> {
    await this.current;
  }
}

/** Hints are kept once each, however many webhooks named the ticket; past MAX_HINTS none are
 * kept (and none taken after), and the run finds the changes through the change cursor. */
function withHints(pending: Pending, hints: TicketHint[]): Pending {
  const byKey = new Map([...(pending.hints ?? []), ...hints].map((h) => [`${h.side}:${h.ticketId}`, h]));
  const chars = [...byKey.values()].reduce((sum, h) => sum + h.ticketId.length, 0);
  if (byKey.size > MAX_HINTS || chars > MAX_HINT_CHARS) {
    const { hints: _, ...rest } = pending;
    return { ...rest, hintsDropped: true };
  }
  return byKey.size ? { ...pending, hints: [...byKey.values()] } : pending;
}

/** Whether the asker is told the run's id (an API answer, a page, a webhook's 202): the cron is not. */
const shownTo = (ask: RunAsk) => ask.trigger !== "automatic";
const recordedAtIntake = (pending: Pending) => pending.recorded === true || pending.trigger === "retry";

function queuedRow(pending: Pending) {
  return {
    id: pending.runId,
    connectionId: pending.connectionId,
    mode: pending.mode,
    trigger: pending.trigger,
    status: "queued" as const,
    since: pending.since ?? null,
    requestedBy: pending.requestedBy ?? null,
    startedAt: nowIso(),
  };
}

/** Named by the creating organisation and the connection, so both partners reach the same object. */
export function connectionSyncStub(env: Env, createdByOrgId: string, connectionId: string) {
  return env.CONNECTION_SYNC.get(env.CONNECTION_SYNC.idFromName(`${createdByOrgId}:${connectionId}`));
}
