// A platform account's published request budget is shared by every connection that uses it:
// calls in the platform's window and threads in use are counted in one place, the account's
// Durable Object, and a run that would pass either waits (checkpointed) instead of being refused.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import { syncRuns } from "../../src/db/schema";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { accountPacer, type AccountRateBudget } from "../../src/sync/account-budget";
import { ChunkBudget } from "../../src/sync/engine/budget";
import type { Pacer, RateLimit } from "../../src/sync/engine/pacing";
import { beginRun, runChunk } from "../../src/sync/engine/run-sync";
import { MemoryWorkStore } from "../../src/sync/engine/run-state";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps, rtAccount } from "../support/sync-fixture";

// Autotask's published budget: 10,000 calls an hour per database, three threads.
const AUTOTASK: RateLimit = { requests: 10_000, perSeconds: 3_600, concurrency: 3, enforced: true, source: "Autotask REST thresholds" };
const HOUR = 3_600_000;

function budgetOf(name: string) {
  return env.ACCOUNT_BUDGET.get(env.ACCOUNT_BUDGET.idFromName(name));
}
const inBudget = <T,>(name: string, fn: (budget: AccountRateBudget) => Promise<T>) => runInDurableObject(budgetOf(name), (instance: AccountRateBudget) => fn(instance));

describe("a platform account's request budget", () => {
  it("grants calls until the hour's budget is spent, then says when there is room again", async () => {
    const t0 = Date.UTC(2026, 10, 23, 9, 0, 0);
    await inBudget("acct-hourly", async (budget) => {
      expect(await budget.reserve("run-1", AUTOTASK, 8_000, t0)).toEqual({ granted: true });
      expect(await budget.reserve("run-2", AUTOTASK, 1_500, t0 + 60_000)).toEqual({ granted: true });
      const refused = await budget.reserve("run-2", AUTOTASK, 1_000, t0 + 120_000);
      expect(refused.granted).toBe(false);
      // The 8,000 reserved at t0 leave the window an hour (and one slot) later.
      const wait = (refused as { waitMs: number }).waitMs;
      expect(t0 + 120_000 + wait).toBeGreaterThanOrEqual(t0 + HOUR);
      expect(t0 + 120_000 + wait).toBeLessThanOrEqual(t0 + HOUR + 2 * 60_000);
      expect(await budget.used(AUTOTASK, t0 + 120_000)).toBe(9_500);
      expect(await budget.reserve("run-2", AUTOTASK, 500, t0 + 120_000)).toEqual({ granted: true });
      expect(await budget.reserve("run-2", AUTOTASK, 1_000, t0 + HOUR + 2 * 60_000)).toEqual({ granted: true });
    });
  });

  it("lets at most three runs hold a thread, frees one on release, and lets a lost lease lapse", async () => {
    const t0 = Date.UTC(2026, 10, 23, 10, 0, 0);
    await inBudget("acct-threads", async (budget) => {
      for (const run of ["run-1", "run-2", "run-3"]) expect(await budget.reserve(run, AUTOTASK, 10, t0)).toEqual({ granted: true });
      const fourth = await budget.reserve("run-4", AUTOTASK, 10, t0);
      expect(fourth.granted).toBe(false);
      expect((fourth as { waitMs: number }).waitMs).toBeLessThanOrEqual(2 * 60_000);
      // A run already holding a thread is not a new one.
      expect(await budget.reserve("run-1", AUTOTASK, 10, t0 + 1_000)).toEqual({ granted: true });
      await budget.release("run-2");
      expect(await budget.reserve("run-4", AUTOTASK, 10, t0 + 2_000)).toEqual({ granted: true });
      // run-3 died without releasing: its lease lapses after two minutes.
      expect((await budget.reserve("run-5", AUTOTASK, 10, t0 + 3_000)).granted).toBe(false);
      await budget.release("run-1");
      await budget.release("run-4");
      expect(await budget.reserve("run-5", AUTOTASK, 10, t0 + 2 * 60_000 + 1_000)).toEqual({ granted: true });
    });
  });

  it("is not consulted for platforms that publish no budget", async () => {
    const pacer = accountPacer(env);
    const unenforced: RateLimit = { ...AUTOTASK, requests: 1, enforced: false };
    for (let i = 0; i < 5; i++) expect(await pacer.reserve({ accountId: "acct-free", holder: `run-${i}`, rateLimit: unenforced, calls: 100 })).toEqual({ granted: true });
    expect(await inBudget("acct-free", (budget) => budget.used(unenforced))).toBe(0);
  });
});

describe("runs of two connections on one account", () => {
  const network = useSimulatorNetwork();
  let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
  let accounts: { a: string; b: string };
  beforeAll(async () => {
    org = await setupFirstOrganisation();
    accounts = { a: await addAccount(org.token, rtAccount("rt-a.sim.test")), b: await addAccount(org.token, rtAccount("rt-b.sim.test")) };
  });
  beforeEach(() => {
    network.mount("rt-a.sim.test", createRequestTrackerSimulator().app);
    network.mount("rt-b.sim.test", createRequestTrackerSimulator().app);
  });

  it("share its budget: when it is spent, each run checkpoints and waits for the window", async () => {
    // The same account as a platform with a small published budget (as if it were Autotask's).
    const small: RateLimit = { requests: 120, perSeconds: 3_600, concurrency: 3, enforced: true, source: "test" };
    const real = accountPacer(env);
    const pacer: Pacer = { reserve: (r) => real.reserve({ ...r, rateLimit: small }), release: (r) => real.release({ ...r, rateLimit: small }) };
    const deps = { ...engineDeps(), pacer };
    const connection = () =>
      createConnection(
        org.organisation.id,
        { source: { accountId: accounts.a }, target: { accountId: accounts.b, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
        { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }] },
      );
    const outcomes = [];
    for (const id of [await connection(), await connection()]) {
      const store = new MemoryWorkStore();
      const { request } = await beginRun(deps, { connectionId: id, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" }, store);
      let outcome = await runChunk(deps, store, new ChunkBudget());
      // A run goes on until the account's window is spent, then stops with a wait.
      while (outcome.kind === "more" && outcome.stoppedBy !== "platform budget") outcome = await runChunk(deps, store, new ChunkBudget());
      outcomes.push({ outcome, runId: request.runId, done: (await store.loadState())?.done ?? 0 });
    }
    const [first, second] = outcomes;
    expect(first!.outcome).toMatchObject({ kind: "more", stoppedBy: "platform budget" });
    expect(first!.done).toBeGreaterThan(0);
    // The second connection finds the window already spent by the first: it waits at once.
    expect(second!.outcome).toMatchObject({ kind: "more", stoppedBy: "platform budget" });
    expect(second!.done).toBe(0);
    expect((second!.outcome as { delayMs: number }).delayMs).toBeGreaterThan(50 * 60_000);
    for (const { runId } of outcomes) expect((await createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.id, runId)))[0]!.status).toBe("running");
  });
});
