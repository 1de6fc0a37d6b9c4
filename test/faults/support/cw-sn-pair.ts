// ConnectWise → ServiceNow for the fault suite, the demo's pair: 1,000 Service Desk tickets (three
// notes each, one in ten with a document, one in three with time entries) and a connection syncing
// them to ServiceNow incidents, plus a check that reads both through the connectors. One scenario
// per test file, so the suite's files run side by side.
import { connectwiseConnector } from "../../../src/connectors/connectwise/index";
import { servicenowConnector } from "../../../src/connectors/servicenow/index";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../../src/simulators/servicenow/app";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../../src/demo-connection";
import type { setupFirstOrganisation } from "../../helpers";
import type { useSimulatorNetwork } from "../../support/simulator-network";
import { addAccount, createConnection } from "../../support/sync-fixture";
import { checkConvergence } from "./converge";
import { failureRate } from "./random";
import { seedConnectWiseBacklog } from "./seed-connectwise";

export const TICKETS = 1_000;
export const FAILURE_RATE = failureRate(0.1);
export const MAX_RUNS = 40;
const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";
const CW_CREDENTIALS = { ...CONNECTWISE_SIMULATOR_DEFAULTS };
const SN_CREDENTIALS = { authType: "basic" as const, username: "lockstep.integration", password: "sn-password" };
// Short enough that a call left hanging costs little, long enough for a loaded CI machine.
const SETTINGS = { timeoutMs: 250 };
const SOURCE_SETTINGS = { ...DEMO_SIDE_SETTINGS.source, comments: { public: true, internal: true }, timeEntries: { enabled: true } };


type Org = Awaited<ReturnType<typeof setupFirstOrganisation>>;

/**
 * Fresh ConnectWise and ServiceNow simulators (hosts of their own, `cw-<label>.sim.test`, so
 * scenarios never share one), `tickets` seeded on ConnectWise and none on ServiceNow, and the
 * demo's connection between them. Also used by the small file tests in test/faults and test/sync.
 */
export async function connectWiseToServiceNow(
  org: Org,
  network: ReturnType<typeof useSimulatorNetwork>,
  options: { label: string; tickets: number; accountSettings?: Record<string, unknown>; sourceSettings?: Record<string, unknown> },
) {
  const cw = createConnectWiseSimulator();
  const sn = createServiceNowSimulator();
  seedConnectWiseBacklog(cw.store, options.tickets);
  // The instance keeps its users and choice lists; its demo tickets go, so every incident is ours.
  for (const table of ["task", "sys_journal_field", "sys_attachment", "task_time_worked"]) sn.store.rows.get(table)!.splice(0);
  const hosts = { cw: `cw-${options.label}.sim.test`, sn: `sn-${options.label}.sim.test` };
  network.mount(hosts.cw, cw.app);
  network.mount(hosts.sn, sn.app);
  const cwBase = CW_BASE.replace("cw.sim.test", hosts.cw);
  const settings = options.accountSettings ?? {};
  const source = await addAccount(org.token, { name: hosts.cw, platform: "connectwise", baseUrl: cwBase, credentials: CW_CREDENTIALS, settings });
  const target = await addAccount(org.token, { name: hosts.sn, platform: "servicenow", baseUrl: `https://${hosts.sn}`, credentials: SN_CREDENTIALS, settings });
  const connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: options.sourceSettings ?? DEMO_SIDE_SETTINGS.source }, target: { accountId: target, settings: DEMO_SIDE_SETTINGS.target } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
  return { cw, sn, connectionId, hosts, cwBase };
}

/** The fault suite's pair: 1,000 tickets, short timeouts, everything travelling, and a check. */
export async function setUpConnectWisePair(org: Org, network: ReturnType<typeof useSimulatorNetwork>, label: string) {
  const { cw, sn, connectionId, hosts, cwBase } = await connectWiseToServiceNow(org, network, { label, tickets: TICKETS, accountSettings: SETTINGS, sourceSettings: SOURCE_SETTINGS });
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

