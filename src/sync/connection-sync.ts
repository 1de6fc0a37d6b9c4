// One Durable Object per connection, named `${orgId}:${connectionId}`: the only caller of the
// sync engine, so runs of one connection never overlap. A run asked for is recorded as `queued`
// and started by the object's alarm; a request arriving while one waits joins it (coalesced).
// Manual runs are rate-limited here, where the check and the record cannot race.
// The orchestration issue adds chunking across alarms, backoff and the cron's schedule.
import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { connections, syncRuns } from "../db/schema";
import { loadConfig } from "../env";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import { outboundFetch } from "../connectors/outbound-fetch";
import { runSync, type EngineDeps, type PlanSummary, type RunRequest, type RunResult, type TicketHint } from "./engine/run-sync";
import { nextAlertState, sendAlert, type AlertState } from "./alerts";

export type RunAsk = Omit<RunRequest, "runId"> & { connectionId: string };
export type RunAnswer =
  | { kind: "queued"; runId: string }
  | { kind: "planned"; runId: string; status: string; plan: PlanSummary[] }
  | { kind: "cooldown"; retryAfterSeconds: number; nextAllowedAt: string }
  | { kind: "paused" };

const PENDING_KEY = "pending";
const ALERT_KEY = "alerts";

/** Backoff for runs that failed for a passing reason: capped, jittered, never before Retry-After. */
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;

export function retryDelayMs(attempt: number, retryAfterSeconds: number | null, random = Math.random): number {
  const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt) * (0.5 + random() * 0.5);
  return Math.max((retryAfterSeconds ?? 0) * 1000, backoff);
}

type Pending = RunRequest & { attempt?: number };

export class ConnectionSync extends DurableObject<Env> {
  /** The run this instance is carrying out, if any. */
  private current: Promise<unknown> | null = null;
  private deps(): EngineDeps {
    const config = loadConfig(this.env);
    return {
      db: createDb(this.env.DB),
      encryptionKey: config.encryptionKey,
      allowLoopbackHttp: config.appEnv === "development",
      fetch: outboundFetch(),
      attachments: this.env.ATTACHMENTS,
    };
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
    const db = createDb(this.env.DB);
    const [state] = await db.select({ status: connections.status }).from(connections).where(eq(connections.id, ask.connectionId));
    // While paused nothing runs (a dry run writes nothing, so it may still show its plan).
    if (state?.status === "paused" && !ask.dryRun) return { kind: "paused" };
    if (ask.trigger === "manual" && !ask.dryRun) {
      const [row] = await db
        .select({ cooldown: connections.manualCooldownSeconds, last: connections.lastManualRunAt })
        .from(connections)
        .where(eq(connections.id, ask.connectionId));
      if (row?.last) {
        const nextAllowed = Date.parse(row.last) + row.cooldown * 1000;
        if (nextAllowed > Date.now()) {
          return { kind: "cooldown", retryAfterSeconds: Math.ceil((nextAllowed - Date.now()) / 1000), nextAllowedAt: new Date(nextAllowed).toISOString() };
        }
      }
      await db.update(connections).set({ lastManualRunAt: nowIso() }).where(eq(connections.id, ask.connectionId));
    }
    if (ask.dryRun) {
      // A dry run writes nothing to either platform, so it runs at once and answers with its plan.
      const result = await runSync(this.deps(), ask);
      return { kind: "planned", runId: result.runId, status: result.status, plan: result.plan ?? [] };
    }
    // A run already waiting (or a retry waiting out its backoff) takes this request along.
    const pending = await this.ctx.storage.get<Pending>(PENDING_KEY);
    if (pending?.runId) {
      if (ask.hints?.length) await this.ctx.storage.put(PENDING_KEY, { ...pending, hints: mergeHints(pending.hints, ask.hints) } satisfies Pending);
      return { kind: "queued", runId: pending.runId };
    }
    const runId = newId("run");
    await db.insert(syncRuns).values({
      id: runId,
      connectionId: ask.connectionId,
      mode: ask.mode,
      trigger: ask.trigger,
      status: "queued",
      since: ask.since ?? null,
      requestedBy: ask.requestedBy ?? null,
      startedAt: nowIso(),
    });
    await this.ctx.storage.put(PENDING_KEY, { ...ask, runId } satisfies RunRequest);
    await this.ctx.storage.setAlarm(Date.now());
    return { kind: "queued", runId };
  }

  override async alarm(): Promise<void> {
    const pending = await this.ctx.storage.get<Pending>(PENDING_KEY);
    if (!pending) return;
    // Cleared first: a request arriving during this run queues the next one instead of joining it.
    await this.ctx.storage.delete(PENDING_KEY);
    const run = runSync(this.deps(), pending);
    this.current = run;
    try {
      const result = await run;
      await this.afterRun(pending.connectionId, result);
      const attempt = (pending.attempt ?? 0) + 1;
      if (result.retry && attempt < MAX_ATTEMPTS && !(await this.ctx.storage.get(PENDING_KEY))) {
        await this.queueRetry(pending, attempt, retryDelayMs(attempt, result.retry.afterSeconds));
      }
    } finally {
      this.current = null;
    }
  }

  /** Counts failures in a row and tells the admins once when it is time (and once on recovery). */
  private async afterRun(connectionId: string, result: RunResult) {
    const [run] = await createDb(this.env.DB).select({ errorCode: syncRuns.errorCode }).from(syncRuns).where(eq(syncRuns.id, result.runId));
    const state = (await this.ctx.storage.get<AlertState>(ALERT_KEY)) ?? { failuresInRow: 0, alerted: false };
    const next = nextAlertState(state, result.status, run?.errorCode ?? null);
    await this.ctx.storage.put(ALERT_KEY, next.state);
    if (next.send) {
      const deps = this.deps();
      await sendAlert(
        deps.db,
        deps.fetch,
        { kind: next.send, connectionId, failuresInRow: next.state.failuresInRow || state.failuresInRow, reason: run?.errorCode ?? null, at: nowIso() },
        deps.allowLoopbackHttp,
      );
    }
  }

  /** Records the retry as a queued run now, so the pages show it, and wakes up when it is due. */
  private async queueRetry(previous: Pending, attempt: number, delayMs: number) {
    const runId = newId("run");
    await createDb(this.env.DB).insert(syncRuns).values({
      id: runId,
      connectionId: previous.connectionId,
      mode: previous.mode,
      trigger: "retry",
      status: "queued",
      since: previous.since ?? null,
      requestedBy: previous.requestedBy ?? null,
      startedAt: nowIso(),
    });
    await this.ctx.storage.put(PENDING_KEY, { ...previous, trigger: "retry", runId, attempt } satisfies Pending);
    await this.ctx.storage.setAlarm(Date.now() + delayMs);
  }

  /** Resolves once the run under way (if any) has finished: for tests and graceful waits. */
  async drain(): Promise<void> {
    await this.current;
  }
}

/** Hints are kept once each, however many webhooks named the ticket. */
function mergeHints(a: TicketHint[] = [], b: TicketHint[] = []): TicketHint[] {
  const byKey = new Map([...a, ...b].map((h) => [`${h.side}:${h.ticketId}`, h]));
  return [...byKey.values()];
}

/** Named by the creating organisation and the connection, so both partners reach the same object. */
export function connectionSyncStub(env: Env, createdByOrgId: string, connectionId: string) {
  return env.CONNECTION_SYNC.get(env.CONNECTION_SYNC.idFromName(`${createdByOrgId}:${connectionId}`));
}
