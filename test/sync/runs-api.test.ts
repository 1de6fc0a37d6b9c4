import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { addUser, api, createOrganisation, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let connectionId: string;
let a: ReturnType<typeof createRequestTrackerSimulator>;
let b: ReturnType<typeof createRequestTrackerSimulator>;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  const rt = (host: string) => ({ name: host, platform: "request-tracker", baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" } });
  const source = await addAccount(org.token, rt("rt-a.sim.test"));
  const target = await addAccount(org.token, rt("rt-b.sim.test"));
  connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: { filters: { queueIds: ["3"] } } }, target: { accountId: target, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: [{ sourceField: "priority", targetField: "priority", kind: "direct", direction: "bidirectional" }] },
  );
});
beforeEach(() => {
  a = createRequestTrackerSimulator();
  b = createRequestTrackerSimulator();
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
    const res = await start({ dryRun: true, mode: "full", since: "2024-01-01T00:00:00Z" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { plan: { action: string }[] };
    expect(Array.isArray(body.plan)).toBe(true);
    expect(a.faults.writes() + b.faults.writes()).toBe(0);
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
