// A small stateful ServiceNow instance for tests and the demo: OAuth token endpoint, Table API
// and Attachment API as the connector uses them, with ServiceNow's error envelope, Basic and
// bearer auth, REST ACL denials (403), encoded queries, limit/offset paging with X-Total-Count
// and Link headers, and the data policy on resolving incidents. Never imported by production code.
//
// Defaults: Basic user `lockstep.integration` / `sn-password`; OAuth client `lockstep-client` /
// `sn-client-secret`, tokens valid 1,800 s and acting as the integration user.
import { Hono, type Context } from "hono";
import { droppedWrite, FaultPlan, faultMiddleware } from "../faults";
import { simulatorBase } from "../base";
import { WebhookOutbox, type WebhookTransport } from "../webhook-outbox";
import { attachmentRoutes } from "./attachments";
import { createBusinessRules } from "./business-rules";
import { grantRole, revokeRole, seedJournalAcls, withoutDeniedJournal } from "./journal-acl";
import { errorBody, fail, paging, pagingHeaders, query, render, type SimEnv } from "./respond";
import { seedServiceNow, INTEGRATION_USER } from "./seed";
import type { SeedTime } from "../seed-time";
import { ServiceNowStore, SimError, type Row, type StoreOptions } from "./store";
import { JOURNAL_FIELDS, snTime } from "./tables";

export type ServiceNowSimulatorOptions = StoreOptions & {
  basic?: { username: string; password: string };
  oauth?: { clientId: string; clientSecret: string; tokenTtlSeconds?: number };
  /** Start empty instead of with the demo data. */
  empty?: boolean;
  /** When the seeded records happened (default: the fixed March 2024 seed tests rely on). */
  seedTime?: SeedTime;
  /** A Rate Limit Rule for the integration user: `requests` per `perSeconds` window. */
  rateLimit?: { requests: number; perSeconds: number };
  /** Where Business Rules call out from (tests: the Worker in process); without it none call. */
  webhooks?: WebhookTransport;
  /** The integration user's roles (default itil). Without itil, the baseline write ACL on
   * task.work_notes fails: a work note written through the Table API is dropped, answered 200. */
  integrationRoles?: string[];
};

export function createServiceNowSimulator(options: ServiceNowSimulatorOptions = {}) {
  const store = new ServiceNowStore(options);
  if (!options.empty) {
    const { integration } = seedServiceNow(store, options.seedTime);
    seedJournalAcls(store, integration, options.integrationRoles);
  }
  const faults = new FaultPlan();
  const basic = options.basic ?? { username: INTEGRATION_USER.user_name, password: "sn-password" };
  const oauth = { tokenTtlSeconds: 1_800, ...(options.oauth ?? { clientId: "lockstep-client", clientSecret: "sn-client-secret" }) };
  const app = new Hono<SimEnv>();
  const rateWindow = { used: 0, resetsAt: 0 };
  const RATE_RULE = store.newSysId();
  const webhooks = new WebhookOutbox(options.webhooks ?? null);
  const businessRules = createBusinessRules(store, webhooks);

  app.use("*", faultMiddleware(faults, (_status, message) => errorBody(message)));
  app.onError((err, c) => (err instanceof SimError ? fail(c, err) : fail(c, new SimError(500, "Internal server error", err.message))));

  // https://www.servicenow.com/docs/r/zurich/platform-security/authentication/client-credentials-grant-workflow.html
  app.post("/oauth_token.do", async (c) => {
    // Read as bytes: workerd warns when a form body is read with .text().
    const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
    const ok = form.get("grant_type") === "client_credentials" && form.get("client_id") === oauth.clientId && form.get("client_secret") === oauth.clientSecret;
    if (!ok) return c.json({ error_description: "access_denied", error: "server_error" }, 401);
    const accessToken = store.newSysId() + store.newSysId();
    const user = store.user({ userName: INTEGRATION_USER.user_name });
    store.tokens.set(accessToken, { userId: user?.sys_id ?? "", expiresAt: store.now().getTime() + oauth.tokenTtlSeconds * 1000 });
    return c.json({ access_token: accessToken, scope: "useraccount", token_type: "Bearer", expires_in: oauth.tokenTtlSeconds });
  });

  businessRules.register(app);

  app.use("/api/*", async (c, next) => {
    const header = c.req.header("Authorization") ?? "";
    let user: Row | undefined;
    if (header.startsWith("Basic ")) {
      const decoded = new TextDecoder().decode(Uint8Array.from(atob(header.slice(6)), (ch) => ch.charCodeAt(0)));
      const [username, ...rest] = decoded.split(":");
      if (username === basic.username && rest.join(":") === basic.password) user = store.user({ userName: username });
    } else if (header.startsWith("Bearer ")) {
      const token = store.tokens.get(header.slice(7));
      if (token && token.expiresAt > store.now().getTime()) user = store.user({ sysId: token.userId });
    }
    if (!user) return fail(c, new SimError(401, "User Not Authenticated", "Required to provide Auth information"));
    c.set("user", user);
    if (options.rateLimit) {
      // Rate Limit Rules count per window; matching responses carry the X-RateLimit-* headers.
      const { requests, perSeconds } = options.rateLimit;
      const now = store.now().getTime();
      if (now >= rateWindow.resetsAt) Object.assign(rateWindow, { used: 0, resetsAt: now + perSeconds * 1000 });
      rateWindow.used++;
      const headers = { "X-RateLimit-Limit": String(requests), "X-RateLimit-Reset": String(Math.floor(rateWindow.resetsAt / 1000)), "X-RateLimit-Rule": RATE_RULE };
      if (rateWindow.used > requests) {
        const retryAfter = String(Math.ceil((rateWindow.resetsAt - now) / 1000));
        return c.body(errorBody("Too many requests", `Rate limit of ${requests} requests exceeded`), 429, { ...headers, "Retry-After": retryAfter, "Content-Type": "application/json" });
      }
      await next();
      for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
      return;
    }
    await next();
  });

  function tableOf(c: Context): string {
    const table = c.req.param("table") ?? "";
    if (!store.hasTable(table)) throw new SimError(400, `Invalid table ${table}`);
    if (store.deniedTables.has(table)) throw new SimError(403, "User Not Authorized", "Failed API level ACL Validation");
    return table;
  }

  async function jsonBody(c: Context): Promise<Record<string, unknown>> {
    try {
      const body: unknown = await c.req.json();
      if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new SimError(400, "Exception while reading request", "The payload is not valid JSON.");
  }

  const notFound = () => new SimError(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");

  app.get("/api/now/table/:table", (c) => {
    const table = tableOf(c);
    const { limit, offset } = paging(c);
    const rows = query(store, table, c.req.query("sysparm_query") ?? "", c.get("user"));
    const page = rows.slice(offset, offset + limit).map((row) => render(c, store, table, row));
    return c.json({ result: page }, 200, pagingHeaders(c, rows.length, limit, offset));
  });

  app.get("/api/now/table/:table/:sys_id", (c) => {
    const table = tableOf(c);
    const row = store.get(table, c.req.param("sys_id"));
    if (!row) throw notFound();
    return c.json({ result: render(c, store, table, row) });
  });

  app.post("/api/now/table/:table", async (c) => {
    const table = tableOf(c);
    const sent = await jsonBody(c);
    const body = withoutDeniedJournal(store, c.get("user"), table, sent);
    if (droppedWrite(c) && table === "task_time_worked") {
      // Answered with the record it would have made, and nothing kept.
      const at = snTime(store.now());
      const values = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, v === null ? "" : String(v)]));
      const by = c.get("user").user_name ?? "";
      return c.json({ result: render(c, store, table, { ...values, sys_id: store.newSysId(), sys_created_on: at, sys_updated_on: at, sys_created_by: by, sys_updated_by: by, sys_mod_count: "0" }) }, 201);
    }
    const row = store.write(table, c.get("user"), body);
    store.writes.push({ method: "POST", table, sysId: row.sys_id!, body: sent });
    businessRules.recordSaved(table, row, "insert");
    return c.json({ result: render(c, store, table, row) }, 201, { Location: `${simulatorBase(c)}/api/now/table/${table}/${row.sys_id}` });
  });

  const update = async (c: Context<SimEnv>) => {
    const table = tableOf(c);
    const existing = store.get(table, c.req.param("sys_id") ?? "");
    if (!existing) throw notFound();
    const sent = await jsonBody(c);
    // Journal fields the user's ACLs deny are dropped, not refused; a write left with nothing
    // (or one a "drop" fault hits, for a journal write) changes nothing and still answers 200.
    const body = withoutDeniedJournal(store, c.get("user"), table, sent);
    const dropped = droppedWrite(c) && Object.keys(sent).some((name) => JOURNAL_FIELDS.includes(name));
    if (dropped || Object.keys(body).length === 0) {
      store.writes.push({ method: c.req.method, table, sysId: existing.sys_id!, body: sent });
      return c.json({ result: render(c, store, table, existing) });
    }
    store.write(table, c.get("user"), body, existing);
    store.writes.push({ method: c.req.method, table, sysId: existing.sys_id!, body: sent });
    businessRules.recordSaved(table, existing, "update");
    return c.json({ result: render(c, store, table, existing) });
  };
  app.patch("/api/now/table/:table/:sys_id", update);
  app.put("/api/now/table/:table/:sys_id", update);

  app.route("/api/now/attachment", attachmentRoutes(store));
  app.notFound((c) => fail(c, new SimError(400, "Requested URI does not represent any resource", c.req.path)));

  /** The integration user's roles, changed as an admin would (journal ACLs follow at once). */
  const roles = {
    grant: (name: string) => grantRole(store, store.user({ userName: basic.username })!, name),
    revoke: (name: string) => revokeRole(store, store.user({ userName: basic.username })!, name),
  };

  return { app, store, faults, webhooks, roles, businessRules: businessRules.list };
}
