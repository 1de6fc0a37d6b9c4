// Cron fan-out (issue 9): 10,000 connections, 1,000 of them automatic, and one cron invocation:
// its subrequests and D1 queries, and the time to wake every due connection's object. A file of
// its own, so its D1 holds only these connections (storage is isolated per test file).
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { createDb } from "../../../src/db/client";
import { connections } from "../../../src/db/schema";
import { newId } from "../../../src/lib/ids";
import { nowIso } from "../../../src/lib/time";
import { runScheduled } from "../../../src/sync/scheduled";
import { setupFirstOrganisation } from "../../helpers";
import { SCENARIOS, report } from "../harness";

it.runIf(SCENARIOS.includes("cron-fanout"))("cron-fanout", async () => {
  const total = 10_000;
  const automatic = 1_000;
  const org = await setupFirstOrganisation();
  const db = createDb(env.DB);
  const now = nowIso();
  const every = Math.floor(total / automatic);
  const rows = Array.from({ length: total }, (_, i) => ({
    id: newId("con"),
    name: `Connection ${i}`,
    createdByOrgId: org.organisation.id,
    status: "active" as const,
    internal: true,
    automaticEnabled: i % every === 0,
    settings: "{}",
    createdAt: now,
    updatedAt: now,
  }));
  const inserts = [];
  for (let i = 0; i < rows.length; i += 5) inserts.push(db.insert(connections).values(rows.slice(i, i + 5)));
  for (let i = 0; i < inserts.length; i += 50) await db.batch(inserts.slice(i, i + 50) as [(typeof inserts)[number], ...typeof inserts]);
  const started = Date.now();
  const result = await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
  const wakeMs = Date.now() - started;
  // Every Durable Object call and every D1 query is a subrequest of the cron's invocation.
  report("cron-fanout", {
    connections: total,
    due: result.due,
    woken: result.woken,
    failed: result.failed,
    d1Queries: result.queries,
    subrequests: result.queries + result.woken + result.failed + result.stalled,
    wakeMs,
  });
});
