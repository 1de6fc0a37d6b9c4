import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps } from "../support/sync-fixture";

// Two ConnectWise tenants (an MSP and its subcontractor): time entries carried with the ticket.
const network = useSimulatorNetwork();
const SINCE = "2020-01-01T00:00:00.000Z";
const base = (host: string) => `https://${host}/v4_6_release/apis/3.0`;
const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let connectionId: string;
let a: ReturnType<typeof createConnectWiseSimulator>;
let b: ReturnType<typeof createConnectWiseSimulator>;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  const account = (host: string) => addAccount(org.token, { name: host, platform: "connectwise", baseUrl: base(host), credentials: { companyId, publicKey, privateKey, clientId } });
  connectionId = await createConnection(
    org.organisation.id,
    {
      source: { accountId: await account("cw-a.sim.test"), settings: { filters: { queueIds: ["1"] }, timeEntries: { enabled: true, carryNotes: true } } },
      target: { accountId: await account("cw-b.sim.test"), settings: { defaults: { queueId: "1", statusId: "11", priorityId: "3", companyId: "250" }, timeEntries: { enabled: false, defaultMemberId: "142", defaultWorkRoleId: "1" } } },
    },
    { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }] },
  );
});
beforeEach(() => {
  a = createConnectWiseSimulator();
  b = createConnectWiseSimulator();
  network.mount("cw-a.sim.test", a.app);
  network.mount("cw-b.sim.test", b.app);
});

const client = (host: string) =>
  connectwiseConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: base(host), credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });

describe("time entries", () => {
  it("are carried once, with the member matched by name, else the default member", async () => {
    // The subcontractor has no Alex Morgan.
    b.store.members = b.store.members.filter((m) => m.identifier !== "amorgan");
    expect((await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: SINCE })).status).toBe("success");
    const ticket = [...a.store.tickets.values()].find((t) => t.board.id === 1)!;
    const copy = (await client("cw-b.sim.test").findByPartnerReference("ticket", String(ticket.id)))!;
    const before = (await client("cw-b.sim.test").listTimeEntries!(copy.id, "ticket")).length;
    await client("cw-a.sim.test").addTimeEntry!(String(ticket.id), "ticket", { start: "2026-11-02T09:00:00Z", minutes: 45, memberId: "140", workRoleId: "2", notes: "Replaced the switch" });
    await client("cw-a.sim.test").addTimeEntry!(String(ticket.id), "ticket", { start: "2026-11-02T11:00:00Z", minutes: 30, memberId: "141", workRoleId: "1", notes: "Cabling" });
    for (let i = 0; i < 3; i++) await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual" });
    const entries = (await client("cw-b.sim.test").listTimeEntries!(copy.id, "ticket")).slice(before);
    expect(entries).toHaveLength(2);
    const switchWork = entries.find((e) => e.notes.startsWith("Replaced the switch"))!;
    expect(switchWork).toMatchObject({ minutes: 45, member: expect.objectContaining({ id: "140" }), workRole: expect.objectContaining({ id: "2" }) });
    const cabling = entries.find((e) => e.notes.startsWith("Cabling"))!;
    expect(cabling.member?.id).toBe("142");
    expect(cabling.minutes).toBe(30);
  });
});
