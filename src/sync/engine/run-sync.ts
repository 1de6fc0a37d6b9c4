// One sync run of one connection: read what changed on each side since its cursor, plan, apply
// (or, for a dry run, only plan), and record the run, its items and any open issues. A run goes
// in chunks: each invocation works until its budget is spent, checkpoints, and the connection's
// Durable Object (the only caller, one run at a time) continues it in its next alarm.
import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { connections, runItems, syncRuns, usageCounters } from "../../db/schema";
import { ConnectorError } from "../../connectors/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { buildDescription } from "../description-builder";
import { applyBatch, type PicklistCache } from "./apply-batch";
import { ChunkBudget } from "./budget";
import { listSince, saveCursor, type Cursor } from "./change-cursor";
import { loadLinks } from "./links-store";
import { ConnectionNotReady, descriptionLabels, loadConnection, type ConnectionContext } from "./load-connection";
import { CALLS_PER_TICKET } from "./pacing";
import { planWithExclusions } from "./plan-changes";
import { readStep } from "./read-changes";
import { emptyScope, startSide, tallyExclusions } from "./run-scope";
import { resolveStart } from "./start-date";
import type { EngineDeps, PlanSummary, RunCounts, RunRequest, RunResult, RunStatus } from "./run-request";
import { MemoryWorkStore, type RunState, type WorkStore } from "./run-state";
import { syncCodeForKind, type SyncErrorCode } from "./sync-errors";
import type { PlannedOperation } from "./types";

export type { EngineDeps, PlanSummary, RunRequest, RunResult, RunStatus, TicketHint } from "./run-request";

/** Tickets planned and applied together; the budget is checked between batches. Twice the
 * tickets worked on at once, so a batch's last slow ticket leaves few workers idle. */
const BATCH = 24;
/** A chunk stops once any count passes this share of its limit, so the next batch still fits. */
const BUDGET_SHARE = 0.8;

export type ChunkOutcome = { kind: "more"; delayMs: number; stoppedBy: string } | { kind: "finished"; result: RunResult };

/**
 * Whether the run's row is written only once it has something to show. Cron runs mostly find
 * nothing: those leave no row (the connection's `last_checked_at` says they ran), so an idle
 * connection costs a few D1 statements every five minutes, not a dozen and a history full of
 * empty runs. Manual runs, retries, dry runs and every run whose id was handed out (a webhook's
 * 202: `recorded`) are recorded from the start, so the id always leads to what happened.
 */
const recordedLazily = (request: RunRequest) => !request.dryRun && !request.recorded && (request.trigger === "automatic" || request.trigger === "webhook");

/** The run's row as it starts: what it is, and that it is running. */
function runRow(request: RunRequest & { runId: string }, startedAt: string) {
  return {
    id: request.runId,
    connectionId: request.connectionId,
    mode: request.mode,
    trigger: request.trigger,
    dryRun: request.dryRun ?? false,
    status: "running" as const,
    since: request.since ?? null,
    requestedBy: request.requestedBy ?? null,
    phase: "reading changes",
    startedAt,
  };
}

/** Records the run as running (unless it is recorded lazily) and writes its starting checkpoint.
 * The cursors are read with the connection, in the run's first chunk. Safe to repeat. */
export async function beginRun(deps: EngineDeps, request: RunRequest, store: WorkStore): Promise<RunState> {
  const runId = request.runId ?? newId("run");
  const startedAt = nowIso();
  const recorded = !recordedLazily(request);
  if (recorded) {
    const row = runRow({ ...request, runId }, startedAt);
    await deps.db.insert(syncRuns).values(row).onConflictDoUpdate({ target: syncRuns.id, set: { status: "running", phase: row.phase, startedAt } });
  }
  // Provisional: the connection's own start is read with it, in the run's first chunk.
  const start = resolveStart({ requested: request.since });
  const firstRunSince = start.since;
  const unread: Cursor = { watermark: null, seen: [], retry: [] };
  const state: RunState = {
    request: { ...request, runId },
    phase: "reading",
    startedAt,
    firstRunSince,
    reading: { side: "source", typeIndex: 0, pageCursor: null, since: firstRunSince, listedAt: null },
    cursors: { source: { from: unread, next: unread }, target: { from: unread, next: unread } },
    cursorsLoaded: false,
    scope: emptyScope(start),
    recorded,
    retry: { source: [], target: [] },
    done: 0,
    total: 0,
    chunks: 0,
  };
  await store.clear();
  await store.saveState(state);
  return state;
}

/** The run's starting cursors, from the connection as its first chunk read it, and where the
 * connection starts: the start date asked for, else the one in Settings, else where its first
 * run started (never a silent "last 30 days" once it has run). A full resync re-reads everything
 * from there but keeps the list of tickets to retry. */
function startCursors(state: RunState, context: ConnectionContext) {
  for (const side of ["source", "target"] as const) {
    const stored = context.cursors[side];
    const from: Cursor = state.request.mode === "full" ? { watermark: null, seen: [], retry: stored.retry } : stored;
    state.cursors[side] = { from, next: { ...from, retry: [] } };
  }
  const start = resolveStart({ requested: state.request.since, settings: context.settings.startDate, firstRun: context.firstRun });
  state.firstRunSince = start.since;
  state.scope = emptyScope(start);
  state.reading.since = listSince(state.cursors.source.from, state.firstRunSince);
  startSide(state.scope, "source", state.reading.since, !state.cursors.source.from.watermark);
  state.cursorsLoaded = true;
}

/** Carries the run in `store` on until the budget is spent or the run is over. */
export async function runChunk(deps: EngineDeps, store: WorkStore, budget: ChunkBudget): Promise<ChunkOutcome> {
  const state = await store.loadState();
  if (!state) throw new Error("No run to continue");
  const db = deps.db;
  const runId = state.request.runId;
  state.chunks++;
  let context: ConnectionContext;
  try {
    context = await loadConnection(deps, state.request.connectionId);
    if (!state.cursorsLoaded) startCursors(state, context);
    // Paused after an automatic (or webhook) run was asked for: it does nothing, and leaves no
    // trace but its row where it has one, which says why.
    if (context.status === "paused" && (!state.recorded || state.request.trigger === "webhook")) {
      // It read nothing, so it records no scope (which would say what it looked at).
      if (state.recorded) await finishStatement(db, { ...state, scope: undefined }, "no_tickets", emptyRunCounts(), undefined, PAUSED_BEFORE_START).run();
      await store.clear();
      return { kind: "finished", result: { runId, status: "no_tickets", counts: emptyRunCounts() } };
    }
    while (state.phase === "reading") {
      const spent = budget.exhausted(BUDGET_SHARE);
      if (spent) return await pause(store, state, 0, spent);
      const outcome = await readStep(context, state, store);
      await store.saveState(state);
      if (outcome) return await pause(store, state, outcome.retryInMs, "read failed, trying again");
    }
  } catch (err) {
    return { kind: "finished", result: await failRun(db, store, state, err) };
  }
  if (state.request.dryRun) return { kind: "finished", result: await finishDryRun(db, context, store, state) };
  try {
    if (state.total > 0 || state.recorded) {
      const progress = { phase: "syncing tickets", ticketsTotal: state.total, ticketsDone: state.done };
      if (state.recorded) await db.update(syncRuns).set(progress).where(eq(syncRuns.id, runId));
      else {
        // Something to do after all: the run shows from here on.
        await db.insert(syncRuns).values({ ...runRow(state.request, state.startedAt), ...progress }).onConflictDoUpdate({ target: syncRuns.id, set: progress });
        state.recorded = true;
        await store.saveState(state);
      }
    }
    const picklists: PicklistCache = new Map();
    // The account threads this chunk holds are given back whenever it stops, paused or done.
    const stop = async (delayMs: number, stoppedBy: string) => {
      await releaseCalls(deps, context, runId);
      return pause(store, state, delayMs, stoppedBy);
    };
    while (state.phase === "applying") {
      const spent = budget.exhausted(BUDGET_SHARE);
      if (spent) return await stop(0, spent);
      const limit = budget.batchSize(BATCH, BUDGET_SHARE);
      const wait = await reserveCalls(deps, context, runId, limit);
      if (wait > 0) return await stop(wait, "platform budget");
      const batch = await applyBatch(deps, db, context, state, store, limit, picklists);
      budget.use.tickets += batch.handled;
      state.done += batch.handled;
      await store.saveState(state);
      if (batch.handled) await db.update(syncRuns).set({ ticketsDone: state.done }).where(eq(syncRuns.id, runId));
      if (batch.pauseMs !== null) return await stop(batch.pauseMs, "rate limited");
    }
    await releaseCalls(deps, context, runId);
    return { kind: "finished", result: await finishRun(db, store, state) };
  } catch (err) {
    // Never leave a run `running`: what was done is recorded, the rest is retried next run.
    await releaseCalls(deps, context, runId).catch(() => undefined);
    return { kind: "finished", result: await failRun(db, store, state, err) };
  }
}

/** A whole run in one go, for callers without a Durable Object (tests, the demo seed). */
export async function runSync(deps: EngineDeps, request: RunRequest): Promise<RunResult> {
  const store = new MemoryWorkStore();
  await beginRun(deps, request, store);
  for (;;) {
    const outcome = await runChunk(deps, store, new ChunkBudget());
    if (outcome.kind === "finished") return outcome.result;
    if (outcome.delayMs > 0) await scheduler.wait(outcome.delayMs);
  }
}

async function pause(store: WorkStore, state: RunState, delayMs: number, stoppedBy: string): Promise<ChunkOutcome> {
  await store.saveState(state);
  return { kind: "more", delayMs, stoppedBy };
}

/** Asks each side's account budget for this batch's calls; the longest wait wins. */
async function reserveCalls(deps: EngineDeps, context: ConnectionContext, holder: string, tickets: number): Promise<number> {
  if (!deps.pacer) return 0;
  let wait = 0;
  for (const side of ["source", "target"] as const) {
    const { accountId, rateLimit } = context.sides[side];
    const answer = await deps.pacer.reserve({ accountId, holder, rateLimit, calls: tickets * CALLS_PER_TICKET });
    if (!answer.granted) wait = Math.max(wait, answer.waitMs);
  }
  return wait;
}

async function releaseCalls(deps: EngineDeps, context: ConnectionContext, holder: string) {
  if (!deps.pacer) return;
  for (const side of ["source", "target"] as const) await deps.pacer.release({ accountId: context.sides[side].accountId, holder, rateLimit: context.sides[side].rateLimit });
}

const emptyRunCounts = (): RunCounts => ({ created: 0, updated: 0, closed: 0, skipped: 0, failed: 0 });

/** The run's items by outcome (none where the run was never recorded: it had no items). */
async function countsOf(db: Db, state: RunState): Promise<RunCounts> {
  const counts = emptyRunCounts();
  if (!state.recorded) return counts;
  const rows = await db.select({ outcome: runItems.outcome, n: sql<number>`count(*)` }).from(runItems).where(eq(runItems.runId, state.request.runId)).groupBy(runItems.outcome);
  for (const row of rows) counts[row.outcome] = Number(row.n);
  return counts;
}

/** The run's row as it ends: updated, or written now for a lazily recorded run that failed. */
const PAUSED_BEFORE_START = "The connection was paused before this run started, so it synced nothing; the changes are picked up once it resumes.";

function finishStatement(db: Db, state: RunState, status: RunStatus, counts: RunCounts, error?: { code: SyncErrorCode; message: string }, note?: string) {
  // `since` becomes the start the run used, so later runs know where the connection starts.
  const scope = state.scope && state.cursorsLoaded ? { since: state.firstRunSince, scope: JSON.stringify(state.scope) } : {};
  const end = { status, ...counts, ...scope, phase: null, errorCode: error?.code ?? null, errorMessage: error?.message ?? note ?? null, finishedAt: nowIso() };
  if (state.recorded) return db.update(syncRuns).set(end).where(eq(syncRuns.id, state.request.runId));
  return db.insert(syncRuns).values({ ...runRow(state.request, state.startedAt), ...end }).onConflictDoUpdate({ target: syncRuns.id, set: end });
}

const sameCursor = (a: Cursor, b: Cursor) => JSON.stringify(a) === JSON.stringify(b);

/** Cursors, usage and the run's outcome are written in one batch: a finish redone after a crash
 * cannot count the month's usage twice. Only what changed is written: a quiet automatic run
 * that found nothing new writes its check time and nothing else. */
async function finishRun(db: Db, store: WorkStore, state: RunState): Promise<RunResult> {
  const { runId, connectionId } = state.request;
  const counts = await countsOf(db, state);
  const synced = counts.created + counts.updated + counts.closed;
  const total = synced + counts.skipped + counts.failed;
  const status: RunStatus = total === 0 ? "no_tickets" : counts.failed ? "partial" : "success";
  const statements: BatchItem<"sqlite">[] = [];
  for (const side of ["source", "target"] as const) {
    const cursor = { ...state.cursors[side].next, retry: [...new Set(state.retry[side])] };
    if (!sameCursor(cursor, state.cursors[side].from)) statements.push(saveCursor(db, connectionId, side, cursor));
  }
  if (state.recorded) statements.push(finishStatement(db, state, status, counts));
  else statements.push(db.update(connections).set({ lastCheckedAt: nowIso() }).where(eq(connections.id, connectionId)));
  if (synced > 0) {
    statements.push(
      db
        .insert(usageCounters)
        .values({ connectionId, month: state.startedAt.slice(0, 7), ticketsSynced: synced })
        .onConflictDoUpdate({ target: [usageCounters.connectionId, usageCounters.month], set: { ticketsSynced: sql`${usageCounters.ticketsSynced} + ${synced}` } }),
    );
  }
  if (state.request.trigger === "manual") {
    statements.push(db.update(connections).set({ initialSyncCompletedAt: nowIso() }).where(and(eq(connections.id, connectionId), sql`${connections.initialSyncCompletedAt} is null`)));
  }
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  await store.clear();
  return { runId, status, counts };
}

async function failRun(db: Db, store: WorkStore, state: RunState, err: unknown): Promise<RunResult> {
  const error =
    err instanceof ConnectorError
      ? { code: syncCodeForKind(err.kind), message: err.vendorMessage }
      : err instanceof ConnectionNotReady
        ? { code: "validation_failed" as const, message: err.message }
        : { code: "internal_error" as const, message: err instanceof Error ? err.message : String(err) };
  if (!(err instanceof ConnectorError) && !(err instanceof ConnectionNotReady)) console.error("run failed", err);
  const counts = await countsOf(db, state);
  await finishStatement(db, state, "failed", counts, error).run();
  await store.clear();
  const retry = err instanceof ConnectorError && err.retryable ? { retry: { afterSeconds: err.details.retryAfterSeconds ?? null } } : {};
  return { runId: state.request.runId, status: "failed", counts, error, ...retry };
}

/** A dry run plans everything it read and writes nothing to either platform. */
async function finishDryRun(db: Db, context: ConnectionContext, store: WorkStore, state: RunState): Promise<RunResult> {
  const work = await store.peek(await store.count());
  const changes = { source: work.filter((w) => w.side === "source").map((w) => w.ticket), target: work.filter((w) => w.side === "target").map((w) => w.ticket) };
  const links = await loadLinks(db, context.id, { source: changes.source.map((t) => t.id), target: changes.target.map((t) => t.id) });
  const { operations: plan, exclusions } = planWithExclusions({
    changes,
    links,
    rules: context.rules,
    settings: { source: context.sides.source.settings, target: context.sides.target.settings, connection: context.settings },
    buildDescription: (ticket) => buildDescription(ticket, context.settings.description, descriptionLabels(context)),
    full: state.request.mode === "full",
  });
  if (state.scope) tallyExclusions(state.scope, exclusions);
  const summary = plan.map(describePlan).filter((p): p is PlanSummary => p !== null);
  const counts = emptyRunCounts();
  for (const p of summary) {
    if (p.action === "create") counts.created++;
    else if (p.action === "close") counts.closed++;
    else if (p.action === "update") counts.updated++;
    else if (p.action === "skip") counts.skipped++;
    else counts.failed++;
  }
  const status: RunStatus = summary.length === 0 ? "no_tickets" : counts.failed ? "partial" : "success";
  await finishStatement(db, state, status, counts).run();
  await store.clear();
  return { runId: state.request.runId, status, counts, plan: summary, ...(state.scope ? { scope: state.scope } : {}) };
}

function describePlan(op: PlannedOperation): PlanSummary | null {
  switch (op.kind) {
    case "create":
      return { action: "create", side: op.on, ticket: op.from.number, detail: `would create a ticket on the ${op.on} side from ${op.from.number} "${op.from.title}"` };
    case "update":
      return {
        action: op.closes ? "close" : "update",
        side: op.side,
        ticket: op.ticket.number,
        detail: `would write ${Object.entries(op.writes).map(([side, w]) => `${Object.keys(w).join(", ")} on the ${side} side`).join(" and ")}`,
      };
    case "skip":
      return { action: "skip", side: op.side, ticket: op.ticket.number, detail: op.reason };
    case "fail":
      return { action: "fail", side: op.side, ticket: op.ticket.number, detail: `${op.code}: ${op.message}` };
    case "in_sync":
      return null;
  }
}
