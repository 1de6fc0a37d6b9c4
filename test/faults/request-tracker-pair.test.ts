// Two Request Tracker instances under faults: 1,000 tickets on A (a reply each, one in three with
// time taken, an internal comment, one in ten with a file) synced to B while both fail one call
// in ten at random, then run until both agree. Then the same with the connection's Durable Object
// evicted at random points between chunks.
import { beforeAll, describe, expect, it } from "vitest";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection } from "../support/sync-fixture";
import { checkConvergence } from "./support/converge";
import { failureRate, scenarioSeed } from "./support/random";
import { syncUntilConverged, type ScenarioResult } from "./support/scenario";
import { seedRequestTrackerBacklog } from "./support/seed-request-tracker";

const network = useSimulatorNetwork();
const TICKETS = 1_000;
const FAILURE_RATE = failureRate(0.1);
const MAX_RUNS = 40;
const CREDENTIALS = { kind: "basic" as const, username: "lockstep", password: "lockstep-password" };
// Short enough that a call left hanging costs little, long enough for a loaded CI machine.
const SETTINGS = { timeoutMs: 250 };
const STATUS_PAIRS = ["new", "open", "stalled", "resolved", "rejected"].map((s) => ({ sourceValue: s, targetValue: s }));
const MAPPINGS = [
  { sourceField: "status", targetField: "status", kind: "value" as const, direction: "bidirectional" as const, valuePairs: STATUS_PAIRS },
  { sourceField: "priority", targetField: "priority", kind: "direct" as const, direction: "bidirectional" as const },
  { sourceField: "title", targetField: "title", kind: "direct" as const, direction: "source_to_target" as const },
];
const SOURCE_SETTINGS = { comments: { public: true, internal: true }, timeEntries: { enabled: true } };

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

async function setUp(label: string) {
  const a = createRequestTrackerSimulator();
  const b = createRequestTrackerSimulator();
  seedRequestTrackerBacklog(a.store, TICKETS);
  seedRequestTrackerBacklog(b.store, 0);
  const hosts = { a: `rt-a-${label}.sim.test`, b: `rt-b-${label}.sim.test` };
  network.mount(hosts.a, a.app);
  network.mount(hosts.b, b.app);
  const account = (host: string) => addAccount(org.token, { name: host, platform: "request-tracker", baseUrl: `https://${host}`, credentials: CREDENTIALS, settings: SETTINGS });
  const connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: await account(hosts.a), settings: SOURCE_SETTINGS }, target: { accountId: await account(hosts.b), settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: MAPPINGS },
  );
  const client = (host: string) =>
    requestTrackerConnector.create({ fetch: (input, init) => fetch(input, init), config: { baseUrl: `https://${host}`, credentials: CREDENTIALS, settings: requestTrackerConnector.settingsSchema.parse({}) } });
  const check = () =>
    checkConvergence(
      {
        source: { client: client(hosts.a), ticketType: "ticket", comments: SOURCE_SETTINGS.comments, attachments: true, timeEntries: true },
        target: { client: client(hosts.b), ticketType: "ticket", comments: { public: true, internal: false }, attachments: true, timeEntries: false },
      },
      MAPPINGS,
    );
  return { a, b, connectionId, check };
}

function report(name: string, result: ScenarioResult) {
  console.log(
    `[faults] ${name}: ${result.converged ? "converged" : "did NOT converge"} after ${result.runs} runs (${result.alarms} alarms, ${result.evictions} evictions, ${result.checks} checks); ` +
      `calls ${JSON.stringify(result.calls)}; faults injected ${JSON.stringify(result.injected)}; compared ${JSON.stringify(result.last?.counted ?? null)}`,
  );
}

describe("Request Tracker → Request Tracker under faults", () => {
  it("converges with 10% of calls failing at random", async () => {
    const name = "RT → RT, random faults";
    const { a, b, connectionId, check } = await setUp("faults");
    const result = await syncUntilConverged({
      name, seed: scenarioSeed(9_101), orgId: org.organisation.id, connectionId, faults: { "rt-a": a.faults, "rt-b": b.faults },
      failureRate: FAILURE_RATE, check, maxRuns: MAX_RUNS, since: "2020-01-01T00:00:00.000Z",
    });
    report(name, result);
    expect(result.last?.problems.slice(0, 20) ?? ["never checked: no run finished without failures"]).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.last!.counted).toMatchObject({ tickets: TICKETS, comments: 2 * TICKETS });
  });

  it("converges with 10% of calls failing and the Durable Object evicted at random between chunks", async () => {
    const name = "RT → RT, random faults and evictions";
    const { a, b, connectionId, check } = await setUp("evictions");
    const result = await syncUntilConverged({
      name, seed: scenarioSeed(9_102), orgId: org.organisation.id, connectionId, faults: { "rt-a": a.faults, "rt-b": b.faults },
      failureRate: FAILURE_RATE, check, maxRuns: MAX_RUNS, since: "2020-01-01T00:00:00.000Z", evictionRate: 0.5, chunkTickets: 50,
    });
    report(name, result);
    expect(result.last?.problems.slice(0, 20) ?? ["never checked: no run finished without failures"]).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.evictions).toBeGreaterThan(0);
  });
});
