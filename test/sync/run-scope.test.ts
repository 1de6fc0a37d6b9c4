// A run records what it looked at: the window on each side, what each side listed, and what the
// filters left out, by filter. So "No tickets found to sync" can say why, and a full resync
// reads from the connection's own start rather than silently from 30 days ago.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Ticket } from "../../src/connectors/canonical";
import { ticket as canonicalTicket } from "../support/canonical-ticket";
import { connectionSettingsSchema, sideSettingsSchema } from "../../src/schemas/connections";
import type { RunScope } from "../../src/schemas/run-scope";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { planWithExclusions, type PlanInput } from "../../src/sync/engine/plan-changes";
import { emptyScope, tallyExclusions } from "../../src/sync/engine/run-scope";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { runSync } from "../../src/sync/engine/run-sync";
import { resolveStart } from "../../src/sync/engine/start-date";
import { api, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps, rtAccount } from "../support/sync-fixture";

// These tickets have no requester: the scope counts what filters leave out, not contacts.
const ticket = (id: string, fields: Partial<Ticket> = {}): Ticket => canonicalTicket(id, { requester: null, ...fields });

const excludedOf = (scope: RunScope, side: "source" | "target") => Object.fromEntries(scope[side].excluded.map((e) => [e.kind, { count: e.count, values: e.values }]));

describe("planning counts the tickets each filter leaves out", () => {
  const plan = (overrides: Partial<PlanInput>) =>
    planWithExclusions({
      changes: { source: [], target: [] },
      links: [],
      rules: [],
      settings: {
        source: sideSettingsSchema.parse({ filters: { queueIds: ["q1"], ticketTypes: ["incident"], excludedStatusIds: ["9"], field: { field: "title", operator: "not_contains", value: "test" } } }),
        target: sideSettingsSchema.parse({ defaults: { statusId: "new", priorityId: "50" } }),
        connection: connectionSettingsSchema.parse({}),
      },
      buildDescription: (t) => t.description ?? "",
      ...overrides,
    });

  it("by board, type, excluded status, field filter and bi-directional creation", () => {
    const { operations, exclusions } = plan({
      changes: {
        source: [
          ticket("S1"),
          ticket("S2", { queue: { id: "q2", name: "Projects" } }),
          ticket("S3", { queue: { id: "q3", name: "Sales" } }),
          ticket("S4", { queue: { id: "q2", name: "Projects" } }),
          ticket("S5", { ticketType: "problem" }),
          ticket("S6", { status: { id: "9", name: "Closed" } }),
          ticket("S7", { status: { id: "9", name: "Closed" } }),
          ticket("S8", { title: "A test ticket" }),
        ],
        target: [ticket("T1"), ticket("T2")],
      },
    });
    expect(operations.filter((o) => o.kind === "create")).toHaveLength(1);
    const scope = emptyScope({ since: "2026-01-01T00:00:00.000Z", from: "requested" });
    tallyExclusions(scope, exclusions);
    expect(excludedOf(scope, "source")).toEqual({
      queue: { count: 3, values: ["Projects", "Sales"] },
      ticket_type: { count: 1, values: ["problem"] },
      status: { count: 2, values: ["Closed"] },
      field: { count: 1, values: ['title not contains "test"'] },
    });
    // Target tickets are not carried back while bi-directional creation is off.
    expect(excludedOf(scope, "target")).toEqual({ bidirectional_off: { count: 2, values: [] } });
  });

  it("nothing when nothing was listed", () => {
    expect(plan({}).exclusions).toEqual([]);
  });
});

describe("the connection's start", () => {
  const now = Date.parse("2026-12-06T12:00:00.000Z");
  const firstRun = { since: "2026-11-01T00:00:00.000Z", startedAt: "2026-11-20T09:00:00.000Z" };

  it("is the date asked for, else Settings', else the first run's, else the last 30 days", () => {
    expect(resolveStart({ requested: "2024-01-01T00:00:00Z", settings: "2026-10-15", firstRun }, now)).toEqual({ since: "2024-01-01T00:00:00.000Z", from: "requested" });
    expect(resolveStart({ settings: "2026-10-15", firstRun }, now)).toEqual({ since: "2026-10-15T00:00:00.000Z", from: "settings" });
    expect(resolveStart({ firstRun }, now)).toEqual({ since: "2026-11-01T00:00:00.000Z", from: "first_run" });
    expect(resolveStart({}, now)).toEqual({ since: "2026-11-06T12:00:00.000Z", from: "default" });
  });

  it("of a first run recorded before runs kept their start is the 30 days before it began", () => {
    expect(resolveStart({ firstRun: { since: null, startedAt: "2026-11-20T09:00:00.000Z" } }, now)).toEqual({ since: "2026-10-21T09:00:00.000Z", from: "first_run" });
  });

  it("passes over a value that cannot be read instead of failing the run", () => {
    expect(resolveStart({ settings: "not a day", firstRun: { since: "garbage", startedAt: "also garbage" } }, now)).toEqual({ since: "2026-11-06T12:00:00.000Z", from: "default" });
  });
});

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accounts: { a: string; b: string };
beforeAll(async () => {
  org = await setupFirstOrganisation();
  accounts = { a: await addAccount(org.token, rtAccount("scope-a.sim.test")), b: await addAccount(org.token, rtAccount("scope-b.sim.test")) };
});

/** Fresh platforms (the seed's tickets date from March 2024; the target starts empty). */
function platforms() {
  const a = createRequestTrackerSimulator();
  const b = createRequestTrackerSimulator();
  b.store.tickets.splice(0);
  network.mount("scope-a.sim.test", a.app);
  network.mount("scope-b.sim.test", b.app);
  return { a, b };
}

const receiving = { defaults: { queueId: "1", statusId: "new", priorityId: "0" } };

function connection(source: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) {
  return createConnection(org.organisation.id, { source: { accountId: accounts.a, settings: source }, target: { accountId: accounts.b, settings: receiving } }, { settings });
}

type RunView = { status: string; skipped: number; created: number; scope: RunScope | null };
async function runView(runId: string): Promise<RunView> {
  const res = await api(`/runs/${runId}`, org.token);
  expect(res.status).toBe(200);
  return (await res.json()) as RunView;
}

const DAY = 86_400_000;
const near = (iso: string | null | undefined, ms: number) => Math.abs(Date.parse(iso ?? "") - ms) < 60_000;

describe("a run's recorded scope, in the run API", () => {
  it("counts a run where the filters exclude every listed ticket, by board", async () => {
    platforms();
    const connectionId = await connection({ filters: { queueIds: ["999"] } });
    const result = await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    const run = await runView(result.runId);
    expect(run.created).toBe(0);
    const scope = run.scope!;
    expect(scope.start).toEqual({ since: "2024-01-01T00:00:00.000Z", from: "requested" });
    expect(scope.source).toMatchObject({ since: "2024-01-01T00:00:00.000Z", fromStart: true });
    expect(scope.source.listed).toBeGreaterThan(0);
    expect(scope.source.excluded).toEqual([{ kind: "queue", count: scope.source.listed, values: ["General", "Support", "Billing"] }]);
    expect(run.skipped).toBe(scope.source.listed);
    expect(scope.target).toMatchObject({ listed: 0, excluded: [] });
  });

  it("shows the empty window of a first run with no start date: the last 30 days, listing nothing", async () => {
    platforms();
    const connectionId = await connection();
    const result = await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual" });
    expect(result.status).toBe("no_tickets");
    const scope = (await runView(result.runId)).scope!;
    expect(scope.start.from).toBe("default");
    expect(near(scope.start.since, Date.now() - 30 * DAY)).toBe(true);
    expect(scope.source).toMatchObject({ listed: 0, alreadyHandled: 0, excluded: [], fromStart: true });
    expect(scope.target).toMatchObject({ listed: 0, excluded: [], fromStart: true });
  });

  it("is answered by a dry run too", async () => {
    platforms();
    const connectionId = await connection({ filters: { excludedStatusIds: ["new", "open", "stalled", "resolved", "rejected", "deleted"] } });
    const res = await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { mode: "quick", since: "2024-01-01T00:00:00Z", dryRun: true } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { scope: RunScope };
    const excluded = body.scope.source.excluded;
    expect(excluded.map((e) => e.kind)).toEqual(["status"]);
    expect(excluded[0]!.count).toBe(body.scope.source.listed);
  });
});

describe("a full resync without a start date reads from the connection's start", () => {
  it("the start date in the connection's settings", async () => {
    platforms();
    const connectionId = await connection({}, { startDate: "2024-02-01" });
    const full = await runSync(engineDeps(), { connectionId, mode: "full", trigger: "manual" });
    const run = await runView(full.runId);
    expect(run.scope!.start).toEqual({ since: "2024-02-01T00:00:00.000Z", from: "settings" });
    expect(run.scope!.source.since).toBe("2024-02-01T00:00:00.000Z");
    expect(run.created).toBeGreaterThan(0);
  });

  it("where the connection's first run started, not the last 30 days", async () => {
    platforms();
    const connectionId = await connection();
    const first = await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    expect(first.counts.created).toBeGreaterThan(0);
    const full = await runSync(engineDeps(), { connectionId, mode: "full", trigger: "manual" });
    const run = await runView(full.runId);
    expect(run.scope!.start).toEqual({ since: "2024-01-01T00:00:00.000Z", from: "first_run" });
    expect(run.scope!.source).toMatchObject({ since: "2024-01-01T00:00:00.000Z", fromStart: true });
    expect(run.scope!.source.listed).toBeGreaterThan(0);
    // Every pair is found again, and none created twice.
    expect(run.created).toBe(0);
  });

  it("the last 30 days, said as such, for a connection that has never run", async () => {
    platforms();
    const connectionId = await connection();
    const full = await runSync(engineDeps(), { connectionId, mode: "full", trigger: "manual" });
    const scope = (await runView(full.runId)).scope!;
    expect(scope.start.from).toBe("default");
    expect(near(scope.start.since, Date.now() - 30 * DAY)).toBe(true);
  });

  it("through the API too: a full run asked for without `since` reads from the first run's start", async () => {
    platforms();
    const connectionId = await connection();
    await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00Z" });
    const res = await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { mode: "full" } });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string } };
    const stub = connectionSyncStub(env, org.organisation.id, connectionId);
    await runDurableObjectAlarm(stub);
    await stub.drain();
    const scope = (await runView(run.id)).scope!;
    expect(scope.start).toEqual({ since: "2024-01-01T00:00:00.000Z", from: "first_run" });
    expect(scope.source.listed).toBeGreaterThan(0);
  });
});
