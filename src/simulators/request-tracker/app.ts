// A small stateful Request Tracker 5 REST2 (`/REST/2.0/…`) for tests and the demo, never for
// production. Auth as RT::REST2::Middleware::Auth (`Authorization: token …`, `?token=`, Basic);
// failures as ErrorAsJSON renders them (`{"message":"Unauthorized"}`, `{"message":"Forbidden"}`).
// Defaults: token `1-20-lockstep-sim-token`, Basic `lockstep` / `lockstep-password` (user id 20);
// the queue `Internal` is hidden from that user.
import { Hono, type Context } from "hono";
import { bytesToBase64 } from "../../lib/encoding";
import { FaultPlan, faultMiddleware } from "../faults";
import { registerTicketRoutes, rtError } from "./app-tickets";
import { seedRequestTracker } from "./seed";
import { attachmentField, collection, restBase, transactionField, uid, userJson, w3c, type JsonObject } from "./serialize";
import { RequestTrackerStore, type RtUser } from "./store";

export type SimEnv = { Variables: { user: RtUser } };

export type RequestTrackerSimulatorOptions = {
  token?: string;
  username?: string;
  password?: string;
  /** Queues the API user has no ShowTicket right in. */
  hiddenQueues?: string[];
  /** Start empty instead of seeded. */
  empty?: boolean;
  /** The seed's first ticket, in epoch seconds (default SEED_START, the fixed March 2024 one). */
  seedStart?: number;
  /** The simulator's clock (epoch seconds). */
  clock?: () => number;
};

type JsonQuery = { field: string; operator?: string; value: string | number | null; entry_aggregator?: string }[];

/** RT's JSON search (Collection::QueryByJSON): same field twice → OR unless entry_aggregator says AND; fields AND together. */
function jsonFilter<T>(c: Context<SimEnv>, items: T[], get: (item: T, field: string) => string | number | undefined): T[] | Response {
  const raw = c.req.query("query");
  if (!raw) return items;
  let query: JsonQuery;
  try {
    query = JSON.parse(raw) as JsonQuery;
    if (!Array.isArray(query)) throw new Error();
  } catch {
    return rtError(c, 400, "JSON object must be a ARRAY");
  }
  const byField = new Map<string, JsonQuery>();
  for (const cond of query) byField.set(cond.field, [...(byField.get(cond.field) ?? []), cond]);
  return items.filter((item) => [...byField.entries()].every(([field, conds]) => {
    const results = conds.map((cond) => {
      const actual = get(item, field);
      // `IS NULL` / `IS NOT NULL`: RT stores an empty Filename (a message's own parts) as NULL.
      const operator = (cond.operator ?? "=").toUpperCase();
      if (operator === "IS" || operator === "IS NOT") {
        const isNull = actual === undefined || actual === "";
        return operator === "IS" ? isNull : !isNull;
      }
      if (actual === undefined) return false;
      const [a, v] = typeof actual === "number" ? [actual, Number(cond.value)] : [actual.toLowerCase(), String(cond.value).toLowerCase()];
      switch (operator) {
        case "=": return a === v;
        case "!=": return a !== v;
        case ">": return a > v;
        case "<": return a < v;
        case "LIKE": return String(a).includes(String(v));
        default: return false;
      }
    });
    return conds.some((cond) => cond.entry_aggregator?.toUpperCase() === "AND") ? results.every(Boolean) : results.some(Boolean);
  }));
}

export function createRequestTrackerSimulator(options: RequestTrackerSimulatorOptions = {}) {
  const store = new RequestTrackerStore(options.clock);
  if (!options.empty) seedRequestTracker(store, options.seedStart);
  const faults = new FaultPlan();
  const token = options.token ?? "1-20-lockstep-sim-token";
  const username = options.username ?? "lockstep";
  const password = options.password ?? "lockstep-password";
  const app = new Hono<SimEnv>();

  app.use("*", faultMiddleware(faults, (_status, message) => JSON.stringify({ message })));
  app.use("/REST/2.0/*", async (c, next) => {
    const header = c.req.header("Authorization") ?? "";
    const tokenMatch = /^token (.*)$/i.exec(header);
    const basicMatch = /^basic (.*)$/i.exec(header);
    let ok = false;
    if (tokenMatch || c.req.query("token")) ok = (tokenMatch?.[1] ?? c.req.query("token")) === token;
    else if (basicMatch) {
      const [user, pass] = atob(basicMatch[1]!).split(/:(.*)/s);
      ok = user === username && pass === password;
    }
    const user = store.userByKey(username);
    if (!ok || !user) return rtError(c, 401, "Unauthorized");
    c.set("user", user);
    await next();
  });

  registerTicketRoutes(app, store, options.hiddenQueues ?? ["Internal"]);

  app.get("/REST/2.0/transaction/:id{[0-9]+}", (c) => {
    const txn = store.transaction(Number(c.req.param("id")));
    if (!txn) return rtError(c, 404, "Not Found");
    const out: JsonObject = { id: txn.id };
    for (const f of ["Type", "Field", "OldValue", "NewValue", "TimeTaken", "Created", "Creator", "ObjectType", "ObjectId", "Object"]) out[f] = transactionField(c, store, txn, f, "fields");
    out._hyperlinks = [{ ref: "self", type: "transaction", id: String(txn.id), _url: `${restBase(c)}/transaction/${txn.id}` }];
    return c.json(out);
  });

  const attachmentCollection = (c: Context<SimEnv>, list: typeof store.attachments) => {
    // Real RT 5.0.3 dies expanding `Parent` of a top-level part (ParentObj is undef for Parent 0)
    // and answers an empty 500, so asking for that field fails on any ordinary message.
    if ((c.req.query("fields") ?? "").split(",").includes("Parent") && list.some((a) => a.Parent === 0)) return c.body(null, 500);
    return c.json(collection(c, list, (a, fields) => {
      const out = uid(c, "attachment", a.id);
      for (const f of fields) out[f] = attachmentField(c, store, a, f);
      return out;
    }));
  };
  // Both lists are Resource/Attachments.pm, which takes a JSON search (Collection::QueryByJSON).
  const partField = (a: (typeof store.attachments)[number], f: string) =>
    f === "Filename" || f === "ContentType" || f === "Subject" ? a[f] : f === "id" ? a.id : undefined;
  app.get("/REST/2.0/transaction/:id{[0-9]+}/attachments", (c) => {
    const parts = jsonFilter(c, store.attachmentsOf(Number(c.req.param("id"))), partField);
    return parts instanceof Response ? parts : attachmentCollection(c, parts);
  });
  app.get("/REST/2.0/ticket/:id{[0-9]+}/attachments", (c) => {
    const parts = jsonFilter(c, store.transactionsOf(Number(c.req.param("id"))).flatMap((t) => store.attachmentsOf(t.id)), partField);
    return parts instanceof Response ? parts : attachmentCollection(c, parts);
  });
  app.get("/REST/2.0/attachment/:id{[0-9]+}", (c) => {
    const att = store.attachment(Number(c.req.param("id")));
    if (!att) return rtError(c, 404, "Not Found");
    return c.json({
      id: att.id, Subject: att.Subject, Filename: att.Filename, ContentType: att.ContentType, ContentEncoding: "none", Parent: att.Parent,
      MessageId: "", Headers: `Content-Type: ${att.ContentType}\n`, Created: w3c(att.Created),
      TransactionId: uid(c, "transaction", att.transactionId), Creator: uid(c, "user", store.userByKey(att.Creator)?.Name ?? "Nobody"),
      // The single attachment resource carries the bytes base64-encoded.
      Content: bytesToBase64(att.Content),
      _hyperlinks: [{ ref: "self", type: "attachment", id: String(att.id), _url: `${restBase(c)}/attachment/${att.id}` }],
    });
  });

  app.get("/REST/2.0/users", (c) => {
    const found = jsonFilter(c, store.users, (u, f) => (f === "id" ? u.id : f === "Name" || f === "EmailAddress" || f === "RealName" ? u[f] : undefined));
    if (found instanceof Response) return found;
    return c.json(collection(c, found, (u, fields) => ({ ...userJson(c, u, fields.filter((f) => f !== "id")), ...(fields.includes("Privileged") ? { Privileged: u.Privileged ? 1 : 0 } : {}) })));
  });
  app.get("/REST/2.0/user/:key", (c) => {
    const user = store.userByKey(c.req.param("key"));
    if (!user) return rtError(c, 404, "Not Found");
    return c.json({ id: user.id, Name: user.Name, EmailAddress: user.EmailAddress, RealName: user.RealName, Privileged: user.Privileged ? 1 : 0, Disabled: user.Disabled ? 1 : 0, _hyperlinks: [{ ref: "self", type: "user", id: user.Name, _url: `${restBase(c)}/user/${user.Name}` }] });
  });

  app.get("/REST/2.0/queues/all", (c) =>
    c.json(collection(c, store.queues.filter((q) => !q.Disabled), (q, fields) => {
      const out = uid(c, "queue", q.id);
      for (const f of fields) if (f === "Name" || f === "Description" || f === "Lifecycle") out[f] = q[f];
      return out;
    })));

  app.get("/REST/2.0/customfields", (c) => {
    const found = jsonFilter(c, store.customFields, (cf, f) => (f === "LookupType" ? "RT::Queue-RT::Ticket" : f === "Name" || f === "Type" || f === "Description" ? cf[f] : f === "id" ? cf.id : f === "Disabled" ? 0 : undefined));
    if (found instanceof Response) return found;
    return c.json(collection(c, found, (cf, fields) => {
      const out = uid(c, "customfield", cf.id);
      for (const f of fields) if (f === "Name" || f === "Type" || f === "MaxValues" || f === "Description") out[f] = cf[f];
      return out;
    }));
  });
  app.get("/REST/2.0/customfield/:id{[0-9]+}", (c) => {
    const cf = store.customFieldByKey(c.req.param("id"));
    if (!cf) return rtError(c, 404, "Not Found");
    const out: JsonObject = { id: cf.id, Name: cf.Name, Type: cf.Type, MaxValues: cf.MaxValues, Description: cf.Description, LookupType: "RT::Queue-RT::Ticket", Disabled: 0 };
    // Resource/CustomField.pm serialize maps each value to its name: a list of strings.
    if (cf.Type === "Select") out.Values = [...cf.Values];
    return c.json(out);
  });

  app.notFound((c) => rtError(c, 404, "Not Found"));
  return { app, store, faults };
}
