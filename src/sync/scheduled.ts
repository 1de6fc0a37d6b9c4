// The 5-minute cron only wakes the connections whose automatic sync is on and not paused (and,
// where the install requires billing, whose billing organisation is active or in trial); each
// connection's Durable Object does the work (and coalesces a wake-up that finds a run waiting).
// It reads due connections a page at a time by id and wakes them a batch at a time, so a large
// install stays within one invocation's subrequest and D1 budgets (see README, "Scale").
import { sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { loadConfig } from "../env";
import { connectionSyncStub } from "./connection-sync";

/** Due connections read per D1 query. */
const PAGE = 500;
/** Durable Object calls in flight at once. */
const BATCH = 50;
/** At most this many wake-ups per invocation; with the watchdog's MAX_STALLED, half of the
 * 10,000 subrequests a cron invocation may make. */
export const MAX_WAKEUPS = 4_500;

/** A run queued or running for longer than this (an alarm's 15-minute wall limit, and then
 * some) is looked at by the watchdog. A long run that is progressing is left alone. */
export const STALLED_AFTER_MS = 20 * 60_000;
/** Stalled connections looked at per invocation. */
export const MAX_STALLED = 500;

export type ScheduledReport = { due: number; woken: number; failed: number; queries: number; stalled: number; rearmed: number };

type Woken = { id: string; createdByOrgId: string };

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Env): Promise<ScheduledReport> {
  const db = createDb(env.DB);
  const billing: Billing = { required: loadConfig(env).billingRequired, now: new Date(controller.scheduledTime).toISOString() };
  const report: ScheduledReport = { due: 0, woken: 0, failed: 0, queries: 0, stalled: 0, rearmed: 0 };
  let after = "";
  let stalled: Woken[] = [];
  for (let first = true; ; first = false) {
    // The first page comes with the watchdog's stalled connections, in the same statement: an
    // idle install costs one D1 statement a tick.
    const rows = await db.all<Woken & { kind: "due" | "stalled" }>(first ? firstPage(billing) : duePage(after, billing));
    report.queries++;
    const page = rows.filter((r) => r.kind === "due");
    if (first) stalled = rows.filter((r) => r.kind === "stalled");
    report.due += page.length;
    for (let i = 0; i < page.length && report.woken + report.failed < MAX_WAKEUPS; i += BATCH) {
      const results = await Promise.allSettled(
        page.slice(i, i + BATCH).map((c) => connectionSyncStub(env, c.createdByOrgId, c.id).requestRun({ connectionId: c.id, mode: "quick", trigger: "automatic" })),
      );
      for (const r of results) {
        if (r.status === "fulfilled") report.woken++;
        else report.failed++;
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  await wakeStalled(env, stalled, report);
  console.log(`cron ${controller.cron} at ${new Date(controller.scheduledTime).toISOString()}: ${report.due} due, ${report.woken} woken, ${report.failed} failed, ${report.rearmed} of ${report.stalled} stalled re-armed`);
  return report;
}

type Billing = { required: boolean; now: string };

/**
 * Due connections (automatic sync on, not paused) after `after`, by id (the automatic index).
 * Where billing is required, only those whose billing organisation pays now (`active`, or a
 * trial not yet ended: the rule of services/billing-state.ts); the others are skipped, their
 * cursors untouched, so they resume where they stopped once it does.
 */
function duePage(after: string, billing: Billing) {
  if (!billing.required) {
    return sql`select 'due' as kind, id, created_by_org_id as "createdByOrgId" from connections
      where automatic_enabled = 1 and status = 'active' and id > ${after} order by id limit ${PAGE}`;
  }
  return sql`select 'due' as kind, c.id, c.created_by_org_id as "createdByOrgId" from connections c
    join organisations o on o.id = c.billing_org_id
    where c.automatic_enabled = 1 and c.status = 'active' and c.id > ${after}
      and (o.billing_status = 'active' or (o.billing_status = 'trial' and o.billing_trial_ends_at > ${billing.now}))
    order by c.id limit ${PAGE}`;
}

/**
 * The first page of due connections, and the watchdog's list: every connection (automatic or
 * not) with a run queued or running for a long time (one indexed lookup of sync_runs by status
 * and start).
 */
function firstPage(billing: Billing) {
  const stalledBefore = new Date(Date.now() - STALLED_AFTER_MS).toISOString();
  return sql`select * from (${duePage("", billing)})
    union all
    select * from (select distinct 'stalled' as kind, c.id, c.created_by_org_id as "createdByOrgId"
      from sync_runs r join connections c on c.id = r.connection_id
      where r.status in ('queued', 'running') and r.started_at < ${stalledBefore} limit ${MAX_STALLED})`;
}

/** The watchdog: each stalled connection's object looks at itself; a run whose alarm was lost is
 * re-armed, a run row with nothing left to carry it on is closed. */
async function wakeStalled(env: Env, stalled: Woken[], report: ScheduledReport) {
  report.stalled = stalled.length;
  for (let i = 0; i < stalled.length; i += BATCH) {
    const results = await Promise.allSettled(stalled.slice(i, i + BATCH).map((c) => connectionSyncStub(env, c.createdByOrgId, c.id).wake(c.id)));
    report.rearmed += results.filter((r) => r.status === "fulfilled" && r.value === "rearmed").length;
  }
}
