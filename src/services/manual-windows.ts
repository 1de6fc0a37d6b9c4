// Which window each kind of manual run will read, said on the Sync page (and in the sync status
// API) before the admin starts one. The same rule as the engine (sync/engine/start-date.ts):
// the connection's start is its settings' start date, else where its first run began.
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections, syncRuns } from "../db/schema";
import type { ManualWindows } from "../schemas/run-scope";
import { connectionSettingsSchema } from "../schemas/connections";
import { resolveStart } from "../sync/engine/start-date";

export async function manualWindows(db: Db, connection: typeof connections.$inferSelect, now = Date.now()): Promise<ManualWindows> {
  const finished = and(eq(syncRuns.connectionId, connection.id), eq(syncRuns.dryRun, false), inArray(syncRuns.status, ["success", "partial", "no_tickets"]));
  const columns = { since: syncRuns.since, startedAt: syncRuns.startedAt };
  const [first] = await db.select(columns).from(syncRuns).where(finished).orderBy(asc(syncRuns.startedAt)).limit(1);
  const [last] = await db.select(columns).from(syncRuns).where(finished).orderBy(desc(syncRuns.startedAt)).limit(1);
  const settings = connectionSettingsSchema.safeParse(JSON.parse(connection.settings));
  const start = resolveStart({ settings: settings.success ? settings.data.startDate : undefined, firstRun: first ?? null }, now);
  const checked = connection.lastCheckedAt;
  const lastRunAt = last ? (checked && checked > last.startedAt ? checked : last.startedAt) : null;
  return { quick: { lastRunAt, ...start }, full: start };
}
