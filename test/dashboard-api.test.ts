import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requestTrackerConnector } from "../src/connectors/request-tracker/index";
import { eq } from "drizzle-orm";
import { createDb } from "../src/db/client";
import { connections } from "../src/db/schema";
import { api, setupFirstOrganisation } from "./helpers";
import { internalConnection, recordRun } from "./support/run-fixture";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let connectionId: string;
const limit = requestTrackerConnector.facts.rateLimit;
const enforced = limit.enforced;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  connectionId = await internalConnection(org.token, org.organisation.id, "dashapi");
});
afterEach(() => {
  limit.enforced = enforced;
});

type Dashboard = {
  connections: { id: string; failuresInRow: number; lastRun: { status: string } | null; apiBudgets: { side: string; used: number | null; requests: number }[] }[];
  daily: { day: string; synced: number; failed: number }[];
};

describe("GET /dashboard", () => {
  it("counts failures in a row back to the last run that did not fail", async () => {
    await recordRun(connectionId, { status: "success" });
    await recordRun(connectionId, { status: "failed" });
    await recordRun(connectionId, { status: "failed" });
    const body = (await (await api("/dashboard", org.token)).json()) as Dashboard;
    const health = body.connections.find((c) => c.id === connectionId)!;
    expect(health.failuresInRow).toBe(2);
    expect(health.lastRun?.status).toBe("failed");
    expect(body.daily).toHaveLength(30);
  });

  it("ends the streak at a later automatic check that found nothing (such runs leave no row)", async () => {
    const db = createDb(env.DB);
    await db.update(connections).set({ lastCheckedAt: new Date(Date.now() + 1_000).toISOString() }).where(eq(connections.id, connectionId));
    const body = (await (await api("/dashboard", org.token)).json()) as Dashboard;
    expect(body.connections.find((c) => c.id === connectionId)!.failuresInRow).toBe(0);
    await db.update(connections).set({ lastCheckedAt: null }).where(eq(connections.id, connectionId));
  });

  it("reads the API budget used from the account's own budget object where Lockstep paces by it", async () => {
    let body = (await (await api("/dashboard", org.token)).json()) as Dashboard;
    expect(body.connections.find((c) => c.id === connectionId)!.apiBudgets.map((b) => b.used)).toEqual([null, null]);
    // As for a platform that publishes a hard limit: the engine reserves its calls there.
    limit.enforced = true;
    const sides = (await (await api(`/connections/${connectionId}`, org.token)).json()) as { sides: { side: string; account: { id: string } }[] };
    const source = sides.sides.find((s) => s.side === "source")!.account.id;
    const budget = env.ACCOUNT_BUDGET.get(env.ACCOUNT_BUDGET.idFromName(source));
    expect(await budget.reserve("run-1", limit, 7)).toEqual({ granted: true });
    body = (await (await api("/dashboard", org.token)).json()) as Dashboard;
    const budgets = body.connections.find((c) => c.id === connectionId)!.apiBudgets;
    expect(budgets.find((b) => b.side === "source")!.used).toBe(7);
    expect(budgets.find((b) => b.side === "target")!.used).toBe(0);
  });
});
