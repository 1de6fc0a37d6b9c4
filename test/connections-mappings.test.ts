import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { picklistCache } from "../src/db/schema";
import type { Picklists } from "../src/connectors/canonical";
import { api, createOrganisation, db, setupFirstOrganisation } from "./helpers";

type Mapping = { id: string; sourceField: string; targetField: string; direction: string; kind: string; valuePairs: { sourceValue: string; targetValue: string }[]; unpaired: { source: string[]; target: string[] } | null };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let b: Awaited<ReturnType<typeof createOrganisation>>;
const accounts: Record<"a" | "b", string> = { a: "", b: "" };

async function addAccount(token: string, name: string): Promise<string> {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name, platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
  });
  return ((await res.json()) as { id: string }).id;
}

/** A connection from A's account (source) to B's (target), accepted. */
async function connect(): Promise<string> {
  const created = (await (await api("/connections", a.token, { method: "POST", json: { name: "Contract", role: "source", platformAccountId: accounts.a } })).json()) as { id: string; verificationCode: string };
  const res = await api("/connections/accept", b.token, { method: "POST", json: { code: created.verificationCode, platformAccountId: accounts.b } });
  expect(res.status).toBe(200);
  return created.id;
}

const put = (id: string, mappings: unknown[]) => api(`/connections/${id}/mappings`, a.token, { method: "PUT", json: { mappings } });
const list = async (id: string, token = a.token) => ((await (await api(`/connections/${id}/mappings`, token)).json()) as { mappings: Mapping[] }).mappings;

const statusMapping = {
  sourceField: "status",
  targetField: "status",
  direction: "bidirectional",
  kind: "value",
  valuePairs: [
    { sourceValue: "new", targetValue: "1" },
    { sourceValue: "open", targetValue: "2" },
  ],
};

function picklists(statuses: string[]): Picklists {
  return {
    queues: [],
    statuses: statuses.map((id) => ({ id, name: `Status ${id}`, queueId: null, closed: false })),
    priorities: [],
    ticketTypes: [],
    companies: [],
    noteTypes: [],
    customFields: [],
    members: [],
    workRoles: [],
    sources: [],
    categories: [],
  };
}

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  b = await createOrganisation("Contoso");
  accounts.a = await addAccount(a.token, "Acme RT");
  accounts.b = await addAccount(b.token, "Contoso RT");
});

describe("field mappings", () => {
  it("round-trip with their value pairs, in order, for both organisations", async () => {
    const id = await connect();
    const res = await put(id, [statusMapping, { sourceField: "title", targetField: "title", direction: "source_to_target", kind: "direct" }]);
    expect(res.status).toBe(200);
    for (const token of [a.token, b.token]) {
      const mappings = await list(id, token);
      expect(mappings.map((m) => `${m.sourceField}>${m.targetField}:${m.kind}`)).toEqual(["status>status:value", "title>title:direct"]);
      expect(mappings[0]!.valuePairs).toEqual(statusMapping.valuePairs);
      expect(mappings[0]).toMatchObject({ ticketType: "*", conflictPolicy: "latest_wins", unpaired: null });
    }
    const log = ((await (await api("/audit-log", b.token)).json()) as { data: { action: string; targetId: string }[] }).data;
    expect(log.some((e) => e.action === "connection.mappings_replaced" && e.targetId === id)).toBe(true);
  });

  it("are replaced as a whole set: what is left out is gone", async () => {
    const id = await connect();
    await put(id, [statusMapping, { sourceField: "title", targetField: "title", direction: "bidirectional", kind: "direct" }]);
    const res = await put(id, [{ sourceField: "priority", targetField: "priority", direction: "source_to_target", kind: "value", valuePairs: [{ sourceValue: "50", targetValue: "3" }] }]);
    expect(res.status).toBe(200);
    const mappings = await list(id);
    expect(mappings.map((m) => m.sourceField)).toEqual(["priority"]);
    const pairs = await env.DB.prepare("SELECT count(*) AS n FROM value_pairs v JOIN field_mappings m ON m.id = v.mapping_id WHERE m.connection_id = ?").bind(id).first<{ n: number }>();
    expect(pairs!.n).toBe(1);
  });

  it("refuse a source value paired with two target values, writing nothing", async () => {
    const id = await connect();
    await put(id, [statusMapping]);
    const res = await put(id, [
      { ...statusMapping, valuePairs: [{ sourceValue: "new", targetValue: "1" }, { sourceValue: "new", targetValue: "5" }] },
      { sourceField: "title", targetField: "title", direction: "bidirectional", kind: "direct" },
    ]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; details: { fields: { path: string }[] } } };
    expect(body.error.message).toContain('source status value "new" is paired with both "1" and "5"');
    expect(body.error.details.fields.map((f) => f.path)).toEqual(["mappings.0.valuePairs.1"]);
    expect((await list(id)).map((m) => m.valuePairs)).toEqual([statusMapping.valuePairs]);
  });

  it("allow many source values onto one target value when nothing is written back to the source", async () => {
    const id = await connect();
    const manyToOne = [{ sourceValue: "new", targetValue: "1" }, { sourceValue: "open", targetValue: "1" }];
    expect((await put(id, [{ ...statusMapping, direction: "source_to_target", valuePairs: manyToOne }])).status).toBe(200);
    const back = await put(id, [{ ...statusMapping, direction: "bidirectional", valuePairs: manyToOne }]);
    expect(back.status).toBe(400);
    expect(((await back.json()) as { error: { message: string } }).error.message).toContain('target status value "1" is paired with both "new" and "open"');
  });

  it("refuse writing what the platform cannot hold: the ticket type anywhere, a company on Request Tracker", async () => {
    const id = await connect();
    const type = await put(id, [{ sourceField: "title", targetField: "ticketType", direction: "source_to_target", kind: "direct" }]);
    expect(type.status).toBe(400);
    const company = await put(id, [{ sourceField: "title", targetField: "company", direction: "bidirectional", kind: "direct" }]);
    expect(company.status).toBe(400);
    const fields = ((await company.json()) as { error: { details: { fields: { path: string; message: string }[] } } }).error.details.fields;
    expect(fields).toEqual([{ path: "mappings.0.targetField", message: "Request Tracker 5 tickets have no company to write (map it one way, from the target)" }]);
    expect(await list(id)).toEqual([]);
  });

  it("refuse value pairs on a direct mapping and a mapping given twice", async () => {
    const id = await connect();
    const direct = await put(id, [{ sourceField: "title", targetField: "title", direction: "bidirectional", kind: "direct", valuePairs: [{ sourceValue: "a", targetValue: "b" }] }]);
    expect(direct.status).toBe(400);
    const twice = await put(id, [statusMapping, statusMapping]);
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { error: { details: { fields: { path: string }[] } } }).error.details.fields.map((f) => f.path)).toEqual(["mappings.1"]);
    expect(await list(id)).toEqual([]);
  });

  it("report the picklist values that have no pair once both sides' picklists are cached", async () => {
    const id = await connect();
    await put(id, [statusMapping, { sourceField: "priority", targetField: "priority", direction: "source_to_target", kind: "value", valuePairs: [] }]);
    expect((await list(id))[0]!.unpaired).toBeNull();
    const fetchedAt = new Date().toISOString();
    await db().insert(picklistCache).values({ accountId: accounts.a, kind: "all", values: JSON.stringify(picklists(["new", "open", "stalled"])), fetchedAt });
    expect((await list(id))[0]!.unpaired).toBeNull();
    await db().insert(picklistCache).values({ accountId: accounts.b, kind: "all", values: JSON.stringify(picklists(["1", "2", "3", "4"])), fetchedAt });
    const [status, priority] = await list(id);
    expect(status!.unpaired).toEqual({ source: ["stalled"], target: ["3", "4"] });
    // source_to_target: only the source's values are ever translated.
    expect(priority!.unpaired).toEqual({ source: [], target: [] });
  });
});

describe("the description preview", () => {
  it("renders the saved fields for the built-in sample ticket", async () => {
    const id = await connect();
    const saved = await api(`/connections/${id}`, a.token, { method: "PATCH", json: { settings: { description: { fields: ["priority", "requester", "customFields.Site"] } } } });
    expect(saved.status, await saved.clone().text()).toBe(200);
    const res = await api(`/connections/${id}/description-preview`, b.token, { method: "POST", json: {} });
    expect(res.status).toBe(200);
    const { description } = (await res.json()) as { description: string };
    expect(description.split("\n").slice(0, 4)).toEqual(["Priority: High", "Requester: Jane Doe <jane.doe@contoso.example>", "Site: London HQ", "----"]);
    expect(description.split("\n")[4]).toMatch(/^Since this morning/);
  });

  it("renders unsaved choices for a given sample ticket, skipping its empty fields", async () => {
    const id = await connect();
    const res = await api(`/connections/${id}/description-preview`, a.token, {
      method: "POST",
      json: { ticket: { title: "VPN down", description: "Cannot connect.", status: { id: "9", name: "New" } }, description: { fields: ["status", "company", "title"], separator: "==" } },
    });
    expect(await res.json()).toEqual({ description: "Status: New\nTitle: VPN down\n==\nCannot connect." });
  });
});
