// The simulators call out as their platforms do: ConnectWise callbacks as registered through
// /system/callbacks, the ServiceNow Business Rule as Lockstep's setup script writes it.
import { describe, expect, it } from "vitest";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";

const CW = "https://cw.sim.test/v4_6_release/apis/3.0";
const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
const cwHeaders = { Authorization: `Basic ${btoa(`${companyId}+${publicKey}:${privateKey}`)}`, clientId, "Content-Type": "application/json" };

function recorder() {
  const received: { url: string; headers: Headers; body: string }[] = [];
  const transport = async (request: Request) => {
    received.push({ url: request.url, headers: request.headers, body: await request.text() });
    return new Response(null, { status: 202 });
  };
  return { received, transport };
}

describe("the ConnectWise simulator's callbacks", () => {
  async function setUp(callback: Record<string, unknown>) {
    const out = recorder();
    const sim = createConnectWiseSimulator({ webhooks: out.transport });
    const res = await sim.app.request(`${CW}/system/callbacks`, { method: "POST", headers: cwHeaders, body: JSON.stringify({ url: "https://lockstep.test/hooks/c/source/s", type: "Ticket", ...callback }) });
    return { sim, out, res };
  }
  const patch = (sim: ReturnType<typeof createConnectWiseSimulator>, id: number, summary: string) =>
    sim.app.request(`${CW}/service/tickets/${id}`, { method: "PATCH", headers: cwHeaders, body: JSON.stringify([{ op: "replace", path: "summary", value: summary }]) });

  it("send a summarized payload for tickets on the registered board only", async () => {
    const { sim, out, res } = await setUp({ level: "Board", objectId: 1 });
    expect(res.status).toBe(201);
    const onBoard = [...sim.store.tickets.values()].find((t) => t.board.id === 1)!;
    const elsewhere = [...sim.store.tickets.values()].find((t) => t.board.id !== 1)!;
    await patch(sim, onBoard.id, "Changed on the board");
    await patch(sim, elsewhere.id, "Changed elsewhere");
    await sim.webhooks.flush();
    expect(out.received).toHaveLength(1);
    const payload = JSON.parse(out.received[0]!.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ Action: "updated", Type: "ticket", ID: onBoard.id, CompanyId: companyId, MemberId: "lockstep-api" });
    expect(JSON.parse(payload.Entity as string)).toMatchObject({ id: onBoard.id, summary: "Changed on the board" });
  });

  it("suppress saves by the registering member when isSelfSuppressedFlag is set", async () => {
    const { sim, out } = await setUp({ level: "Owner", isSelfSuppressedFlag: true });
    await patch(sim, [...sim.store.tickets.keys()][0]!, "Our own write");
    await sim.webhooks.flush();
    expect(out.received).toHaveLength(0);
  });

  it("refuse a registration without url or level as ConnectWise does", async () => {
    const out = recorder();
    const sim = createConnectWiseSimulator({ webhooks: out.transport });
    const res = await sim.app.request(`${CW}/system/callbacks`, { method: "POST", headers: cwHeaders, body: JSON.stringify({ type: "Ticket" }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; errors: { field: string }[] };
    expect(body.code).toBe("InvalidObject");
    expect(body.errors.map((e) => e.field).sort()).toEqual(["level", "url"]);
  });
});

describe("the ServiceNow simulator's Business Rule", () => {
  const basic = `Basic ${btoa("lockstep.integration:sn-password")}`;

  it("signs base64 HMAC-SHA256 of timestamp + body, names each call in the signed body, and skips the excluded user's saves", async () => {
    const out = recorder();
    const sim = createServiceNowSimulator({ webhooks: out.transport });
    const rule = (body: Record<string, unknown>) => sim.app.request("https://sn.sim.test/__control/business-rules", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect((await rule({ table: "incident", url: "https://lockstep.test/hooks/c/target", secret: "the-secret" })).status).toBe(201);
    expect((await rule({ table: "incident", url: "https://lockstep.test/hooks/other", secret: "x", excludeUser: "lockstep.integration" })).status).toBe(201);
    expect((await rule({ table: "sys_user", url: "https://lockstep.test/x", secret: "x" })).status).toBe(400);

    const created = await sim.app.request("https://sn.sim.test/api/now/table/incident", { method: "POST", headers: { Authorization: basic, "Content-Type": "application/json" }, body: JSON.stringify({ short_description: "Pushed" }) });
    const { result } = (await created.json()) as { result: { sys_id: string; number: string } };
    await sim.webhooks.flush();
    expect(out.received.map((r) => r.url)).toEqual(["https://lockstep.test/hooks/c/target"]);
    const call = out.received[0]!;
    // The call's id is signed (in the body), not only named in a header a replayer could change.
    const delivery = call.headers.get("X-Lockstep-Delivery");
    expect(delivery).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(call.body)).toEqual({ table: "incident", sys_id: result.sys_id, number: result.number, operation: "insert", delivery });
    const timestamp = call.headers.get("X-Lockstep-Timestamp")!;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    // Checked here with WebCrypto directly, not with the code under test.
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("the-secret"), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    const signature = Uint8Array.from(atob(call.headers.get("X-Lockstep-Signature")!), (ch) => ch.charCodeAt(0));
    expect(await crypto.subtle.verify("HMAC", key, signature, new TextEncoder().encode(timestamp + call.body))).toBe(true);
  });
});
