// Where a connection's syncing stands, as the Sync page shows it: the state label, whether
// automatic sync can be switched on (and why not), the manual cooldown, the run under way with
// its progress, and the last finished run.
import { and, desc, eq, inArray, max, notInArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { organisations, syncRuns } from "../db/schema";
import type { OrgScope } from "../auth/principal";
import { findVisibleConnection } from "./connections";
import { nextAutomaticCheck, SYNC_STATE_LABELS, syncStateOf, type SyncState } from "./automatic-sync";
import { manualWindows } from "./manual-windows";
import { billingBlockOf } from "./billing-state";
import { storedRunScope, type ManualWindows, type RunScope } from "../schemas/run-scope";

type RunRow = typeof syncRuns.$inferSelect;
export type RunProgress = Pick<RunRow, "id" | "mode" | "trigger" | "status" | "phase" | "ticketsDone" | "ticketsTotal" | "created" | "updated" | "closed" | "skipped" | "failed" | "errorCode" | "errorMessage" | "startedAt" | "finishedAt">;

export type SyncStatusView = {
  state: SyncState;
  label: string;
  automaticEnabled: boolean;
  /** The organisation (either side) that pays for automatic sync: whoever switched it on. */
  billingOrganisation: { name: string; yours: boolean } | null;
  /** Why automatic sync cannot be switched on now, or, while on, why it does not run (billing);
   * null when nothing stands in its way. */
  automaticBlockedBy: { code: "pending_acceptance" | "initial_sync_required" | "billing_required"; message: string } | null;
  manualCooldownSeconds: number;
  /** When the next manual run is allowed, if that is still ahead. */
  nextManualRunAt: string | null;
  /** The run waiting or going, with its progress. */
  activeRun: RunProgress | null;
  /** When an automatic run last looked and found nothing to do (such runs leave no history row). */
  lastCheckedAt: string | null;
  /** When an automatic run last looked for changes, whether it found some (a run in the
   * history) or none (`lastCheckedAt`). */
  lastAutomaticCheckAt: string | null;
  /** The cron's next tick, while automatic sync is on and the connection not paused. */
  nextAutomaticCheckAt: string | null;
  lastRun: (RunProgress & { scope: RunScope | null }) | null;
  /** Which window a quick and a full manual run will read without a start date. */
  manualWindows: ManualWindows;
};

const progressOf = (r: RunRow): RunProgress => {
  const { connectionId: _c, dryRun: _d, since: _s, requestedBy: _r, scope: _scope, ...rest } = r;
  return rest;
};

export async function syncStatusOf(db: Db, scope: OrgScope, connectionId: string, options: { billingRequired: boolean; now?: number }): Promise<SyncStatusView> {
  const { row } = await findVisibleConnection(db, scope, connectionId);
  const now = options.now ?? Date.now();
  const billing = row.status === "active" && row.initialSyncCompletedAt ? await billingBlockOf(db, row, scope.orgId, { billingRequired: options.billingRequired, now }) : null;
  // Switched on but not paid for: the cron skips it, and the state says so.
  const stopped = billing !== null && row.automaticEnabled;
  const state: SyncState = stopped ? "billing_required" : syncStateOf(row);
  const notDry = and(eq(syncRuns.connectionId, connectionId), eq(syncRuns.dryRun, false));
  const [active] = await db.select().from(syncRuns).where(and(notDry, inArray(syncRuns.status, ["queued", "running"]))).orderBy(desc(syncRuns.id)).limit(1);
  const [last] = await db.select().from(syncRuns).where(and(notDry, notInArray(syncRuns.status, ["queued", "running"]))).orderBy(desc(syncRuns.id)).limit(1);
  let blocked: SyncStatusView["automaticBlockedBy"] = null;
  if (row.status === "pending") blocked = { code: "pending_acceptance", message: "The partner has not accepted this connection yet." };
  else if (!row.initialSyncCompletedAt) blocked = { code: "initial_sync_required", message: "Run a manual sync first: automatic sync starts once one has completed." };
  else if (billing) blocked = billing;
  const [payer] = row.billingOrgId ? await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, row.billingOrgId)) : [];
  const [automatic] = await db.select({ at: max(syncRuns.startedAt) }).from(syncRuns).where(and(notDry, eq(syncRuns.trigger, "automatic")));
  const lastAutomatic = [row.lastCheckedAt, automatic?.at ?? null].filter((at): at is string => at !== null).sort().at(-1) ?? null;
  const nextAllowed = row.lastManualRunAt ? Date.parse(row.lastManualRunAt) + row.manualCooldownSeconds * 1000 : 0;
  return {
    state,
    label: SYNC_STATE_LABELS[state],
    automaticEnabled: row.automaticEnabled,
    billingOrganisation: payer ? { name: payer.name, yours: row.billingOrgId === scope.orgId } : null,
    automaticBlockedBy: blocked,
    manualCooldownSeconds: row.manualCooldownSeconds,
    nextManualRunAt: nextAllowed > now ? new Date(nextAllowed).toISOString() : null,
    activeRun: active ? progressOf(active) : null,
    lastCheckedAt: row.lastCheckedAt,
    lastAutomaticCheckAt: lastAutomatic,
    nextAutomaticCheckAt: row.automaticEnabled && row.status === "active" && !stopped ? nextAutomaticCheck(now) : null,
    lastRun: last ? { ...progressOf(last), scope: storedRunScope(last.scope) } : null,
    manualWindows: await manualWindows(db, row, now),
  };
}
