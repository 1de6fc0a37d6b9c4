// The cron's job is only to wake the connections that are due; each Durable Object does the work.
// Until the orchestration issue adds automatic sync, there is nothing due, and it says so.
import { and, count, eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { connections } from "../db/schema";

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Env): Promise<{ due: number }> {
  const db = createDb(env.DB);
  const [row] = await db
    .select({ n: count() })
    .from(connections)
    .where(and(eq(connections.automaticEnabled, true), eq(connections.status, "active")));
  const due = row?.n ?? 0;
  console.log(`cron ${controller.cron} at ${new Date(controller.scheduledTime).toISOString()}: ${due} connection(s) with automatic sync`);
  return { due };
}
