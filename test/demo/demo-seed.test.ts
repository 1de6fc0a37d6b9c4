// The demo `npm start` seeds: tickets from the days before the moment of seeding, a Service Desk
// connection whose first manual sync creates tickets (and fails a few on purpose), and a NOC
// connection the seed syncs once and then leaves to automatic sync.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { connections, runItems, syncRuns } from "../../src/db/schema";
import { AUTOMATIC_CONNECTION_NAME, DEMO_CONNECTION_NAME, seedDemo, type DemoSeedResult } from "../../src/demo-seed";
import { createDemoSimulators, DEMO_UNMAPPED_TICKET_IDS, reseedDemoSimulators } from "../../src/demo-simulators";
import { mountSimulators, simulators } from "../../src/simulators/mount";
import { makeDemoActivity, NOC_BOARD_ID } from "../../src/demo-activity";
import { runSync } from "../../src/sync/engine/run-sync";
import { useSimulatorNetwork } from "../support/simulator-network";
import { engineDeps } from "../support/sync-fixture";

const network = useSimulatorNetwork();
const ORIGIN = "https://demo.sim.test";
const DAY = 86_400_000;

describe("the demo's simulators", () => {
  it("hold tickets from the three days before the moment they are seeded, none later", () => {
    const now = Date.parse("2026-12-06T10:00:00Z");
    const sims = createDemoSimulators(now);
    const cw = [...sims.connectwise.store.tickets.values()].flatMap((t) => [t._info.dateEntered!, t._info.lastUpdated]).map((s) => Date.parse(s));
    const sn = sims.servicenow.store.list("incident").flatMap((r) => [r.sys_created_on!, r.sys_updated_on!]).map((s) => Date.parse(`${s.replace(" ", "T")}Z`));
    const rt = sims["request-tracker"].store.tickets.flatMap((t) => [t.Created, t.LastUpdated]).map((s) => s * 1000);
    for (const [name, times] of Object.entries({ cw, sn, rt })) {
      expect({ name, count: times.length > 20 }).toEqual({ name, count: true });
      expect({ name, newest: Math.max(...times) < now }).toEqual({ name, newest: true });
      expect({ name, oldest: Math.min(...times) >= now - 6 * DAY }).toEqual({ name, oldest: true });
    }
    // Spread over the days, not bunched in one hour.
    expect(Math.max(...cw) - Math.min(...cw)).toBeGreaterThan(2 * DAY);
  });
});

describe("the demo seed", () => {
  let seeded: DemoSeedResult;
  let ids: { handsOn: string; automatic: string };
  // The demo Worker's /__sim routes, at the origin the seeded accounts point to.
  const app = new Hono<{ Bindings: Env }>();
  mountSimulators(app);
  beforeEach(() => network.mount("demo.sim.test", app));
  beforeAll(async () => {
    reseedDemoSimulators(Date.now());
    network.mount("demo.sim.test", app);
    const db = createDb(env.DB);
    seeded = await seedDemo({ db, encryptionKey: env.ENCRYPTION_KEY, allowLoopbackHttp: false, fetch: (i, init) => fetch(i, init) }, ORIGIN, env);
    const rows = await db.select({ id: connections.id, name: connections.name }).from(connections);
    ids = { handsOn: rows.find((r) => r.name === DEMO_CONNECTION_NAME)!.id, automatic: rows.find((r) => r.name === AUTOMATIC_CONNECTION_NAME)!.id };
  });

  it("syncs the NOC connection once by hand and switches its automatic sync on", async () => {
    expect(seeded).toMatchObject({ created: true, automatic: { connectionId: ids.automatic, enabled: true } });
    const db = createDb(env.DB);
    const [row] = await db.select().from(connections).where(eq(connections.id, ids.automatic));
    expect(row).toMatchObject({ automaticEnabled: true, status: "active" });
    const runs = await db.select().from(syncRuns).where(eq(syncRuns.connectionId, ids.automatic));
    expect(runs).toMatchObject([{ trigger: "manual", status: "success", created: 12, failed: 0 }]);
  });

  it("leaves the Service Desk connection for the README's first sync, which creates tickets and fails the unmapped ones", async () => {
    const db = createDb(env.DB);
    expect(await db.select().from(syncRuns).where(eq(syncRuns.connectionId, ids.handsOn))).toEqual([]);
    // No start date: the first sync's own window (the last 30 days), as *Sync now* uses it.
    const result = await runSync(engineDeps(), { connectionId: ids.handsOn, mode: "quick", trigger: "manual" });
    expect(result.status).toBe("partial");
    expect(result.counts).toMatchObject({ created: 10, failed: DEMO_UNMAPPED_TICKET_IDS.length });
    const failed = await db.select().from(runItems).where(and(eq(runItems.runId, result.runId), eq(runItems.outcome, "failed")));
    expect(failed.map((f) => [f.sourceTicketId, f.errorCode]).sort()).toEqual(DEMO_UNMAPPED_TICKET_IDS.map((id) => [String(id), "value_not_mapped"]));
  });

  it("raises a NOC alert and notes the one before it, which the next automatic run carries over", async () => {
    const activity = await makeDemoActivity((i, init) => fetch(i, init), ORIGIN, 0);
    const cw = simulators.connectwise.store;
    const created = cw.tickets.get(activity.created.id)!;
    expect(created).toMatchObject({ board: { id: NOC_BOARD_ID }, summary: activity.created.summary });
    expect(cw.notesOf(activity.noted!.id).at(-1)!.text).toBe("Looked into it: monitoring again in an hour.");
    const result = await runSync(engineDeps(), { connectionId: ids.automatic, mode: "quick", trigger: "automatic" });
    expect(result).toMatchObject({ status: "success", counts: { created: 1, updated: 1, failed: 0 } });
    const db = createDb(env.DB);
    const runs = await db.select().from(syncRuns).where(and(eq(syncRuns.connectionId, ids.automatic), eq(syncRuns.trigger, "automatic")));
    expect(runs).toMatchObject([{ status: "success", created: 1 }]);
  });

  it("does nothing the second time", async () => {
    const db = createDb(env.DB);
    expect(await seedDemo({ db, encryptionKey: env.ENCRYPTION_KEY, allowLoopbackHttp: false, fetch: (i, init) => fetch(i, init) }, ORIGIN, env)).toEqual({ created: false });
    expect(await db.select().from(connections)).toHaveLength(2);
  });
});
