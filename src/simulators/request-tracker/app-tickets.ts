// Ticket routes of the simulated REST2: TicketSQL search, create, read, update (with RT's list
// of messages), reply/comment (JSON or multipart/form-data, files as `Attachments`), history.
import type { Context, Hono } from "hono";
import { base64ToBytes, bytesToBase64 } from "../../lib/encoding";
import { droppedWrite } from "../faults";
import { DEFAULT_LIFECYCLE_STATUSES, type RequestTrackerStore, type RtTicket, type RtUser } from "./store";
import { collection, restBase, ticketField, ticketRecord, transactionField, uid } from "./serialize";
import { compare, evaluate, mentions, parseSqlDate, parseTicketSql, TicketSqlError, type Condition } from "./ticketsql";
import type { SimEnv } from "./app";

export const rtError = (c: Context, status: 400 | 401 | 403 | 404 | 409, message: string) =>
  c.json({ message }, status, { "Content-Type": "application/json; charset=utf-8" });

function ticketMatches(store: RequestTrackerStore, ticket: RtTicket, cond: Condition, sql: string): boolean {
  const field = cond.field.replace(/^'|'$/g, "");
  const cf = /^CF\.\{(.*)\}$/.exec(field);
  if (cf) {
    const def = store.customFieldByKey(cf[1]!);
    const values = def ? ticket.CustomFields[def.id] ?? [] : [];
    if (cond.op === "!=" || cond.op === "NOT LIKE") return values.every((v) => compare(cond.op, v, cond.value));
    return values.some((v) => compare(cond.op, v, cond.value));
  }
  switch (field.toLowerCase()) {
    case "id": return compare(cond.op, ticket.id, Number(cond.value));
    case "subject": return compare(cond.op, ticket.Subject, cond.value);
    case "status": return compare(cond.op, ticket.Status.toLowerCase(), cond.value.toLowerCase());
    case "priority": return compare(cond.op, ticket.Priority, Number(cond.value));
    case "type": return compare(cond.op, "ticket", cond.value);
    case "queue": {
      const queue = store.queueByKey(ticket.Queue);
      return compare(cond.op, /^\d+$/.test(cond.value) ? String(ticket.Queue) : queue?.Name ?? "", cond.value);
    }
    case "owner": {
      const owner = store.userByKey(ticket.Owner);
      return compare(cond.op, /^\d+$/.test(cond.value) ? String(ticket.Owner) : owner?.Name ?? "", cond.value);
    }
    case "requestor": case "requestor.emailaddress": case "requestors": {
      const emails = ticket.Requestors.map((id) => store.userByKey(id)?.EmailAddress.toLowerCase() ?? "");
      return emails.some((e) => compare(cond.op, e, cond.value.toLowerCase()));
    }
    case "created": case "lastupdated": {
      const actual = field.toLowerCase() === "created" ? ticket.Created : ticket.LastUpdated;
      const value = parseSqlDate(cond.value);
      // RT::Tickets::_DateLimit: `=` means "on that day", not "at that second".
      if (cond.op === "=") return actual >= value - (value % 86_400) && actual < value - (value % 86_400) + 86_400;
      return compare(cond.op, actual, value);
    }
    default: throw new TicketSqlError(`Wrong query, no such column '${field}' in '${sql}'`);
  }
}

const ORDERABLE: Record<string, (t: RtTicket) => string | number> = {
  id: (t) => t.id, LastUpdated: (t) => t.LastUpdated, Created: (t) => t.Created, Priority: (t) => t.Priority, Subject: (t) => t.Subject, Status: (t) => t.Status,
};

function searchTickets(c: Context<SimEnv>, store: RequestTrackerStore, hidden: Set<number>) {
  const sql = c.req.query("query") ?? "";
  try {
    const expr = parseTicketSql(sql);
    const found = store.tickets.filter((t) => !hidden.has(t.Queue)
      // Deleted tickets are left out unless the query names Status (RT::Tickets->_DoSearch).
      && (mentions(expr, "Status") || t.Status !== "deleted")
      && (!expr || evaluate(expr, (cond) => ticketMatches(store, t, cond, sql))));
    const orders = c.req.queries("order") ?? [];
    const keys = (c.req.queries("orderby") ?? ["id"]).map((name, i) => ({ get: ORDERABLE[name] ?? ORDERABLE.id!, desc: (orders[i] ?? "ASC").toUpperCase() === "DESC" }));
    found.sort((a, b) => {
      for (const key of keys) {
        const [x, y] = [key.get(a), key.get(b)];
        if (x !== y) return (x < y ? -1 : 1) * (key.desc ? -1 : 1);
      }
      return 0;
    });
    return c.json(collection(c, found, (t, fields) => {
      const out = uid(c, "ticket", t.id);
      for (const f of fields) out[f] = ticketField(c, store, t, f);
      return out;
    }));
  } catch (err) {
    if (err instanceof TicketSqlError) return rtError(c, 400, err.message);
    throw err;
  }
}

type MessageBody = { Content?: string; ContentType?: string; Subject?: string; TimeTaken?: number | string; Status?: string; Attachments?: { FileName?: string; FileType?: string; FileContent?: string }[] };

export function registerTicketRoutes(app: Hono<SimEnv>, store: RequestTrackerStore, hiddenQueues: string[]): void {
  const hidden = () => new Set(hiddenQueues.map((name) => store.queueByKey(name)?.id ?? -1));
  const visible = (c: Context<SimEnv>): RtTicket | Response => {
    const ticket = store.ticket(Number(c.req.param("id")));
    if (!ticket) return rtError(c, 404, "Not Found");
    if (hidden().has(ticket.Queue)) return rtError(c, 403, "Forbidden");
    return ticket;
  };

  app.get("/REST/2.0/tickets", (c) => searchTickets(c, store, hidden()));

  app.post("/REST/2.0/ticket", async (c) => {
    const body = (await c.req.json()) as Record<string, unknown>;
    store.writeBodies.push({ method: "POST", path: c.req.path, body });
    const user = c.get("user");
    if (!body.Queue) return rtError(c, 400, "Could not create ticket. Queue not set");
    const queue = store.queueByKey(String(body.Queue));
    if (!queue) return rtError(c, 400, "Unable to find queue");
    if (hidden().has(queue.id)) return rtError(c, 403, `No permission to create tickets in the queue '${queue.Name}'`);
    const status = String(body.Status ?? "new");
    if (!DEFAULT_LIFECYCLE_STATUSES.includes(status)) return rtError(c, 400, `Status '${status}' isn't a valid status for tickets in this queue.`);
    const now = store.now();
    const requestors = ([] as unknown[]).concat(body.Requestor ?? []).map((r) => store.userForEmail(String(r)).id);
    const priority = Number(body.Priority ?? 0);
    const ticket: RtTicket = {
      id: store.nextId("ticket"), Queue: queue.id, Subject: String(body.Subject ?? ""), Status: status,
      Owner: store.userByKey(String(body.Owner ?? "Nobody"))?.id ?? 6, Priority: priority, InitialPriority: priority, FinalPriority: 0,
      TimeWorked: 0, TimeEstimated: 0, Created: now, LastUpdated: now, LastUpdatedBy: user.id, Creator: user.id, Resolved: 0,
      Requestors: requestors, CustomFields: {},
    };
    setCustomFields(store, ticket, body.CustomFields);
    store.tickets.push(ticket);
    const txn = store.addTransaction({ ticketId: ticket.id, Type: "Create", Created: now, Creator: user.id });
    store.addMessage(txn, { subject: ticket.Subject, content: typeof body.Content === "string" ? body.Content : "", contentType: String(body.ContentType ?? "text/plain"), files: [] });
    return c.json(uid(c, "ticket", ticket.id), 201, { Location: `${restBase(c)}/ticket/${ticket.id}` });
  });

  app.get("/REST/2.0/ticket/:id{[0-9]+}", (c) => {
    const ticket = visible(c);
    return ticket instanceof Response ? ticket : c.json(ticketRecord(c, store, ticket));
  });

  app.put("/REST/2.0/ticket/:id{[0-9]+}", async (c) => {
    const ticket = visible(c);
    if (ticket instanceof Response) return ticket;
    const body = (await c.req.json()) as Record<string, unknown>;
    store.writeBodies.push({ method: "PUT", path: c.req.path, body });
    return c.json(updateTicket(store, ticket, body, c.get("user")));
  });

  for (const type of ["comment", "correspond"] as const) {
    app.post(`/REST/2.0/ticket/:id{[0-9]+}/${type}`, async (c) => {
      const ticket = visible(c);
      if (ticket instanceof Response) return ticket;
      let body: MessageBody;
      const contentType = c.req.header("Content-Type") ?? "";
      if (contentType.startsWith("multipart/form-data")) {
        const form = await c.req.formData();
        const json = form.get("JSON");
        if (typeof json !== "string") return rtError(c, 400, "JSON is a required field for multipart/form-data");
        body = JSON.parse(json) as MessageBody;
        const files = form.getAll("Attachments").filter((f): f is File => typeof f !== "string");
        body.Attachments = await Promise.all(files.map(async (f) => ({ FileName: f.name, FileType: f.type, FileContent: bytesToBase64(new Uint8Array(await f.arrayBuffer())) })));
        store.writeBodies.push({ method: "POST", path: c.req.path, body: { ...body, Attachments: files.map((f) => ({ FileName: f.name, FileType: f.type, size: f.size })) } });
      } else {
        body = (await c.req.json()) as MessageBody;
        store.writeBodies.push({ method: "POST", path: c.req.path, body });
      }
      for (const att of body.Attachments ?? []) {
        for (const field of ["FileName", "FileType", "FileContent"] as const) if (!att[field]) return rtError(c, 400, `${field} is a required field for each attachment in Attachments`);
      }
      if (body.Content && !body.ContentType) return rtError(c, 400, "ContentType is a required field for application/json");
      const user = c.get("user");
      const timeTaken = Number(body.TimeTaken ?? 0) || 0;
      // Answered as RT answers, with the transaction that would have been next, and nothing kept.
      if (droppedWrite(c)) return c.json([type === "comment" ? "Comments added" : "Correspondence added"], 201, { Location: `${restBase(c)}/transaction/${store.nextId("transaction")}` });
      const txn = store.addTransaction({ ticketId: ticket.id, Type: type === "comment" ? "Comment" : "Correspond", Created: store.now(), Creator: user.id, TimeTaken: timeTaken });
      store.addMessage(txn, {
        subject: body.Subject ?? "", content: body.Content ? body.Content : null, contentType: body.ContentType ?? "text/plain",
        files: (body.Attachments ?? []).map((a) => ({ name: a.FileName!, type: a.FileType!, bytes: base64ToBytes(a.FileContent!.replace(/\s+/g, "")) })),
      });
      ticket.TimeWorked += timeTaken;
      store.touch(ticket, user.id);
      const messages = [type === "comment" ? "Comments added" : "Correspondence added"];
      if (body.Status) messages.push(...updateTicket(store, ticket, { Status: body.Status }, user));
      return c.json(messages, 201, { Location: `${restBase(c)}/transaction/${txn.id}` });
    });
  }

  app.get("/REST/2.0/ticket/:id{[0-9]+}/history", (c) => {
    const ticket = visible(c);
    if (ticket instanceof Response) return ticket;
    const txns = [...store.transactionsOf(ticket.id)].sort((a, b) => a.Created - b.Created || a.id - b.id);
    if ((c.req.queries("orderby") ?? [])[0] === "id" && (c.req.queries("order") ?? [])[0]?.toUpperCase() === "DESC") txns.reverse();
    return c.json(collection(c, txns, (t, fields) => {
      const out = uid(c, "transaction", t.id);
      for (const f of fields) out[f] = transactionField(c, store, t, f);
      return out;
    }));
  });
}

function setCustomFields(store: RequestTrackerStore, ticket: RtTicket, input: unknown): string[] {
  const messages: string[] = [];
  if (!input || typeof input !== "object") return messages;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const cf = store.customFieldByKey(key);
    if (!cf) continue; // RT logs "Custom field not found" and carries on.
    const values = value === null ? [] : ([] as unknown[]).concat(value).map(String);
    const next = cf.MaxValues === 1 ? values.slice(0, 1) : values;
    if (cf.Type === "Select" && next.some((v) => !cf.Values.includes(v))) { messages.push(`Invalid value for custom field ${cf.Name}`); continue; }
    ticket.CustomFields[cf.id] = next;
    messages.push(next.length ? `${cf.Name} ${next.join(", ")} added` : `${cf.Name} value deleted`);
  }
  return messages;
}

function updateTicket(store: RequestTrackerStore, ticket: RtTicket, body: Record<string, unknown>, user: RtUser): string[] {
  const messages: string[] = [];
  const set = (field: string, oldValue: string, newValue: string, apply: () => void) => {
    if (oldValue === newValue) return;
    apply();
    store.addTransaction({ ticketId: ticket.id, Type: field === "Status" ? "Status" : "Set", Field: field, OldValue: oldValue, NewValue: newValue, Created: store.now(), Creator: user.id });
    messages.push(`Ticket ${ticket.id}: ${field} changed from '${oldValue}' to '${newValue}'`);
  };
  if (typeof body.Subject === "string") set("Subject", ticket.Subject, body.Subject, () => (ticket.Subject = body.Subject as string));
  if (body.Priority !== undefined) set("Priority", String(ticket.Priority), String(Number(body.Priority)), () => (ticket.Priority = Number(body.Priority)));
  if (typeof body.Status === "string") {
    const status = body.Status;
    if (!DEFAULT_LIFECYCLE_STATUSES.includes(status)) messages.push(`Status '${status}' isn't a valid status for this ticket.`);
    else set("Status", ticket.Status, status, () => { ticket.Status = status; ticket.Resolved = status === "resolved" ? store.now() : ticket.Resolved; });
  }
  if (body.Queue !== undefined) {
    const queue = store.queueByKey(String(body.Queue));
    if (!queue) messages.push("Queue not found");
    else set("Queue", String(ticket.Queue), String(queue.id), () => (ticket.Queue = queue.id));
  }
  if (body.Owner !== undefined) {
    const owner = store.userByKey(String(body.Owner));
    if (!owner) messages.push("That user does not exist");
    else set("Owner", String(ticket.Owner), String(owner.id), () => (ticket.Owner = owner.id));
  }
  if (body.Requestor !== undefined) {
    const next = ([] as unknown[]).concat(body.Requestor).map((r) => store.userForEmail(String(r)).id);
    set("Requestor", ticket.Requestors.join(","), next.join(","), () => (ticket.Requestors = next));
  }
  messages.push(...setCustomFields(store, ticket, body.CustomFields));
  store.touch(ticket, user.id);
  return messages;
}

