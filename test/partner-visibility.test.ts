// What a partner organisation sees of the other, route by route: its organisation name, the
// connection's shared settings and the values it maps to. Everything else of the other
// organisation answers 404 (ids do not leak) or is left out of the answer.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../src/simulators/request-tracker/app";
import { api, createOrganisation, setupFirstOrganisation } from "./helpers";
import { useSimulatorNetwork } from "./support/simulator-network";

const network = useSimulatorNetwork();
type Lists = Record<"queues" | "statuses" | "priorities" | "ticketTypes" | "companies" | "noteTypes" | "customFields" | "members" | "workRoles", { id: string; name: string }[]>;
type SidePicklists = { side: string; mine: boolean; state: string; picklists?: Lists };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
let accountA: string;
let accountB: string;
let connectionId: string;

async function addAccount(token: string, host: string): Promise<string> {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name: `${host} account`, platform: "request-tracker", baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" } },
  });
  return ((await res.json()) as { id: string }).id;
}

beforeEach(() => {
  network.mount("rt-a.sim.test", createRequestTrackerSimulator().app);
  network.mount("rt-b.sim.test", createRequestTrackerSimulator().app);
});

beforeAll(async () => {
  network.mount("rt-a.sim.test", createRequestTrackerSimulator().app);
  network.mount("rt-b.sim.test", createRequestTrackerSimulator().app);
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  accountA = await addAccount(a.token, "rt-a.sim.test");
  accountB = await addAccount(b.token, "rt-b.sim.test");
  const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Acme ↔ Contoso", role: "source", platformAccountId: accountA } })).json()) as {
    id: string;
    verificationCode: string;
  };
  connectionId = created.id;
  const accepted = await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: accountB } });
  expect(accepted.status).toBe(200);
});

describe("what a partner sees of the other organisation", () => {
  it("GET /connections/{id}/picklists: the partner's statuses, priorities, ticket types and custom fields, none of its boards, companies, note types, members or work roles", async () => {
    for (const [token, mine, theirs] of [
      [b.token, "target", "source"],
      [a.token, "source", "target"],
    ] as const) {
      const res = await api(`/connections/${connectionId}/picklists`, token);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, SidePicklists>;
      const own = body[mine]!;
      const partner = body[theirs]!;
      expect(own).toMatchObject({ mine: true, state: "ready" });
      expect(partner).toMatchObject({ mine: false, state: "ready" });
      // The caller's own side is whole: RT has queues, members and note types.
      expect(own.picklists!.queues.length).toBeGreaterThan(0);
      expect(own.picklists!.members.length).toBeGreaterThan(0);
      expect(own.picklists!.noteTypes.length).toBeGreaterThan(0);
      // The partner's side: only what is mapped to.
      expect(partner.picklists!.statuses.map((s) => s.id)).toContain("resolved");
      expect(partner.picklists!.priorities.length).toBeGreaterThan(0);
      expect(partner.picklists!.ticketTypes.length).toBeGreaterThan(0);
      for (const withheld of ["queues", "companies", "noteTypes", "members", "workRoles"] as const) {
        expect(partner.picklists![withheld], withheld).toEqual([]);
      }
      const text = JSON.stringify(partner);
      for (const member of own.picklists!.members) expect(text).not.toContain(`"${member.name}"`);
    }
  });

  it("POST /connections/{id}/picklists/refresh: the same rule on a fresh read", async () => {
    const res = await api(`/connections/${connectionId}/picklists/refresh`, b.token, { method: "POST" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, SidePicklists>;
    expect(body["source"]!.picklists!.members).toEqual([]);
    expect(body["source"]!.picklists!.queues).toEqual([]);
    expect(body["target"]!.picklists!.members.length).toBeGreaterThan(0);
  });

  it("GET /connections/{id}: the partner's organisation name and platform, the shared settings; not its account or side settings", async () => {
    const view = (await (await api(`/connections/${connectionId}`, b.token)).json()) as {
      settings: unknown;
      sides: { side: string; mine: boolean; organisation: string; platform: string; account: unknown; settings: unknown }[];
    };
    expect(view.settings).toBeTruthy();
    const partner = view.sides.find((s) => s.side === "source")!;
    expect(partner).toMatchObject({ mine: false, organisation: "Acme MSP", platform: "request-tracker", account: null, settings: null });
    expect(JSON.stringify(view)).not.toContain(accountA);
  });

  it("GET /connections/{id}/webhooks: no URL or secret of the partner's side", async () => {
    const body = (await (await api(`/connections/${connectionId}/webhooks`, b.token)).json()) as { sides: { side: string; url: string | null; secrets: unknown[] }[] };
    expect(body.sides.find((s) => s.side === "source")).toMatchObject({ url: null, secrets: [] });
    const rotate = await api(`/connections/${connectionId}/webhooks/source/secret`, b.token, { method: "POST", json: {} });
    expect(rotate.status).toBe(403);
  });

  it("every platform-account route with the partner's account id answers 404", async () => {
    const attempts: [string, string, unknown?][] = [
      ["GET", `/platform-accounts/${accountA}`],
      ["PATCH", `/platform-accounts/${accountA}`, { name: "pwned" }],
      ["DELETE", `/platform-accounts/${accountA}`],
      ["POST", `/platform-accounts/${accountA}/test`, {}],
      ["GET", `/platform-accounts/${accountA}/picklists`],
      ["POST", `/platform-accounts/${accountA}/picklists/refresh`, {}],
    ];
    for (const [method, path, json] of attempts) {
      const res = await api(path, b.token, json === undefined ? { method } : { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const list = await (await api("/platform-accounts", b.token)).text();
    expect(list).not.toContain(accountA);
    expect((await api(`/platform-accounts/${accountA}`, a.token)).status).toBe(200);
  });

  it("the partner's people: 404 by id, absent from lists and from the audit log", async () => {
    for (const [method, path] of [
      ["GET", `/users/${a.owner.id}`],
      ["DELETE", `/users/${a.owner.id}`],
      ["POST", `/users/${a.owner.id}/password-reset`],
    ] as const) {
      expect((await api(path, b.token, { method })).status, `${method} ${path}`).toBe(404);
    }
    const users = await (await api("/users", b.token)).text();
    expect(users).not.toContain(a.email);
    // The partner's changes reach B's log under A's organisation name, never A's people.
    await api(`/connections/${connectionId}`, a.token, { method: "PATCH", json: { name: "Acme ↔ Contoso (renamed)" } });
    const log = await (await api("/audit-log", b.token)).text();
    expect(log).toContain("Acme MSP (partner organisation)");
    expect(log).not.toContain(a.email);
  });

  it("the partner's side settings cannot be changed", async () => {
    const res = await api(`/connections/${connectionId}`, b.token, { method: "PATCH", json: { side: { side: "source", settings: {} } } });
    expect(res.status).toBe(403);
  });
});
