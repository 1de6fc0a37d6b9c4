import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/connectors/errors";
import { CW_BASE, setupConnectWise } from "./connectwise-support";
import { CONNECTWISE_SIMULATOR_DEFAULTS } from "../../src/simulators/connectwise/app";

async function failureOf(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof ConnectorError)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}

const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
const auth = { Authorization: `Basic ${btoa(`${companyId}+${publicKey}:${privateKey}`)}`, clientId };

describe("ConnectWise connector: failures", () => {
  it("reports a wrong private key as an auth failure with ConnectWise's own message", async () => {
    const { client } = setupConnectWise({ credentials: { privateKey: "not-the-key" } });
    const error = await failureOf(client.testConnection());
    expect(error.kind).toBe("auth");
    expect(error.vendorMessage).toBe("Incorrect public/private key");
    expect(error.details.status).toBe(401);
  });

  it("reports a ticket on a board the API member may not see as a permission failure", async () => {
    const { client } = setupConnectWise({ sim: { restrictedBoardIds: [3] } });
    const error = await failureOf(client.getTicket("102", "ticket"));
    expect(error.kind).toBe("permission");
    expect(error.vendorMessage).toBe("You do not have security permission to perform this action.");
  });

  it("reports a 429 as rate limited with the Retry-After seconds", async () => {
    const { client, sim } = setupConnectWise();
    sim.faults.next({ kind: "status", status: 429, retryAfter: "30" });
    const error = await failureOf(client.getTicket("100", "ticket"));
    expect(error.kind).toBe("rate_limited");
    expect(error.details.retryAfterSeconds).toBe(30);
    expect(error.retryable).toBe(true);
  });

  it("reports a 500 as transient", async () => {
    const { client, sim } = setupConnectWise();
    sim.faults.next({ kind: "status", status: 500 });
    const error = await failureOf(client.listComments("100", "ticket"));
    expect(error.kind).toBe("transient");
    expect(error.vendorMessage).toBe("Internal server error");
  });

  it("reports a body that is not JSON as an invalid response", async () => {
    const { client, sim } = setupConnectWise();
    sim.faults.next({ kind: "malformed" });
    expect((await failureOf(client.discover())).kind).toBe("invalid_response");
  });

  it("reports a call that never answers as a transient timeout", async () => {
    const { client, sim } = setupConnectWise({ settings: { timeoutMs: 50 } });
    sim.faults.next({ kind: "hang" });
    const error = await failureOf(client.getTicket("100", "ticket"));
    expect(error.kind).toBe("transient");
    expect(error.vendorMessage).toBe("No answer within 0.05 s");
  });

  it("rejects a cursor it did not issue", async () => {
    const { client } = setupConnectWise();
    expect((await failureOf(client.listChanged({ since: "2024-01-01T00:00:00Z", cursor: "garbage", ticketType: "ticket" }))).kind).toBe("validation");
  });
});

describe("ConnectWise simulator: what ConnectWise itself rejects", () => {
  it("answers 400 in ConnectWise's error shape for conditions it cannot parse", async () => {
    setupConnectWise();
    for (const conditions of ["lastUpdated >> [2024-01-01T00:00:00Z]", "lastUpdated > [yesterday]", 'summary = "open', "board/id in (1,2", "id > 5 and"]) {
      const res = await fetch(`${CW_BASE}/service/tickets?conditions=${encodeURIComponent(conditions)}`, { headers: auth });
      expect(res.status, conditions).toBe(400);
      expect(await res.json()).toMatchObject({ code: "InvalidFilter", message: expect.stringContaining("conditions") });
    }
  });

  it("caps pages at 1,000 and links the next and last pages", async () => {
    setupConnectWise();
    const res = await fetch(`${CW_BASE}/service/tickets?pageSize=10&page=2`, { headers: auth });
    expect((await res.json() as unknown[]).length).toBe(10);
    expect(res.headers.get("Link")).toBe(
      `<https://cw.sim.test/v4_6_release/apis/3.0/service/tickets?pageSize=10&page=1>; rel="first", <https://cw.sim.test/v4_6_release/apis/3.0/service/tickets?pageSize=10&page=1>; rel="prev", ` +
      `<https://cw.sim.test/v4_6_release/apis/3.0/service/tickets?pageSize=10&page=3>; rel="next", <https://cw.sim.test/v4_6_release/apis/3.0/service/tickets?pageSize=10&page=4>; rel="last"`,
    );
    const big = await fetch(`${CW_BASE}/service/tickets?pageSize=5000`, { headers: auth });
    expect((await big.json() as unknown[]).length).toBe(36);
  });

  it("answers 415 to a document sent as JSON instead of multipart", async () => {
    setupConnectWise();
    const res = await fetch(`${CW_BASE}/system/documents`, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ recordType: "Ticket", recordId: 100 }) });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: "UnsupportedMediaType" });
  });

  it("refuses a request without the clientId header", async () => {
    setupConnectWise();
    const res = await fetch(`${CW_BASE}/service/boards`, { headers: { Authorization: auth.Authorization } });
    expect(res.status).toBe(400);
  });
});
