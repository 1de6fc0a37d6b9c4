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

/** Fresh platforms (hosts of their own, so scenarios never share one) and a connection between them. */
export async function setUpConnectWisePair(org: Org, network: ReturnType<typeof useSimulatorNetwork>, label: string) {
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

