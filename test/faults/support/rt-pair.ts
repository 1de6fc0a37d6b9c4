// Two Request Tracker instances for the fault suite: 1,000 tickets on A (a reply each, one in
// three with time taken, an internal comment, one in ten with a file) and a connection syncing
// them to B, plus a check that reads both through the connector. One scenario per test file, so
// the suite's files run side by side.
import { requestTrackerConnector } from "../../../src/connectors/request-tracker/index";
import { createRequestTrackerSimulator } from "../../../src/simulators/request-tracker/app";
import type { setupFirstOrganisation } from "../../helpers";
import type { useSimulatorNetwork } from "../../support/simulator-network";
import { addAccount, createConnection } from "../../support/sync-fixture";
import { checkConvergence } from "./converge";
import { failureRate } from "./random";
import { seedRequestTrackerBacklog } from "./seed-request-tracker";

export const TICKETS = 1_000;
export const FAILURE_RATE = failureRate(0.1);
export const MAX_RUNS = 40;
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

type Org = Awaited<ReturnType<typeof setupFirstOrganisation>>;

export async function setUpRequestTrackerPair(org: Org, network: ReturnType<typeof useSimulatorNetwork>, label: string) {
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

