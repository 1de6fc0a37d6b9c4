// How ServiceNow failures reach the engine (classified, with ServiceNow's own words and the
// retry time), and how OAuth client-credential tokens are fetched, reused and renewed.
import { describe, expect, it } from "vitest";
import { settingsSchema, type ServiceNowCredentials } from "../../src/connectors/servicenow/config";
import { servicenowConnector } from "../../src/connectors/servicenow";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();
const BASIC: ServiceNowCredentials = { authType: "basic", username: "lockstep.integration", password: "sn-password" };
const OAUTH: ServiceNowCredentials = { authType: "oauth_client_credentials", clientId: "lockstep-client", clientSecret: "sn-client-secret" };

function setup(credentials: ServiceNowCredentials = BASIC, settings: Record<string, unknown> = {}, rateLimit?: { requests: number; perSeconds: number }) {
  // One clock for the instance and the connector, so token expiry can be reached without waiting.
  let now = Date.UTC(2026, 0, 5, 9, 0, 0);
  const clock = { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
  const sim = createServiceNowSimulator({ now: clock.now, ...(rateLimit ? { rateLimit } : {}) });
  network.mount("sn.sim.test", sim.app);
  const client = servicenowConnector.create({
    fetch: (input, init) => fetch(input, init),
    now: clock.now,
    config: { baseUrl: "https://sn.sim.test", credentials, settings: settingsSchema.parse(settings) },
  });
  const incident = sim.store.list("incident")[0]!;
  const tokenCalls = () => sim.faults.calls.filter((c) => c.path === "/oauth_token.do").length;
  return { sim, client, clock, incident, tokenCalls };
}

describe("ServiceNow errors", () => {
  it("reports a wrong password as an auth failure in ServiceNow's words", async () => {
    const { client } = setup({ ...BASIC, password: "wrong" });
    await expect(client.testConnection()).rejects.toMatchObject({
      kind: "auth",
      vendorMessage: "User Not Authenticated: Required to provide Auth information",
      details: { status: 401 },
    });
  });

  it("reports a table the REST ACL denies as a permission failure", async () => {
    const { sim, client, incident } = setup();
    sim.store.deniedTables.add("sys_journal_field");
    await expect(client.listComments(incident.sys_id!, "incident")).rejects.toMatchObject({
      kind: "permission",
      vendorMessage: "User Not Authorized: Failed API level ACL Validation",
    });
  });

  it("reports a missing record as not found", async () => {
    const { client } = setup();
    await expect(client.getTicket("0123456789abcdef0123456789abcdef", "incident")).rejects.toMatchObject({
      kind: "not_found",
      vendorMessage: "No Record found: Record doesn't exist or ACL restricts the record retrieval",
    });
  });

  it("passes on a 429's Retry-After as the time to wait", async () => {
    const { sim, client, incident } = setup();
    sim.faults.next({ kind: "status", status: 429, retryAfter: "30" });
    const error = await client.getTicket(incident.sys_id!, "incident").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "rate_limited", retryable: true, details: { retryAfterSeconds: 30 } });
  });

  it("waits as long as the instance's rate limit rule says when it is exceeded", async () => {
    const { client, clock } = setup(BASIC, {}, { requests: 2, perSeconds: 3_600 });
    await client.findContactByEmail("ada.wong@example.com");
    clock.advance(600);
    await client.findContactByEmail("ada.wong@example.com");
    await expect(client.findContactByEmail("ada.wong@example.com")).rejects.toMatchObject({ kind: "rate_limited", details: { status: 429, retryAfterSeconds: 3_000 } });
  });

  it("treats a 500 as transient", async () => {
    const { sim, client } = setup();
    sim.faults.next({ kind: "status", status: 500 });
    await expect(client.discover()).rejects.toMatchObject({ kind: "transient", vendorMessage: "Internal server error" });
  });

  it("rejects a body that is not JSON as an invalid response", async () => {
    const { sim, client } = setup();
    sim.faults.next({ kind: "malformed" });
    await expect(client.listChanged({ since: "2024-01-01T00:00:00Z", cursor: null, ticketType: "incident" })).rejects.toMatchObject({ kind: "invalid_response" });
  });

  it("treats a connection cut in the middle of the answer as transient", async () => {
    const { sim, client } = setup();
    sim.faults.next({ kind: "cut" });
    await expect(client.listChanged({ since: "2024-01-01T00:00:00Z", cursor: null, ticketType: "incident" })).rejects.toMatchObject({ kind: "transient" });
  });

  it("gives up on a hanging instance after the configured timeout, as a transient failure", async () => {
    const { sim, client, incident } = setup(BASIC, { timeoutMs: 100 });
    sim.faults.next({ kind: "hang" });
    await expect(client.getTicket(incident.sys_id!, "incident")).rejects.toMatchObject({ kind: "transient", vendorMessage: "No answer within 0.1 s" });
  });

  it("refuses a cursor it did not issue and a partner reference that would change the query, without calling the instance", async () => {
    const { sim, client } = setup();
    await expect(client.listChanged({ since: "2024-01-01T00:00:00Z", cursor: "not-a-cursor", ticketType: "incident" })).rejects.toMatchObject({ kind: "validation" });
    await expect(client.findByPartnerReference("incident", "X^ORactive=true")).rejects.toMatchObject({ kind: "validation" });
    expect(sim.faults.calls).toEqual([]);
  });

  it("reports an unknown table in ServiceNow's words", async () => {
    const { client } = setup();
    await expect(client.getTicket("0123456789abcdef0123456789abcdef", "incidnet")).rejects.toMatchObject({ kind: "validation", vendorMessage: "Invalid table incidnet" });
  });
});

describe("ServiceNow OAuth client credentials", () => {
  it("fetches one token and reuses it until it is about to expire", async () => {
    const { client, clock, incident, tokenCalls } = setup(OAUTH);
    await expect(client.testConnection()).resolves.toMatchObject({ identity: "Lockstep Integration (lockstep.integration)" });
    await client.getTicket(incident.sys_id!, "incident");
    expect(tokenCalls()).toBe(1);
    clock.advance(1_800 - 30);
    await client.getTicket(incident.sys_id!, "incident");
    expect(tokenCalls()).toBe(2);
  });

  it("gets a new token once when the instance rejects the cached one", async () => {
    const { sim, client, incident, tokenCalls } = setup(OAUTH);
    await client.getTicket(incident.sys_id!, "incident");
    sim.store.revokeTokens();
    await expect(client.getTicket(incident.sys_id!, "incident")).resolves.toMatchObject({ id: incident.sys_id });
    expect(tokenCalls()).toBe(2);
  });

  it("reports a wrong client secret as an auth failure with the token endpoint's message", async () => {
    const { client, tokenCalls } = setup({ ...OAUTH, clientSecret: "nope" });
    await expect(client.testConnection()).rejects.toMatchObject({ kind: "auth", vendorMessage: "access_denied" });
    expect(tokenCalls()).toBe(1);
  });
});
