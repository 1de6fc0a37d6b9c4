// The 5-minute cron only wakes the connections whose automatic sync is on and not paused; each
// connection's Durable Object does the work (and coalesces a wake-up that finds a run waiting).
// It reads due connections a page at a time by id and wakes them a batch at a time, so a large
// install stays within one invocation's subrequest and D1 budgets (see README, "Scale").
import { and, asc, eq, gt } from "drizzle-orm";
import { createDb } from "../db/client";
import { connections } from "../db/schema";
import { connectionSyncStub } from "./connection-sync";

/** Due connections read per D1 query. */
const PAGE = 500;
/** Durable Object calls in flight at once. */
const BATCH = 50;
/** At most this many wake-ups per invocation: half of the 10,000 subrequests a cron may make. */
export const MAX_WAKEUPS = 5_000;

export type ScheduledReport = { due: number; woken: number; failed: number; queries: number };

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Env): Promise<ScheduledReport> {
  const db = createDb(env.DB);
  const report: ScheduledReport = { due: 0, woken: 0, failed: 0, queries: 0 };
  let after = "";
  for (;;) {
    const page = await db
      .select({ id: connections.id, createdByOrgId: connections.createdByOrgId })
      .from(connections)
      .where(and(eq(connections.automaticEnabled, true), eq(connections.status, "active"), gt(connections.id, after)))
      .orderBy(asc(connections.id))
      .limit(PAGE);
    report.queries++;
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
  console.log(`cron ${controller.cron} at ${new Date(controller.scheduledTime).toISOString()}: ${report.due} due, ${report.woken} woken, ${report.failed} failed`);
  return report;
}
