import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { servicenowConnector } from "../../src/connectors/servicenow/index";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps } from "../support/sync-fixture";

// The commonest pairing, as the demo sets it up: an MSP on ConnectWise, its customer on ServiceNow.
const network = useSimulatorNetwork();
const SINCE = "2020-01-01T00:00:00.000Z";
const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let connectionId: string;
let cw: ReturnType<typeof createConnectWiseSimulator>;
let sn: ReturnType<typeof createServiceNowSimulator>;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const source = await addAccount(org.token, { name: "CW", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } });
  const target = await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: "https://sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" } });
  connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: DEMO_SIDE_SETTINGS.source }, target: { accountId: target, settings: DEMO_SIDE_SETTINGS.target } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
});
beforeEach(() => {
  cw = createConnectWiseSimulator();
  sn = createServiceNowSimulator();
  network.mount("cw.sim.test", cw.app);
  network.mount("sn.sim.test", sn.app);
});

const cwClient = () =>
  connectwiseConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: CW_BASE, credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });
const snClient = () =>
  servicenowConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: "https://sn.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" }, settings: servicenowConnector.settingsSchema.parse({}) } });

describe("ConnectWise to ServiceNow", () => {
  it("turns Service Desk tickets into incidents with mapped state and priority, the composed description and the partner's number", async () => {
    const result = await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: SINCE });
    expect(result.status).toBe("success");
    const boardTickets = [...cw.store.tickets.values()].filter((t) => t.board.id === 1);
    expect(result.counts.created).toBe(boardTickets.length);
    const sample = (await cwClient().getTicket(String(boardTickets[0]!.id), "ticket"))!;
    const incident = (await snClient().findByPartnerReference("incident", sample.number))!;
    expect(incident.title).toBe(sample.title);
    expect(incident.description).toContain(`Company: ${sample.company!.name}`);
    expect(incident.description).toContain("----");
    const statusPair = { "11": "1", "12": "2", "13": "3", "14": "6", "15": "7" }[sample.status!.id];
    expect(incident.status?.id).toBe(statusPair);
    expect(incident.priority?.id).toBe(sample.priority!.id);
    expect((await cwClient().getTicket(sample.id, "ticket")).partnerReference).toBe(incident.number);
    // ConnectWise keeps the initial description as the ticket's first Discussion note as well:
    // it travels as the description, never again as a comment.
    const described = boardTickets.find((t) => t.initialDescription && cw.store.notesOf(t.id).length > 1)!;
    const describedIncident = (await snClient().findByPartnerReference("incident", String(described.id)))!;
    const copied = await snClient().listComments(describedIncident.id, "incident");
    expect(copied.length).toBe(cw.store.notesOf(described.id).filter((n) => !n.internalAnalysisFlag).length - 1);
    expect(copied.some((c) => c.body.includes(described.initialDescription!))).toBe(false);

    // Then the customer resolves it on ServiceNow, and the MSP sees it resolved.
    const open = boardTickets.find((t) => t.status.id === 11 || t.status.id === 12)!;
    const openIncident = (await snClient().findByPartnerReference("incident", String(open.id)))!;
    await snClient().updateTicket(openIncident.id, "incident", { statusId: "6" });
    const back = await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual" });
    expect(back.status).toBe("success");
    expect((await cwClient().getTicket(String(open.id), "ticket")).status?.id).toBe("14");

    const writes = { cw: cw.faults.writes(), sn: sn.faults.writes() };
    for (let i = 0; i < 3; i++) expect((await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual" })).status).toBe("no_tickets");
    expect({ cw: cw.faults.writes(), sn: sn.faults.writes() }).toEqual(writes);
  });
});
