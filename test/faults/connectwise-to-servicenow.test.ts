// The demo's pair under faults: 1,000 ConnectWise Service Desk tickets (three notes each, one in
// ten with a document, one in three with time entries) synced to ServiceNow incidents while both
// platforms fail one call in ten at random, then run until both sides agree. Then the same with
// the connection's Durable Object evicted at random points between chunks.
import { beforeAll, describe, expect, it } from "vitest";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { servicenowConnector } from "../../src/connectors/servicenow/index";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection } from "../support/sync-fixture";
import { checkConvergence } from "./support/converge";
import { failureRate, scenarioSeed } from "./support/random";
import { syncUntilConverged, type ScenarioResult } from "./support/scenario";
import { seedConnectWiseBacklog } from "./support/seed-connectwise";

const network = useSimulatorNetwork();
const TICKETS = 1_000;
const FAILURE_RATE = failureRate(0.1);
const MAX_RUNS = 40;
const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";
const CW_CREDENTIALS = { ...CONNECTWISE_SIMULATOR_DEFAULTS };
const SN_CREDENTIALS = { authType: "basic" as const, username: "lockstep.integration", password: "sn-password" };
// Short enough that a call left hanging costs little, long enough for a loaded CI machine.
const SETTINGS = { timeoutMs: 250 };
const SOURCE_SETTINGS = { ...DEMO_SIDE_SETTINGS.source, comments: { public: true, internal: true }, timeEntries: { enabled: true } };

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

/** Fresh platforms (hosts of their own, so scenarios never share one) and a connection between them. */
async function setUp(label: string) {
  const cw = createConnectWiseSimulator();
  const sn = createServiceNowSimulator();
  seedConnectWiseBacklog(cw.store, TICKETS);
  // The instance keeps its users and choice lists; its demo tickets go, so every incident is ours.
  for (const table of ["task", "sys_journal_field", "sys_attachment", "task_time_worked"]) sn.store.rows.get(table)!.splice(0);
  const hosts = { cw: `cw-${label}.sim.test`, sn: `sn-${label}.sim.test` };
  network.mount(hosts.cw, cw.app);
  network.mount(hosts.sn, sn.app);
  const cwBase = CW_BASE.replace("cw.sim.test", hosts.cw);
  const source = await addAccount(org.token, { name: hosts.cw, platform: "connectwise", baseUrl: cwBase, credentials: CW_CREDENTIALS, settings: SETTINGS });
  const target = await addAccount(org.token, { name: hosts.sn, platform: "servicenow", baseUrl: `https://${hosts.sn}`, credentials: SN_CREDENTIALS, settings: SETTINGS });
  const connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: SOURCE_SETTINGS }, target: { accountId: target, settings: DEMO_SIDE_SETTINGS.target } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
  const fetchOf = () => (input: Request | string | URL, init?: RequestInit) => fetch(input, init);
  const cwClient = connectwiseConnector.create({ fetch: fetchOf(), config: { baseUrl: cwBase, credentials: CW_CREDENTIALS, settings: connectwiseConnector.settingsSchema.parse({}) } });
  const snClient = servicenowConnector.create({ fetch: fetchOf(), config: { baseUrl: `https://${hosts.sn}`, credentials: SN_CREDENTIALS, settings: servicenowConnector.settingsSchema.parse({}) } });
  const check = () =>
    checkConvergence(
      {
        source: { client: cwClient, ticketType: "ticket", comments: SOURCE_SETTINGS.comments, attachments: true, timeEntries: true, inScope: (t) => t.queue?.id === "1" },
        target: { client: snClient, ticketType: "incident", comments: { public: true, internal: false }, attachments: true, timeEntries: false },
      },
      DEMO_MAPPINGS,
    );
  return { cw, sn, connectionId, check };
}

function report(name: string, result: ScenarioResult) {
  console.log(
    `[faults] ${name}: ${result.converged ? "converged" : "did NOT converge"} after ${result.runs} runs (${result.alarms} alarms, ${result.evictions} evictions, ${result.checks} checks); ` +
      `calls ${JSON.stringify(result.calls)}; faults injected ${JSON.stringify(result.injected)}; compared ${JSON.stringify(result.last?.counted ?? null)}`,
  );
}

describe("ConnectWise → ServiceNow under faults", () => {
  it("converges with 10% of calls failing at random", async () => {
    const name = "ConnectWise → ServiceNow, random faults";
    const { cw, sn, connectionId, check } = await setUp("faults");
    const result = await syncUntilConverged({
      name, seed: scenarioSeed(9_001), orgId: org.organisation.id, connectionId, faults: { connectwise: cw.faults, servicenow: sn.faults },
      failureRate: FAILURE_RATE, check, maxRuns: MAX_RUNS, since: "2020-01-01T00:00:00.000Z",
    });
    report(name, result);
    expect(result.last?.problems.slice(0, 20) ?? ["never checked: no run finished without failures"]).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.last!.counted).toMatchObject({ tickets: TICKETS, comments: 3 * TICKETS });
  });

  it("converges with 10% of calls failing and the Durable Object evicted at random between chunks", async () => {
    const name = "ConnectWise → ServiceNow, random faults and evictions";
    const { cw, sn, connectionId, check } = await setUp("evictions");
    const result = await syncUntilConverged({
      name, seed: scenarioSeed(9_002), orgId: org.organisation.id, connectionId, faults: { connectwise: cw.faults, servicenow: sn.faults },
      failureRate: FAILURE_RATE, check, maxRuns: MAX_RUNS, since: "2020-01-01T00:00:00.000Z", evictionRate: 0.5, chunkTickets: 50,
    });
    report(name, result);
    expect(result.last?.problems.slice(0, 20) ?? ["never checked: no run finished without failures"]).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.evictions).toBeGreaterThan(0);
  });
});
