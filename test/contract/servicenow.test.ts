// Contract: every request body the ServiceNow connector sends and every simulator response it
// parses, checked against the (third-party) OpenAPI documents for the Table and Attachment APIs.
//
// Where that document and ServiceNow disagree, ServiceNow wins, and the disagreements are undone
// explicitly (asDocumented) rather than hidden: the Table API returns every column as a string
// (sys_mod_count "3", size_bytes "2048"), dates as UTC "YYYY-MM-DD HH:mm:ss" rather than RFC 3339,
// and with sysparm_display_value=all each column as {display_value, value}. Any other difference fails.
import { describe, expect, it } from "vitest";
import { settingsSchema } from "../../src/connectors/servicenow/config";
import { servicenowConnector } from "../../src/connectors/servicenow";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { findOperation, requestSchema, responseSchema, validateAgainst, vendorSpec } from "../support/openapi-contract";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();

type Exchange = { method: string; path: string; query: URLSearchParams; requestBody: unknown; status: number; responseBody: unknown; contentType: string };

function setup(password = "sn-password") {
  const sim = createServiceNowSimulator();
  network.mount("sn.sim.test", sim.app);
  const exchanges: Exchange[] = [];
  const client = servicenowConnector.create({
    // Records each exchange as the connector saw it, without consuming what the connector reads.
    fetch: async (input, init) => {
      const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
      const method = init?.method ?? "GET";
      const requestBody = typeof init?.body === "string" && init.body.startsWith("{") ? JSON.parse(init.body) : null;
      const response = await fetch(input, init);
      const contentType = response.headers.get("Content-Type") ?? "";
      const responseBody = contentType.includes("json") ? await response.clone().json() : null;
      exchanges.push({ method, path: url.pathname, query: url.searchParams, requestBody, status: response.status, responseBody, contentType });
      return response;
    },
    config: {
      baseUrl: "https://sn.sim.test",
      credentials: { authType: "basic", username: "lockstep.integration", password },
      settings: settingsSchema.parse({}),
    },
  });
  return { sim, client, exchanges };
}

const SN_TIME = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)$/;
/** Columns the documents type as integers; ServiceNow sends them as strings ("" when unset). */
const INTEGER_COLUMNS = new Set(["sys_mod_count", "size_bytes", "size_compressed", "image_width", "image_height"]);

/**
 * The body rewritten only by the documented disagreements: {display_value, value} to the value,
 * "YYYY-MM-DD HH:mm:ss" to RFC 3339, integer columns to numbers (dropped when empty). Everything
 * else is left as sent, so any other difference from the document still fails validation.
 */
function asDocumented(body: unknown): unknown {
  const record = (row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).flatMap(([key, raw]): [string, unknown][] => {
        let value = raw && typeof raw === "object" && "value" in raw ? (raw as { value: unknown }).value : raw;
        if (typeof value === "string" && SN_TIME.test(value)) value = value.replace(SN_TIME, "$1T$2Z");
        if (INTEGER_COLUMNS.has(key) && typeof value === "string") return value === "" ? [] : [[key, Number(value)]];
        return [[key, value]];
      }),
    );
  if (!body || typeof body !== "object" || !("result" in body)) return body;
  const result = (body as { result: unknown }).result;
  return { ...body, result: Array.isArray(result) ? result.map((r) => record(r as Record<string, unknown>)) : record(result as Record<string, unknown>) };
}

type Json = Record<string, unknown>;

/** The operation's query parameters, $refs resolved: names and whether each is required. */
function queryParameters(spec: Json, operation: Json): Map<string, boolean> {
  const resolve = (p: Json): Json =>
    typeof p.$ref === "string" ? (p.$ref.slice(2).split("/").reduce<unknown>((at, key) => (at as Json)[key], spec) as Json) : p;
  const params = ((operation.parameters ?? []) as Json[]).map(resolve).filter((p) => p.in === "query");
  return new Map(params.map((p) => [p.name as string, p.required === true]));
}

function specFor(path: string) {
  if (path.startsWith("/api/now/table/")) return { spec: vendorSpec("servicenowTable"), path: path.slice("/api/now".length) };
  if (path.startsWith("/api/now/attachment")) return { spec: vendorSpec("servicenowAttachment"), path: path.slice("/api/now".length) };
  return null;
}

describe("ServiceNow contract", () => {
  it("sends request bodies and parses responses that the Table and Attachment API documents describe", async () => {
    const { sim, client, exchanges } = setup();
    const incident = sim.store.list("incident")[0]!;
    const created = await client.createTicket("incident", { title: "Contract check", statusId: "2", priorityId: "3", partnerReference: "CW-77" });
    await client.updateTicket(created.id, "incident", { description: "Updated" });
    await client.addComment(created.id, "incident", { body: "Note", format: "text", public: true });
    await client.listChanged({ since: "2024-01-01T00:00:00Z", cursor: null, ticketType: "incident", pageSize: 5 });
    await client.getTicket(incident.sys_id!, "incident");
    await client.listComments(incident.sys_id!, "incident");
    const uploaded = await client.uploadAttachment(incident.sys_id!, "incident", { fileName: "a.txt", contentType: "text/plain", size: 5, body: new Blob(["hello"]).stream() });
    await client.listAttachments(incident.sys_id!, "incident");
    const download = await client.downloadAttachment(incident.sys_id!, "incident", uploaded);
    await download.body.cancel();
    await client.discover();
    await client.findContactByEmail("ada.wong@example.com");

    const checked: string[] = [];
    for (const exchange of exchanges) {
      const target = specFor(exchange.path);
      if (!target) continue;
      const { operation, template } = findOperation(target.spec, exchange.method, target.path);
      // Every query parameter sent is one the operation declares, and every required one is sent.
      const declared = queryParameters(target.spec, operation);
      expect([...exchange.query.keys()].filter((name) => !declared.has(name)), `${exchange.method} ${template} parameters`).toEqual([]);
      expect([...declared].filter(([name, required]) => required && !exchange.query.has(name)), `${exchange.method} ${template} required`).toEqual([]);
      const request = requestSchema(target.spec, operation);
      if (exchange.requestBody !== null && request) {
        expect(validateAgainst(target.spec, request, exchange.requestBody), `${exchange.method} ${template} request`).toEqual([]);
        checked.push(`${exchange.method} ${template} request`);
      }
      const response = responseSchema(target.spec, operation, exchange.status);
      if (exchange.responseBody !== null && response) {
        expect(validateAgainst(target.spec, response, asDocumented(exchange.responseBody)), `${exchange.method} ${template} ${exchange.status}`).toEqual([]);
        checked.push(`${exchange.method} ${template} ${exchange.status}`);
      }
    }
    expect(new Set(checked)).toEqual(
      new Set([
        "POST /table/{tableName} request", "POST /table/{tableName} 201", "PATCH /table/{tableName}/{sys_id} request", "PATCH /table/{tableName}/{sys_id} 200",
        "GET /table/{tableName} 200", "GET /table/{tableName}/{sys_id} 200", "POST /attachment/file 201", "GET /attachment 200",
      ]),
    );
  });

  it("answers failures with the error envelope the documents give", async () => {
    const { sim, client, exchanges } = setup("wrong");
    await client.testConnection().catch(() => null);
    const good = setup();
    good.sim.store.deniedTables.add("sys_journal_field");
    await good.client.listComments(sim.store.list("incident")[0]!.sys_id!, "incident").catch(() => null);
    await good.client.getTicket("0123456789abcdef0123456789abcdef", "incident").catch(() => null);

    const failures = [...exchanges, ...good.exchanges].filter((e) => e.status >= 400);
    expect(failures.map((e) => `${e.method} ${e.status}`)).toEqual(["GET 401", "GET 403", "GET 404"]);
    for (const failure of failures) {
      const target = specFor(failure.path)!;
      const { operation } = findOperation(target.spec, failure.method, target.path);
      const schema = responseSchema(target.spec, operation, failure.status)!;
      expect(schema, `${failure.method} ${failure.path} ${failure.status} documented`).not.toBeNull();
      expect(validateAgainst(target.spec, schema, failure.responseBody)).toEqual([]);
      expect(failure.responseBody).toMatchObject({ error: { message: expect.any(String) }, status: "failure" });
    }
  });
});
