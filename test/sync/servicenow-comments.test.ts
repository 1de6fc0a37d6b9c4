// Comments between ConnectWise and ServiceNow, both ways, over several runs. ServiceNow's answer
// to the PATCH that adds a journal entry is the incident, so the connector never learns the
// entry's sys_id: its copies are recognised by the reference in their text. Each comment must
// arrive once, never come back, and a copy whose answer was lost must not be written twice.
import { beforeEach, describe, expect, it } from "vitest";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { servicenowConnector } from "../../src/connectors/servicenow/index";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps } from "../support/sync-fixture";

const network = useSimulatorNetwork();
const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";
const SN_CREDENTIALS = { authType: "basic" as const, username: "lockstep.integration", password: "sn-password" };

let cw: ReturnType<typeof createConnectWiseSimulator>;
let sn: ReturnType<typeof createServiceNowSimulator>;

beforeEach(() => {
  cw = createConnectWiseSimulator();
  sn = createServiceNowSimulator();
  cw.store.tickets.clear();
  cw.store.notes.splice(0);
  network.mount("cw.sim.test", cw.app);
  network.mount("sn.sim.test", sn.app);
});

const cwClient = () =>
  connectwiseConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: CW_BASE, credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });
const snClient = () =>
  servicenowConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: "https://sn.sim.test", credentials: SN_CREDENTIALS, settings: servicenowConnector.settingsSchema.parse({}) } });

async function connection(): Promise<string> {
  const org = await setupFirstOrganisation();
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const source = await addAccount(org.token, { name: "CW", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } });
  const target = await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: SN_CREDENTIALS });
  const comments = { public: true, internal: true };
  return createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: { ...DEMO_SIDE_SETTINGS.source, comments } }, target: { accountId: target, settings: { ...DEMO_SIDE_SETTINGS.target, comments } } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
}

const run = (connectionId: string) => runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: "2020-01-01T00:00:00Z" });

describe("ServiceNow comments", () => {
  it("travel both ways once each, never come back, and a copy whose answer was lost is not written again", async () => {
    const id = await connection();
    const company = String(cw.store.companies[0]!.id);
    const ticket = await cwClient().createTicket("ticket", { title: "VPN drops", description: "Since Monday", queueId: "1", statusId: "11", priorityId: "3", companyId: company });
    expect((await run(id)).status).toBe("success");
    const incident = (await snClient().findByPartnerReference("incident", ticket.number))!;

    await cwClient().addComment(ticket.id, "ticket", { body: "From the MSP", format: "text", public: true });
    await cwClient().addComment(ticket.id, "ticket", { body: "MSP internal", format: "text", public: false });
    await snClient().addComment(incident.id, "incident", { body: "From the customer", format: "text", public: true });
    // The first journal write takes effect, but its answer is cut off midway.
    sn.faults.next({ kind: "cut" }, { method: "PATCH", path: /\/api\/now\/table\/incident\// });
    await run(id);
    for (let i = 0; i < 3; i++) expect((await run(id)).status).not.toBe("failed");

    const onSn = await snClient().listComments(incident.id, "incident");
    const onCw = await cwClient().listComments(ticket.id, "ticket");
    const count = (list: { body: string }[], text: string) => list.filter((c) => c.body.includes(text)).length;
    expect([count(onSn, "From the MSP"), count(onSn, "MSP internal"), count(onSn, "From the customer")]).toEqual([1, 1, 1]);
    expect([count(onCw, "From the MSP"), count(onCw, "MSP internal"), count(onCw, "From the customer")]).toEqual([1, 1, 1]);
    expect(onSn.find((c) => c.body.includes("MSP internal"))).toMatchObject({ kind: "work_notes", public: false });

    // Settled: another run writes nothing on either side.
    const writes = { cw: cw.faults.writes(), sn: sn.faults.writes() };
    await run(id);
    expect({ cw: cw.faults.writes(), sn: sn.faults.writes() }).toEqual(writes);
  });
});
