// The ServiceNow calls Lockstep makes: Table API, Attachment API and the OAuth token endpoint.
// Ticket records are read with sysparm_display_value=all so one call gives both the stored value
// (written back) and the display value (shown and matched) of every choice and reference, instead
// of a lookup per reference; other tables are read with stored values only.
import { z } from "zod";
import type { ConnectorContext } from "../contract";
import { ConnectorError } from "../errors";
import { HttpClient } from "../http-client";
import type { ServiceNowCredentials, ServiceNowSettings } from "./config";
import type { PlainRecord, SnRecord } from "./mapping";

const text = z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? "" : String(v)));
const snFieldSchema = z.object({ value: text, display_value: text });
export const snRecordSchema = z.record(z.string(), snFieldSchema);
export const plainRecordSchema = z.record(z.string(), text);
const snListSchema = z.object({ result: z.array(snRecordSchema) });
const snOneSchema = z.object({ result: snRecordSchema });
const plainListSchema = z.object({ result: z.array(plainRecordSchema) });
const plainOneSchema = z.object({ result: plainRecordSchema });
const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive(), token_type: z.string() });
const vendorErrorSchema = z.object({
  error: z.union([z.object({ message: z.string().nullish(), detail: z.string().nullish() }), z.string()]).optional(),
  error_description: z.string().optional(),
});

/** ServiceNow's error envelope `{"error":{"message","detail"},"status":"failure"}`, or OAuth's `error_description`. */
export function vendorMessage(_status: number, body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const result = vendorErrorSchema.safeParse(parsed);
  if (!result.success) return null;
  const { error, error_description } = result.data;
  if (error && typeof error === "object" && error.message) return error.detail ? `${error.message}: ${error.detail}` : error.message;
  return error_description ?? (typeof error === "string" ? error : null);
}

/** A data policy violation is a 403, but the fix is in the data (or settings), not in roles. */
export function classify(status: number, body: string): ConnectorError["kind"] | null {
  return status === 403 && body.includes("Data Policy Exception") ? "validation" : null;
}

function basicHeader(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

export type ListParams = { query: string; limit: number; offset?: number; fields?: string[] };

export function createApi(context: ConnectorContext<ServiceNowCredentials, ServiceNowSettings>) {
  const { credentials, settings, baseUrl } = context.config;
  const now = () => (context.now ? context.now() : new Date()).getTime();
  let token: { value: string; expiresAt: number } | null = null;

  const tokenClient = new HttpClient({ fetch: context.fetch, baseUrl, authorize: () => {}, vendorMessage, timeoutMs: settings.timeoutMs });

  // https://www.servicenow.com/docs/r/zurich/platform-security/authentication/client-credentials-grant-workflow.html
  async function accessToken(creds: Extract<ServiceNowCredentials, { authType: "oauth_client_credentials" }>): Promise<string> {
    // Renew a minute early so a token never expires between check and use.
    if (token && token.expiresAt - 60_000 > now()) return token.value;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: creds.clientId, client_secret: creds.clientSecret });
    const { data } = await tokenClient.json("POST", "/oauth_token.do", tokenSchema, {
      body: form.toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    token = { value: data.access_token, expiresAt: now() + data.expires_in * 1000 };
    return token.value;
  }

  const http = new HttpClient({
    fetch: context.fetch,
    baseUrl,
    timeoutMs: settings.timeoutMs,
    vendorMessage,
    classify,
    authorize: async (headers) => {
      if (credentials.authType === "basic") headers.set("Authorization", basicHeader(credentials.username, credentials.password));
      else headers.set("Authorization", `Bearer ${await accessToken(credentials)}`);
    },
  });

  /**
   * With OAuth, a 401 may mean the instance revoked the cached token: fetch a new one and try once
   * more. A connection lost while the body is read surfaces as a plain error: make it transient.
   */
  async function call<T>(fn: () => Promise<T>, retry = true): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw new ConnectorError("transient", `Connection to ServiceNow lost while reading the answer: ${(err as Error).message}`);
      if (!(retry && err.details.status === 401 && credentials.authType !== "basic" && token)) throw err;
      token = null;
      return fn();
    }
  }

  const listQuery = (p: ListParams, displayValue: "all" | "false") => ({
    sysparm_query: p.query,
    sysparm_limit: p.limit,
    sysparm_offset: p.offset ?? 0,
    sysparm_display_value: displayValue,
    sysparm_exclude_reference_link: true,
    sysparm_fields: p.fields?.join(","),
  });
  const tablePath = (table: string, id?: string) => `/api/now/table/${encodeURIComponent(table)}${id === undefined ? "" : `/${encodeURIComponent(id)}`}`;
  const total = (response: Response) => Number(response.headers.get("X-Total-Count") ?? "NaN");

  return {
    // https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html (GET /now/table/{tableName})
    async listTickets(table: string, p: ListParams): Promise<SnRecord[]> {
      return call(async () => (await http.json("GET", tablePath(table), snListSchema, { query: listQuery(p, "all") })).data.result);
    },

    // https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html (GET, stored values only;
    // for lookup tables; `total` is X-Total-Count)
    async listPlain(table: string, p: ListParams): Promise<{ records: PlainRecord[]; total: number }> {
      return call(async () => {
        const { data, response } = await http.json("GET", tablePath(table), plainListSchema, { query: listQuery(p, "false") });
        return { records: data.result, total: total(response) };
      });
    },

    /** Every row matching `query`, page by page (sysparm_limit/sysparm_offset) until X-Total-Count is reached. */
    async listAllPlain(table: string, query: string, fields?: string[], pageSize = 500): Promise<PlainRecord[]> {
      const rows: PlainRecord[] = [];
      for (let offset = 0; ; offset += pageSize) {
        const page = await this.listPlain(table, { query, limit: pageSize, offset, ...(fields ? { fields } : {}) });
        rows.push(...page.records);
        if (page.records.length < pageSize || rows.length >= page.total) return rows;
      }
    },

    // https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html (GET /now/table/{tableName}/{sys_id})
    async getTicket(table: string, id: string): Promise<SnRecord> {
      const query = { sysparm_display_value: "all", sysparm_exclude_reference_link: true };
      return call(async () => (await http.json("GET", tablePath(table, id), snOneSchema, { query })).data.result);
    },

    // https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html (POST /now/table/{tableName})
    async createRecord(table: string, body: Record<string, string>): Promise<SnRecord> {
      const query = { sysparm_display_value: "all", sysparm_exclude_reference_link: true };
      return call(async () => (await http.json("POST", tablePath(table), snOneSchema, { query, json: body })).data.result);
    },

    // https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html (PATCH /now/table/{tableName}/{sys_id})
    async patchRecord(table: string, id: string, body: Record<string, string>): Promise<SnRecord> {
      const query = { sysparm_display_value: "all", sysparm_exclude_reference_link: true };
      return call(async () => (await http.json("PATCH", tablePath(table, id), snOneSchema, { query, json: body })).data.result);
    },

    // https://www.servicenow.com/docs/r/api-reference/rest-apis/c_AttachmentAPI.html (GET /now/attachment)
    // One page of up to 1,000: more files than that on one ticket is not a case worth paging for.
    async listAttachments(table: string, id: string): Promise<PlainRecord[]> {
      const query = { sysparm_query: `table_name=${table}^table_sys_id=${id}^ORDERBYsys_created_on`, sysparm_limit: 1000 };
      return call(async () => (await http.json("GET", "/api/now/attachment", plainListSchema, { query })).data.result);
    },

    // https://www.servicenow.com/docs/r/api-reference/rest-apis/c_AttachmentAPI.html (GET /now/attachment/{sys_id}/file)
    async downloadAttachment(id: string): Promise<Response> {
      return call(() => http.send("GET", `/api/now/attachment/${encodeURIComponent(id)}/file`, { headers: { Accept: "*/*" } }));
    },

    // https://docs.servicenow.com/bundle/jakarta-servicenow-platform/page/integrate/inbound-rest/reference/r_AttachmentAPI-POST.html
    // The body is a stream and cannot be sent twice, so no token-refresh retry here.
    async uploadAttachment(table: string, id: string, file: { fileName: string; contentType: string; body: ReadableStream<Uint8Array> }): Promise<PlainRecord> {
      const query = { table_name: table, table_sys_id: id, file_name: file.fileName };
      const send = () => http.json("POST", "/api/now/attachment/file", plainOneSchema, { query, headers: { "Content-Type": file.contentType }, body: file.body });
      return (await call(send, false)).data.result;
    },
  };
}

export type ServiceNowApi = ReturnType<typeof createApi>;
