// The last and next automatic check, as GET /connections/:id/sync-status and the Sync page show
// them: the cron runs on the clock's 5-minute marks, and an automatic run looks whether or not
// it finds work (a history row) or not (only `lastCheckedAt`).
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { connections, syncRuns } from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { syncStatusSchema } from "../../src/schemas/overview";
import { nextAutomaticCheck } from "../../src/services/automatic-sync";
import { api, db } from "../helpers";
import { page, pageActors } from "../pages/page-support";
import { addAccount, createConnection, rtAccount } from "../support/sync-fixture";

let actors: Awaited<ReturnType<typeof pageActors>>;
let connectionId: string;

beforeAll(async () => {
  actors = await pageActors();
  connectionId = await createConnection(actors.org.organisation.id, {
    source: { accountId: await addAccount(actors.org.token, rtAccount("checks-a.sim.test")) },
    target: { accountId: await addAccount(actors.org.token, rtAccount("checks-b.sim.test")) },
  });
});

async function status() {
  const res = await api(`/connections/${connectionId}/sync-status`, actors.org.token);
  expect(res.status).toBe(200);
  return syncStatusSchema.parse(await res.json());
}

describe("the next automatic check", () => {
  it("is the clock's next 5-minute mark", () => {
    expect(nextAutomaticCheck(Date.parse("2026-12-06T10:02:30.500Z"))).toBe("2026-12-06T10:05:00.000Z");
    expect(nextAutomaticCheck(Date.parse("2026-12-06T10:05:00.000Z"))).toBe("2026-12-06T10:10:00.000Z");
    expect(nextAutomaticCheck(Date.parse("2026-12-06T23:59:59.999Z"))).toBe("2026-12-07T00:00:00.000Z");
  });
});

describe("sync status: last and next automatic check", () => {
  it("has neither while automatic sync is off and has never run", async () => {
    expect(await status()).toMatchObject({ lastAutomaticCheckAt: null, nextAutomaticCheckAt: null });
    const { body } = await page(actors.owner, `/connections/${connectionId}/sync`);
    expect(body).not.toContain("Last automatic check");
  });

  it("names the next 5-minute mark once automatic sync is on, and the last check whether it found work or not", async () => {
    const now = new Date().toISOString();
    await db().update(connections).set({ automaticEnabled: true, initialSyncCompletedAt: now }).where(eq(connections.id, connectionId));
    const before = Date.now();
    const on = await status();
    expect(on.lastAutomaticCheckAt).toBeNull();
    const next = Date.parse(on.nextAutomaticCheckAt!);
    expect(next % 300_000).toBe(0);
    expect(next).toBeGreaterThan(before);
    expect(next - before).toBeLessThanOrEqual(300_000);
    expect((await page(actors.owner, `/connections/${connectionId}/sync`)).body).toContain(
      `Last automatic check: none yet · next: <time datetime="${on.nextAutomaticCheckAt}">`,
    );

    // An automatic run that found work leaves a row; one that found nothing only `lastCheckedAt`.
    const ranAt = "2026-12-06T10:05:01.000Z";
    await db().insert(syncRuns).values({ id: newId("run"), connectionId, mode: "quick", trigger: "automatic", status: "success", startedAt: ranAt, finishedAt: ranAt });
    expect((await status()).lastAutomaticCheckAt).toBe(ranAt);
    const checkedAt = "2026-12-06T10:10:01.000Z";
    await db().update(connections).set({ lastCheckedAt: checkedAt }).where(eq(connections.id, connectionId));
    expect((await status()).lastAutomaticCheckAt).toBe(checkedAt);
    // A manual run is not an automatic check.
    await db().insert(syncRuns).values({ id: newId("run"), connectionId, mode: "quick", trigger: "manual", status: "success", startedAt: "2026-12-06T10:12:00.000Z" });
    expect((await status()).lastAutomaticCheckAt).toBe(checkedAt);
    expect((await page(actors.owner, `/connections/${connectionId}/sync`)).body).toContain(`Last automatic check: <time datetime="${checkedAt}">2026-12-06 10:10 UTC</time>`);
  });

  it("has no next check while the connection is paused", async () => {
    expect((await api(`/connections/${connectionId}/pause`, actors.org.token, { method: "POST" })).status).toBe(200);
    expect((await status()).nextAutomaticCheckAt).toBeNull();
    expect((await api(`/connections/${connectionId}/resume`, actors.org.token, { method: "POST" })).status).toBe(200);
    expect((await status()).nextAutomaticCheckAt).not.toBeNull();
  });
});
