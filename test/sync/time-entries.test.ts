import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { connectionSides, ticketLinks, timeEntryLinks } from "../../src/db/schema";
import { nowIso } from "../../src/lib/time";
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
    // The copies' notes are what the technician wrote: the marker is in the Internal Notes.
    expect(entries.map((e) => e.notes).sort()).toEqual(["Cabling", "Replaced the switch"]);
    expect(b.store.timeEntries.filter((e) => entries.some((c) => c.id === String(e.id))).map((e) => e.internalNotes)).toEqual([
      expect.stringMatching(/^Lockstep ref tel_/),
      expect.stringMatching(/^Lockstep ref tel_/),
    ]);
  });

  it("recognise a copy written with the old visible marker in its notes, so none is logged twice", async () => {
    // A connection of its own: its links and records start empty, like the simulators.
    const [source, target] = await createDb(env.DB).select().from(connectionSides).where(eq(connectionSides.connectionId, connectionId)).orderBy(connectionSides.side);
    const own = await createConnection(
      org.organisation.id,
      { source: { accountId: source!.platformAccountId!, settings: JSON.parse(source!.settings) }, target: { accountId: target!.platformAccountId!, settings: JSON.parse(target!.settings) } },
      { mappings: [{ sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" }] },
    );
    await runSync(engineDeps(), { connectionId: own, mode: "quick", trigger: "manual", since: SINCE });
    const ticket = [...a.store.tickets.values()].find((t) => t.board.id === 1)!;
    const copy = (await client("cw-b.sim.test").findByPartnerReference("ticket", String(ticket.id)))!;
    const original = await client("cw-a.sim.test").addTimeEntry!(String(ticket.id), "ticket", { start: "2026-11-03T09:00:00Z", minutes: 15, memberId: "140", workRoleId: null, notes: "Old-style copy" });
    // Before the reference had a place of its own: the copy was logged with it in its notes, and
    // its answer was lost (the record still pending).
    const db = createDb(env.DB);
    const [link] = await db.select().from(ticketLinks).where(and(eq(ticketLinks.connectionId, own), eq(ticketLinks.sourceTicketId, String(ticket.id))));
    await db.insert(timeEntryLinks).values({ id: "tel_legacy01", ticketLinkId: link!.id, originSide: "source", originId: original.id, state: "pending", createdAt: nowIso(), updatedAt: nowIso() });
    const legacy = await client("cw-b.sim.test").addTimeEntry!(copy.id, "ticket", { start: "2026-11-03T09:00:00Z", minutes: 15, memberId: "140", workRoleId: null, notes: "Old-style copy\n(Lockstep ref tel_legacy01)" });
    await runSync(engineDeps(), { connectionId: own, mode: "quick", trigger: "manual" });
    const onB = (await client("cw-b.sim.test").listTimeEntries!(copy.id, "ticket")).filter((e) => e.notes.startsWith("Old-style copy"));
    expect(onB.map((e) => e.id)).toEqual([legacy.id]);
    const [record] = await db.select().from(timeEntryLinks).where(eq(timeEntryLinks.id, "tel_legacy01"));
    expect(record).toMatchObject({ state: "done", copyId: legacy.id });
  });
});
