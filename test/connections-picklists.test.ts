import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../src/simulators/request-tracker/app";
import { addUser, api, createOrganisation, setupFirstOrganisation } from "./helpers";
import { useSimulatorNetwork } from "./support/simulator-network";

const network = useSimulatorNetwork();
type SidePicklists = { side: string; mine: boolean; state: string; reason?: string; picklists?: { statuses: { id: string }[]; queues: { name: string }[] }; fetchedAt?: string };
type Answer = { source: SidePicklists; target: SidePicklists };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let rtA: ReturnType<typeof createRequestTrackerSimulator>;
let rtB: ReturnType<typeof createRequestTrackerSimulator>;

async function addAccount(token: string, host: string): Promise<string> {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name: host, platform: "request-tracker", baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" } },
  });
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
});
beforeEach(() => {
  rtA = createRequestTrackerSimulator();
  rtB = createRequestTrackerSimulator({ password: "contoso-password" });
  network.mount("rt-a.sim.test", rtA.app);
  network.mount("rt-b.sim.test", rtB.app);
});

describe("a connection's picklists", () => {
  it("show both sides' values to both organisations, waiting for the partner until it accepts", async () => {
    const accountA = await addAccount(a.token, "rt-a.sim.test");
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "C", role: "source", platformAccountId: accountA } })).json()) as { id: string; verificationCode: string };
    const pending = (await (await api(`/connections/${created.id}/picklists`, a.token)).json()) as Answer;
    expect(pending.source).toMatchObject({ state: "ready", mine: true });
    expect(pending.target).toMatchObject({ state: "waiting", mine: false, reason: expect.stringContaining("not accepted") });

    // B's password is wrong for its RT: its side fails with the reason, A's side still answers.
    const accountB = await addAccount(b.token, "rt-b.sim.test");
    await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: accountB } });
    const failed = (await (await api(`/connections/${created.id}/picklists`, b.token)).json()) as Answer;
    expect(failed.source.state).toBe("ready");
    expect(failed.target).toMatchObject({ state: "failed", mine: true, reason: expect.stringContaining("wrong credentials") });

    await api(`/platform-accounts/${accountB}`, b.token, { method: "PATCH", json: { credentials: { password: "contoso-password" } } });
    const both = (await (await api(`/connections/${created.id}/picklists`, a.token)).json()) as Answer;
    expect(both.target.state).toBe("ready");
    expect(both.target.picklists!.statuses.map((s) => s.id)).toContain("resolved");
    expect(both.source.picklists!.queues.map((q) => q.name)).toContain("General");
  });

  it("are cached, refreshed by admins only, and hidden from other organisations", async () => {
    const one = await addAccount(a.token, "rt-a.sim.test");
    const two = await addAccount(a.token, "rt-a.sim.test");
    const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Internal", role: "source", platformAccountId: one, partnerAccountId: two } })).json()) as { id: string };
    const first = (await (await api(`/connections/${created.id}/picklists`, a.token)).json()) as Answer;
    const calls = rtA.faults.calls.length;
    const again = (await (await api(`/connections/${created.id}/picklists`, a.token)).json()) as Answer;
    expect(again.source.fetchedAt).toBe(first.source.fetchedAt);
    expect(rtA.faults.calls.length).toBe(calls);

    const viewer = await addUser(a.organisation.id, "viewer");
    expect((await api(`/connections/${created.id}/picklists`, viewer.token)).status).toBe(200);
    expect((await api(`/connections/${created.id}/picklists/refresh`, viewer.token, { method: "POST" })).status).toBe(403);
    expect((await api(`/connections/${created.id}/picklists/refresh`, a.token, { method: "POST" })).status).toBe(200);
    expect(rtA.faults.calls.length).toBeGreaterThan(calls);
    expect((await api(`/connections/${created.id}/picklists`, b.token)).status).toBe(404);
  });
});
