// Checks the connector's requests and the simulator's responses against ConnectWise's published
// Service API (Swagger 2.0, 2015). That spec covers tickets, notes, boards, statuses, types and
// priorities; /system/documents, /time/entries, /company/*, /system/members, /time/workRoles and
// /system/info are not in it and are checked by the behaviour tests only.
import { describe, expect, it } from "vitest";
import { CONNECTWISE_SIMULATOR_DEFAULTS } from "../../src/simulators/connectwise/app";
import { findOperation, requestSchema, responseSchema, validateAgainst, vendorSpec } from "../support/openapi-contract";
import { CW_BASE, setupConnectWise } from "../connectors/connectwise-support";

const spec = vendorSpec("connectwiseService");
const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
const auth = { Authorization: `Basic ${btoa(`${companyId}+${publicKey}:${privateKey}`)}`, clientId };

/**
 * The 2015 spec types every custom field `value` as a string; ConnectWise now returns numbers
 * and booleans for Number and Checkbox fields, so only those typed values are let through.
 */
const typedCustomFieldValue = (error: string) => /\/customFields\/\d+\/value Instance type "(number|boolean)" is invalid\. Expected "string"\.$/.test(error);

function responseErrors(method: string, path: string, status: number, body: unknown): string[] {
  const { operation } = findOperation(spec, method, path);
  const schema = responseSchema(spec, operation, status);
  if (!schema) throw new Error(`The spec has no ${status} response for ${method} ${path}`);
  // Wrapper messages only restate a nested error; the nested (leaf) errors are what count.
  const wrapper = / (A subschema had errors|Items did not match schema|Property "[^"]+" does not match schema)\.$/;
  return validateAgainst(spec, schema, body).filter((e) => !wrapper.test(e) && !typedCustomFieldValue(e));
}

async function get(path: string): Promise<unknown> {
  const res = await fetch(`${CW_BASE}${path}`, { headers: auth });
  expect(res.status).toBe(200);
  return res.json();
}

describe("ConnectWise contract (Service API 2015 swagger)", () => {
  it("uses the spec's base path", () => {
    expect(spec.basePath).toBe("/v4_6_release/apis/3.0");
    expect(new URL(CW_BASE).pathname).toBe(spec.basePath);
  });

  it("sends a ticket create body that matches the spec's Ticket", async () => {
    const { client, sent } = setupConnectWise();
    await client.createTicket("ticket", { title: "Printer offline", description: "Since 9am", queueId: "1", statusId: "12", priorityId: "3", companyId: "250", requester: { id: "300", name: null, email: null }, partnerReference: "INC001", extra: { type: { id: 101 } } });
    const post = sent.find((r) => r.method === "POST")!;
    const { operation } = findOperation(spec, "POST", post.url.pathname);
    expect(validateAgainst(spec, requestSchema(spec, operation)!, JSON.parse(post.body!))).toEqual([]);
  });

  it("sends JSON-Patch operations whose op and path match the spec's PatchOperation", async () => {
    const { client, sent } = setupConnectWise();
    await client.updateTicket("100", "ticket", { title: "New title", statusId: "12", partnerReference: "INC002" });
    const patch = sent.find((r) => r.method === "PATCH")!;
    const { operation } = findOperation(spec, "PATCH", patch.url.pathname);
    const schema = requestSchema(spec, operation)!;
    const operations = JSON.parse(patch.body!) as { op: string; path: string; value: unknown }[];
    // The 2015 spec shows one operation with a string value; the API takes an array of them and
    // reference values as objects ({"id": 12}), so each operation is checked without its value.
    expect(Array.isArray(operations)).toBe(true);
    for (const { value: _value, ...operationWithoutValue } of operations) expect(validateAgainst(spec, schema, operationWithoutValue)).toEqual([]);
    expect(operations.map((o) => o.path)).toEqual(["summary", "status", "externalXRef"]);
  });

  it("sends note bodies that match the spec's ServiceNote", async () => {
    const { client, sent } = setupConnectWise();
    await client.addComment("100", "ticket", { body: "Customer called back", format: "text", public: true });
    await client.addComment("100", "ticket", { body: "Internal only", format: "text", public: false });
    const { operation } = findOperation(spec, "POST", "/v4_6_release/apis/3.0/service/tickets/100/notes");
    for (const post of sent.filter((r) => r.method === "POST")) expect(validateAgainst(spec, requestSchema(spec, operation)!, JSON.parse(post.body!))).toEqual([]);
  });

  it("answers ticket, note and picklist reads in the spec's shapes", async () => {
    setupConnectWise();
    const reads: [string, string][] = [
      ["/service/tickets?pageSize=50", "/v4_6_release/apis/3.0/service/tickets"],
      ["/service/tickets/100", "/v4_6_release/apis/3.0/service/tickets/100"],
      ["/service/tickets/100/notes", "/v4_6_release/apis/3.0/service/tickets/100/notes"],
      ["/service/boards", "/v4_6_release/apis/3.0/service/boards"],
      ["/service/boards/1/statuses", "/v4_6_release/apis/3.0/service/boards/1/statuses"],
      ["/service/boards/2/types", "/v4_6_release/apis/3.0/service/boards/2/types"],
      ["/service/priorities", "/v4_6_release/apis/3.0/service/priorities"],
    ];
    for (const [path, specPath] of reads) expect(responseErrors("GET", specPath, 200, await get(path)), path).toEqual([]);
  });

  it("answers creates, patches and new notes in the spec's shapes", async () => {
    setupConnectWise();
    const post = async (path: string, body: unknown, method = "POST") => {
      const res = await fetch(`${CW_BASE}${path}`, { method, headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const created = await post("/service/tickets", { summary: "Contract check", company: { id: 250 }, board: { id: 1 } });
    expect(responseErrors("POST", "/v4_6_release/apis/3.0/service/tickets", created.status, created.body)).toEqual([]);
    const patched = await post("/service/tickets/100", [{ op: "replace", path: "priority", value: { id: 2 } }], "PATCH");
    expect(responseErrors("PATCH", "/v4_6_release/apis/3.0/service/tickets/100", patched.status, patched.body)).toEqual([]);
    const note = await post("/service/tickets/100/notes", { text: "hello", internalAnalysisFlag: true });
    expect(responseErrors("POST", "/v4_6_release/apis/3.0/service/tickets/100/notes", note.status, note.body)).toEqual([]);
  });

  it("answers a wrong key with the spec's Error body on 401", async () => {
    setupConnectWise();
    const res = await fetch(`${CW_BASE}/service/tickets`, { headers: { ...auth, Authorization: "Basic bm9wZTpub3Bl" } });
    expect(res.status).toBe(401);
    expect(responseErrors("GET", "/v4_6_release/apis/3.0/service/tickets", 401, await res.json())).toEqual([]);
  });
});
