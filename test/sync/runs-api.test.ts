import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { createDb } from "../../src/db/client";
import { syncIssues } from "../../src/db/schema";
import { addUser, api, createOrganisation, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, rtAccount } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let connectionId: string;
let a: ReturnType<typeof createRequestTrackerSimulator>;
let b: ReturnType<typeof createRequestTrackerSimulator>;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  const source = await addAccount(org.token, rtAccount("rt-a.sim.test"));
  const target = await addAccount(org.token, rtAccount("rt-b.sim.test"));
  connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: { filters: { queueIds: ["3"] } } }, target: { accountId: target, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: [{ sourceField: "priority", targetField: "priority", kind: "direct", direction: "bidirectional" }] },
  );
});
// One pair of platforms for the whole file: links saved by one test refer to their tickets.
beforeEach(() => {
  a ??= createRequestTrackerSimulator();
  b ??= createRequestTrackerSimulator();
  network.mount("rt-a.sim.test", a.app);
  network.mount("rt-b.sim.test", b.app);
});

const start = (json: Record<string, unknown>, token = org.token) => api(`/connections/${connectionId}/runs`, token, { method: "POST", json });

describe("manual runs through the API", () => {
  it("queue a run, which the connection's Durable Object carries out", async () => {
    const res = await start({ mode: "quick", since: "2024-01-01T00:00:00Z" });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string; status: string } };
    expect(run.status).toBe("queued");
    // The alarm may already have fired on its own; either way, wait for the run to finish.
    const stub = connectionSyncStub(env, org.organisation.id, connectionId);
    await runDurableObjectAlarm(stub);
    await stub.drain();
    const detail = (await (await api(`/runs/${run.id}`, org.token)).json()) as { status: string; created: number; items: { outcome: string; targetNumber: string | null }[] };
    expect(detail.status).toBe("success");
    expect(detail.created).toBeGreaterThan(0);
    const created = detail.items.filter((i) => i.outcome === "created");
    expect(created.length).toBe(detail.created);
    expect(created.every((i) => i.targetNumber)).toBe(true);
    // Tickets outside the source's queue filter are listed as skipped, with the reason.
    expect(detail.items.filter((i) => i.outcome === "skipped").every((i) => /not synced: its board\/queue/.test((i as { reason?: string }).reason ?? ""))).toBe(true);
    const list = (await (await api(`/connections/${connectionId}/runs?status=success`, org.token)).json()) as { data: { id: string }[] };
    expect(list.data.map((r) => r.id)).toContain(run.id);
  });

  it("link existing tickets in bulk, leaving pairs already linked as they are", async () => {
    // The partner already holds a copy of source ticket 1 (outside the synced queue), naming it.
    const b = requestTrackerConnector.create({
      fetch: (input, init) => fetch(input, init),
      config: { baseUrl: "https://rt-b.sim.test", credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" }, settings: requestTrackerConnector.settingsSchema.parse({}) },
    });
    await b.createTicket("ticket", { title: "Copy of #1", queueId: "1", statusId: "open", priorityId: "50", partnerReference: "1" });
    const bulk = () => api(`/connections/${connectionId}/links/bulk`, org.token, { method: "POST", json: { matchBy: "partner_reference", since: "2024-01-01T00:00:00Z" } });
    const first = await bulk();
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as { linked: number; alreadyLinked: number };
    expect(firstBody.linked).toBe(1);
    // The copies the run above made were linked already and stay as they are.
    const again = (await (await bulk()).json()) as { linked: number; alreadyLinked: number };
    expect(again).toEqual({ linked: 0, alreadyLinked: firstBody.alreadyLinked + 1, unmatched: expect.any(Number) });
    const links = (await (await api(`/connections/${connectionId}/links?q=1`, org.token)).json()) as { data: { sourceTicketId: string }[] };
    expect(links.data.map((l) => l.sourceTicketId)).toContain("1");
  });

  it("answer 429 with Retry-After during the manual cooldown", async () => {
    const res = await start({});
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await res.json()) as { error: { code: string; message: string; details: { nextAllowedAt: string } } };
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toContain(body.error.details.nextAllowedAt);
  });

  it("show a dry run's plan at once, writing nothing", async () => {
    const writesBefore = a.faults.writes() + b.faults.writes();
    const res = await start({ dryRun: true, mode: "full", since: "2024-01-01T00:00:00Z" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { plan: { action: string }[] };
    expect(body.plan.length).toBeGreaterThan(0);
    expect(a.faults.writes() + b.faults.writes()).toBe(writesBefore);
  });

  it("are refused to viewers and invisible to other organisations", async () => {
    const viewer = await addUser(org.organisation.id, "viewer");
    expect((await start({}, viewer.token)).status).toBe(403);
    const other = await createOrganisation("Elsewhere");
    expect((await start({}, other.token)).status).toBe(404);
    expect((await api(`/connections/${connectionId}/runs`, other.token)).status).toBe(404);
  });

  it("publish the sync error codes with their advice", async () => {
    const codes = (await (await api("/sync-error-codes", org.token)).json()) as { code: string; advice: string }[];
    expect(codes.find((c) => c.code === "value_not_mapped")?.advice).toContain("field mappings");
  });
});

describe("issues", () => {
  it("list a failing ticket with its advice across runs, and can be resolved; others never see them", async () => {
    const db = createDb(env.DB);
    const now = new Date().toISOString();
    await db.insert(syncIssues).values({ id: "iss_test1", connectionId, side: "source", ticketId: "12", ticketNumber: "12", errorCode: "value_not_mapped", message: 'status value "stalled" has no pair', occurrences: 3, status: "open", createdAt: now, updatedAt: now });
    const open = (await (await api("/issues", org.token)).json()) as { data: { id: string; advice: string; occurrences: number }[] };
    expect(open.data.find((i) => i.id === "iss_test1")).toMatchObject({ occurrences: 3, advice: expect.stringContaining("field mappings") });
    const other = await createOrganisation("Nosy Ltd");
    expect(((await (await api("/issues", other.token)).json()) as { data: unknown[] }).data).toEqual([]);
    expect((await api("/issues/iss_test1/resolve", other.token, { method: "POST" })).status).toBe(404);
    const resolved = await api("/issues/iss_test1/resolve", org.token, { method: "POST" });
    expect(((await resolved.json()) as { status: string }).status).toBe("resolved");
    const still = (await (await api("/issues", org.token)).json()) as { data: { id: string }[] };
    expect(still.data.some((i) => i.id === "iss_test1")).toBe(false);
  });
});
