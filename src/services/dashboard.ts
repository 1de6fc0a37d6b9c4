// What the dashboard shows: each connection's health (last run, failures in a row, backlog, open
// issues, the platforms' request budgets) and tickets synced and failed per day. Read in a few
// batched queries whatever the number of connections, so the page stays quick.
import { and, count, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { changeCursors, connections as connectionRows, connectionSides, organisations, syncIssues, syncRuns } from "../db/schema";
import type { OrgScope } from "../auth/principal";
import { chunks } from "../lib/chunks";
import { connectorFor } from "../connectors/registry";
import type { ConnectorFacts } from "../connectors/contract";
import { listConnections } from "./connections";
import { SYNC_STATE_LABELS, syncStateOf, type SyncState } from "./automatic-sync";
import { billingIsActive } from "./billing-state";

export const CHART_DAYS = 30;
/** More failures in a row than this are shown as "10+": the count is a warning, not a statistic. */
const FAILURE_WINDOW = 10;

type RunRow = typeof syncRuns.$inferSelect;

export type ConnectionHealth = {
  id: string;
  name: string;
  status: "pending" | "active" | "paused";
  syncState: SyncState;
  syncLabel: string;
  lastRun: { id: string; status: string; startedAt: string; finishedAt: string | null; failed: number } | null;
  activeRun: { id: string; status: string; phase: string | null; ticketsDone: number; ticketsTotal: number | null } | null;
  /** Finished runs that failed, newest first, until one did not (at most FAILURE_WINDOW). */
  failuresInRow: number;
  /** Tickets waiting: failed ones re-read on the next run, plus what is left of the run under way. */
  backlog: number;
  openIssues: number;
  /**
   * The request budget of each of your sides' platforms (published, or assumed where none is),
   * and the calls Lockstep reserved in the current window where it paces by that budget (null
   * where it does not: the platform publishes no hard limit, and its 429s pause the run instead).
   */
  apiBudgets: { side: "source" | "target"; platform: string; requests: number; perSeconds: number; used: number | null; source: string }[];
};

type RateLimit = ConnectorFacts["rateLimit"];
/** Calls reserved on a platform account in its current window. */
export type BudgetReader = (accountId: string, limit: RateLimit) => Promise<number>;

/** Reads the account's own budget object, the one the engine reserves its calls from. */
export function accountBudgetReader(env: Env): BudgetReader {
  return (accountId, limit) => env.ACCOUNT_BUDGET.get(env.ACCOUNT_BUDGET.idFromName(accountId)).used(limit);
}

export type DailyTotals = { day: string; synced: number; failed: number };

export type Dashboard = { connections: ConnectionHealth[]; daily: DailyTotals[] };

const isFinished = (r: RunRow) => r.status !== "queued" && r.status !== "running";

export async function dashboardOf(db: Db, scope: OrgScope, options: { now?: Date; budgetUsed?: BudgetReader; billingRequired?: boolean } = {}): Promise<Dashboard> {
  const now = options.now ?? new Date();
  const list = await listConnections(db, scope, { limit: 200 });
  const ids = list.data.map((c) => c.id);
  const recent = new Map<string, RunRow[]>();
  const issues = new Map<string, number>();
  const backlog = new Map<string, number>();
  const checked = new Map<string, string | null>();
  /** Whether each connection's billing organisation pays for its automatic sync now. */
  const paying = new Map<string, boolean>();
  for (const part of chunks(ids, 50)) {
    // The newest runs of each connection, all in one round trip.
    const [first, ...rest] = part.map((id) =>
      db
        .select()
        .from(syncRuns)
        .where(and(eq(syncRuns.connectionId, id), eq(syncRuns.dryRun, false)))
        .orderBy(desc(syncRuns.id))
        .limit(FAILURE_WINDOW + 2),
    );
    const results = await db.batch([first!, ...rest]);
    part.forEach((id, i) => recent.set(id, results[i] ?? []));
    const openCounts = await db
      .select({ connectionId: syncIssues.connectionId, n: count() })
      .from(syncIssues)
      .where(and(inArray(syncIssues.connectionId, part), eq(syncIssues.status, "open")))
      .groupBy(syncIssues.connectionId);
    for (const row of openCounts) issues.set(row.connectionId, row.n);
    const cursors = await db.select({ connectionId: changeCursors.connectionId, retry: changeCursors.retryIds }).from(changeCursors).where(inArray(changeCursors.connectionId, part));
    for (const row of cursors) backlog.set(row.connectionId, (backlog.get(row.connectionId) ?? 0) + (JSON.parse(row.retry) as string[]).length);
    const checks = await db
      .select({ id: connectionRows.id, at: connectionRows.lastCheckedAt, billingStatus: organisations.billingStatus, billingTrialEndsAt: organisations.billingTrialEndsAt })
      .from(connectionRows)
      .leftJoin(organisations, eq(organisations.id, connectionRows.billingOrgId))
      .where(inArray(connectionRows.id, part));
    for (const row of checks) {
      checked.set(row.id, row.at);
      paying.set(row.id, row.billingStatus !== null && billingIsActive({ billingStatus: row.billingStatus, billingTrialEndsAt: row.billingTrialEndsAt }, now.getTime()));
    }
  }

  // One read per paced account, however many connections share it.
  const usedByAccount = new Map<string, Promise<number | null>>();
  const usedOf = (accountId: string, limit: RateLimit) => {
    if (!limit.enforced || !options.budgetUsed) return Promise.resolve(null);
    let used = usedByAccount.get(accountId);
    if (!used) {
      used = options.budgetUsed(accountId, limit).catch(() => null);
      usedByAccount.set(accountId, used);
    }
    return used;
  };

  const connections = list.data.map(async (c): Promise<ConnectionHealth> => {
    const runs = recent.get(c.id) ?? [];
    const finished = runs.filter(isFinished);
    const active = runs.find((r) => !isFinished(r)) ?? null;
    // An automatic run that found nothing leaves no row, only the check time: one after the last
    // recorded run ended a streak of failures as surely as a recorded success.
    const checkedAt = checked.get(c.id) ?? null;
    const lastEnd = finished[0] ? (finished[0].finishedAt ?? finished[0].startedAt) : null;
    const firstOk = checkedAt && (!lastEnd || checkedAt > lastEnd) ? 0 : finished.findIndex((r) => r.status !== "failed");
    const running = syncStateOf({ status: c.status, automaticEnabled: c.automaticEnabled, initialSyncCompletedAt: c.initialSyncCompletedAt });
    // Switched on but not paid for where the install requires billing: the cron skips it.
    const state: SyncState = running === "running" && options.billingRequired && !paying.get(c.id) ? "billing_required" : running;
    const left = active?.ticketsTotal != null ? Math.max(0, active.ticketsTotal - active.ticketsDone) : 0;
    const last = finished[0];
    return {
      id: c.id,
      name: c.name,
      status: c.status,
      syncState: state,
      syncLabel: SYNC_STATE_LABELS[state],
      lastRun: last ? { id: last.id, status: last.status, startedAt: last.startedAt, finishedAt: last.finishedAt, failed: last.failed } : null,
      activeRun: active ? { id: active.id, status: active.status, phase: active.phase, ticketsDone: active.ticketsDone, ticketsTotal: active.ticketsTotal } : null,
      failuresInRow: Math.min(FAILURE_WINDOW, firstOk === -1 ? finished.length : firstOk),
      backlog: (backlog.get(c.id) ?? 0) + left,
      openIssues: issues.get(c.id) ?? 0,
      apiBudgets: await Promise.all(
        c.sides.flatMap((s) => {
          const connector = s.mine && s.platform && s.account ? connectorFor(s.platform) : null;
          if (!connector || !s.account) return [];
          const limit = connector.facts.rateLimit;
          return [usedOf(s.account.id, limit).then((used) => ({ side: s.side, platform: connector.facts.label, requests: limit.requests, perSeconds: limit.perSeconds, used, source: limit.source }))];
        }),
      ),
    };
  });
  return { connections: await Promise.all(connections), daily: await dailyTotals(db, scope, now) };
}

/** Tickets synced (created, updated or closed) and failed per UTC day, oldest first, every day present. */
export async function dailyTotals(db: Db, scope: OrgScope, now = new Date(), days = CHART_DAYS): Promise<DailyTotals[]> {
  const firstDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const mine = db.select({ id: connectionSides.connectionId }).from(connectionSides).where(eq(connectionSides.orgId, scope.orgId));
  const day = sql<string>`substr(${syncRuns.startedAt}, 1, 10)`;
  const rows = await db
    .select({
      day,
      synced: sql<number>`coalesce(sum(${syncRuns.created} + ${syncRuns.updated} + ${syncRuns.closed}), 0)`,
      failed: sql<number>`coalesce(sum(${syncRuns.failed}), 0)`,
    })
    .from(syncRuns)
    .where(and(inArray(syncRuns.connectionId, mine), eq(syncRuns.dryRun, false), gte(syncRuns.startedAt, firstDay.toISOString())))
    .groupBy(day);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, i) => {
    const d = new Date(firstDay.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.get(d);
    return { day: d, synced: Number(row?.synced ?? 0), failed: Number(row?.failed ?? 0) };
  });
}
