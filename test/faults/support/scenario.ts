// Drives a connection's runs through its Durable Object, as production does (alarm by alarm, a
// retry after a passing failure, a follow-up run asked for when one ends), while its simulators
// fail calls at random, until both platforms hold the same tickets, comments, files and time.
// Optionally evicts the object between alarms. Every random choice comes from one printed seed.
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { and, asc, eq, like } from "drizzle-orm";
import { createDb } from "../../../src/db/client";
import { attachmentLinks, changeCursors, commentLinks, syncRuns, ticketLinks, timeEntryLinks } from "../../../src/db/schema";
import type { Fault, FaultPlan } from "../../../src/simulators/faults";
import { BUDGET_KEY, connectionSyncStub } from "../../../src/sync/connection-sync";
import type { Convergence } from "./converge";
import { faultKinds, streams } from "./random";

/** The faults of issue 9: a rate limit with Retry-After, a server error, a call that never
 * answers (the client's timeout ends it), a connection cut mid-body, and a body that is not JSON;
 * and of issue 15: a write answered with success that keeps nothing (comment, file, time entry). */
export const RANDOM_FAULTS: Fault[] = [
  { kind: "status", status: 429, retryAfter: "1" },
  { kind: "status", status: 500 },
  { kind: "hang" },
  { kind: "cut" },
  { kind: "malformed" },
  { kind: "drop" },
];

export type ScenarioOptions = {
  name: string;
  seed: number;
  orgId: string;
  connectionId: string;
  /** The simulators whose calls fail, by name (their FaultPlans). */
  faults: Record<string, FaultPlan>;
  failureRate: number;
  /** Whether the answer is right: read both platforms with faults paused. */
  check: () => Promise<Convergence>;
  /** Evict the object after an alarm with this probability (0: never). */
  evictionRate?: number;
  /** Tickets per chunk (the object's budget override), so a run takes many alarms. */
  chunkTickets?: number;
  /** Give up after this many runs (rows in the run history, retries included). */
  maxRuns: number;
  since: string;
};

export type ScenarioResult = {
  converged: boolean;
  runs: number;
  alarms: number;
  evictions: number;
  calls: Record<string, number>;
  /** Faults injected per simulator, by kind. */
  injected: Record<string, Record<string, number>>;
  checks: number;
  last: Convergence | null;
  statuses: string[];
};

const MAX_ALARMS_PER_REQUEST = 2_000;
/** Quiet runs (nothing to do) in a row with the same differences before giving up. */
const STUCK_AFTER = 2;

export async function syncUntilConverged(options: ScenarioOptions): Promise<ScenarioResult> {
  const random = streams(options.seed);
  const injected: Record<string, Record<string, number>> = {};
  for (const [name, plan] of Object.entries(options.faults)) {
    plan.randomFaults = faultKinds(RANDOM_FAULTS);
    plan.seed(random.next());
    // Counted here, per kind, to print what the run went through.
    const counts: Record<string, number> = (injected[name] = {});
    const take = plan.take.bind(plan);
    plan.take = (method, path) => {
      const fault = take(method, path);
      if (fault) {
        const kind = fault.kind === "status" ? String(fault.status) : fault.kind;
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      return fault;
    };
  }
  const evictions = random.next();
  const setFaults = (on: boolean) => {
    for (const plan of Object.values(options.faults)) plan.failureRate = on ? options.failureRate : 0;
  };
  console.log(`[faults] ${options.name}: seed ${options.seed} (replay: FAULT_SEED=${options.seed} npm run test:faults -- -t "${options.name}")`);

  const stub = connectionSyncStub(env, options.orgId, options.connectionId);
  if (options.chunkTickets) await runInDurableObject(stub, (_instance, state) => state.storage.put(BUDGET_KEY, { tickets: options.chunkTickets }));
  const db = createDb(env.DB);
  const runRows = () => db.select().from(syncRuns).where(eq(syncRuns.connectionId, options.connectionId)).orderBy(asc(syncRuns.startedAt));
  const result: ScenarioResult = { converged: false, runs: 0, alarms: 0, evictions: 0, calls: {}, injected, checks: 0, last: null, statuses: [] };

  // Copies a platform dropped twice are reported (comment_not_stored…), not sent again by quick
  // runs; their advice is a full resync, which the scenario then asks for, as the admin would.
  const reported = async () => {
    let count = 0;
    for (const table of [commentLinks, attachmentLinks, timeEntryLinks]) {
      const rows = await db.select({ id: table.id }).from(table).innerJoin(ticketLinks, eq(table.ticketLinkId, ticketLinks.id)).where(and(eq(ticketLinks.connectionId, options.connectionId), like(table.errorCode, "%_not_stored")));
      count += rows.length;
    }
    return count;
  };
  let first = true;
  let stuck = 0;
  let previous = "";
  while (result.runs < options.maxRuns) {
    setFaults(true);
    const notKept = first ? 0 : await reported();
    if (notKept > 0) console.log(`[faults] ${options.name}: ${notKept} copies reported as not kept by the platform; a full resync sends them again`);
    // Automatic runs: a manual one would meet the connection's cool-down between requests.
    const answer = await stub.requestRun({ connectionId: options.connectionId, mode: notKept > 0 ? "full" : "quick", trigger: "automatic", ...(first ? { since: options.since } : {}) });
    if (answer.kind !== "queued") throw new Error(`the run was not queued: ${JSON.stringify(answer)}`);
    first = false;
    // Alarms until the object has nothing left: the run, and any retries it queued.
    for (let n = 0; (await runDurableObjectAlarm(stub)) || (await stub.progress()) !== null; n++) {
      await stub.drain();
      result.alarms++;
      if (n > MAX_ALARMS_PER_REQUEST) throw new Error(`${options.name}: a run took more than ${MAX_ALARMS_PER_REQUEST} alarms`);
      // Between alarms only: an eviction waits for requests in flight, so it cannot land mid-chunk.
      if (options.evictionRate && evictions() < options.evictionRate) {
        result.evictions++;
        await evict(stub, async () => {
          const last = (await runRows()).at(-1);
          return `progress ${JSON.stringify(await stub.progress())}, last run ${last?.status} ${last?.errorCode ?? ""} ${last?.errorMessage ?? ""}`;
        });
      }
    }
    const rows = await runRows();
    result.runs = rows.length;
    result.statuses = rows.map((r) => r.status);
    const last = rows.at(-1)!;
    // Tickets the engine will re-read by id next run (its cursors' retry lists).
    const cursors = await db.select().from(changeCursors).where(eq(changeCursors.connectionId, options.connectionId));
    const retrying = cursors.map((c) => `${c.side} ${(JSON.parse(c.retryIds) as string[]).length}`).join(", ") || "none";
    console.log(
      `[faults] ${options.name}: after ${rows.length} runs (${result.alarms} alarms, ${result.evictions} evictions): last ${last.status} created ${last.created} updated ${last.updated} ` +
        `failed ${last.failed}${last.errorCode ? ` (${last.errorCode}: ${last.errorMessage})` : ""}; to re-read by id: ${retrying}`,
    );
    // Only a run that failed nothing can have left both sides equal; check then.
    if (last.status !== "success" && last.status !== "no_tickets") continue;
    setFaults(false);
    const report = await options.check();
    result.checks++;
    result.last = report;
    if (report.problems.length === 0) {
      result.converged = true;
      break;
    }
    console.log(`[faults] ${options.name}: not yet equal, ${report.problems.length} problems, e.g. ${report.problems.slice(0, 3).join(" | ")}`);
    // Quiet runs that find nothing to do while the same differences stay: the engine believes it
    // is done, and more runs will not change that.
    const same = JSON.stringify(report.problems);
    stuck = last.status === "no_tickets" && same === previous ? stuck + 1 : 0;
    previous = same;
    if (stuck >= STUCK_AFTER) {
      console.log(`[faults] ${options.name}: ${STUCK_AFTER + 1} quiet runs in a row left the same ${report.problems.length} differences; stopping`);
      break;
    }
  }
  setFaults(false);
  for (const [name, plan] of Object.entries(options.faults)) result.calls[name] = plan.calls.length;
  return result;
}

/**
 * Evicts the object. workerd first waits (about 30 s) for the object's requests in flight to end;
 * after the alarm and drain() have returned there should be none, so a refusal means the chunk
 * left work running that never ends (a stream or a call it started and never finished).
 */
async function evict(stub: ReturnType<typeof connectionSyncStub>, describe: () => Promise<string>): Promise<void> {
  try {
    await evictDurableObject(stub);
  } catch (err) {
    if (!(err instanceof Error && /active references/.test(err.message))) throw err;
    throw new Error(`The object could not be evicted after its alarm returned: work it started is still in flight (${err.message}); ${await describe()}`);
  }
}

/** One line with the outcome and what the scenario went through, beside the test's result. */
export function reportScenario(name: string, result: ScenarioResult) {
  console.log(
    `[faults] ${name}: ${result.converged ? "converged" : "did NOT converge"} after ${result.runs} runs (${result.alarms} alarms, ${result.evictions} evictions, ${result.checks} checks); ` +
      `calls ${JSON.stringify(result.calls)}; faults injected ${JSON.stringify(result.injected)}; compared ${JSON.stringify(result.last?.counted ?? null)}`,
  );
}
