import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import { connections, syncRuns } from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { nowIso } from "../../src/lib/time";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { MAX_WAKEUPS, runScheduled } from "../../src/sync/scheduled";
import { setupFirstOrganisation } from "../helpers";

describe("the cron at scale", () => {
  it("wakes each of a few hundred due connections among 2,000 once, in a handful of queries", async () => {
    const org = await setupFirstOrganisation();
    const db = createDb(env.DB);
    const now = nowIso();
    const rows = Array.from({ length: 2_000 }, (_, i) => ({
      id: newId("con"),
      name: `Connection ${i}`,
      createdByOrgId: org.organisation.id,
      status: (i % 50 === 0 ? "paused" : "active") as "paused" | "active",
      internal: true,
      automaticEnabled: i % 6 === 0,
      createdAt: now,
      updatedAt: now,
    }));
    // Drizzle binds every column of a row: 5 rows keep a statement under D1's 100 parameters.
    const inserts = [];
    for (let i = 0; i < rows.length; i += 5) inserts.push(db.insert(connections).values(rows.slice(i, i + 5)));
    for (let i = 0; i < inserts.length; i += 40) await db.batch(inserts.slice(i, i + 40) as [typeof inserts[number], ...typeof inserts]);
    const due = rows.filter((r) => r.automaticEnabled && r.status === "active");
    expect(due.length).toBeGreaterThan(300);

    const report = await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
    expect(report).toMatchObject({ due: due.length, woken: due.length, failed: 0 });
    // One D1 query per 500 due connections, one Durable Object call per due connection: far
    // inside one invocation's 1,000 queries and 10,000 subrequests.
    // (The watchdog's lookup rides in the first page's statement.)
    expect(report.queries).toBe(Math.floor(due.length / 500) + 1);
    expect(report.woken).toBeLessThanOrEqual(MAX_WAKEUPS);

    // Let the woken objects run (these connections have no sides: their runs fail fast, and a
    // failed automatic run is recorded): exactly one run each.
    for (const c of due) {
      const stub = connectionSyncStub(env, c.createdByOrgId, c.id);
      await runDurableObjectAlarm(stub);
      await stub.drain();
    }
    const ran = await db.select({ connectionId: syncRuns.connectionId }).from(syncRuns).where(eq(syncRuns.trigger, "automatic"));
    expect(new Set(ran.map((q) => q.connectionId)).size).toBe(due.length);
    expect(ran.length).toBe(due.length);
  }, 120_000);
});

describe("triggers arriving together", () => {
  it("are coalesced into one queued run", async () => {
    const db = createDb(env.DB);
    const [org] = await db.select({ id: connections.createdByOrgId }).from(connections).limit(1);
    const id = newId("con");
    await db.insert(connections).values({ id, name: "Busy", createdByOrgId: org!.id, status: "active", internal: true, createdAt: nowIso(), updatedAt: nowIso() });
    const stub = connectionSyncStub(env, org!.id, id);
    const answers = await Promise.all([1, 2, 3].map(() => stub.requestRun({ connectionId: id, mode: "quick", trigger: "webhook" })));
    const ids = new Set(answers.map((a) => ("runId" in a ? a.runId : null)));
    expect(ids.size).toBe(1);
    await runDurableObjectAlarm(stub);
    await stub.drain();
    // One run (it fails: the connection has no sides, and a failed webhook run is recorded).
    const ran = await db.select().from(syncRuns).where(eq(syncRuns.trigger, "webhook"));
    expect(ran).toEqual([expect.objectContaining({ id: [...ids][0], status: "failed" })]);
  });
});
