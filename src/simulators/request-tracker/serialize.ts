// RT REST2's JSON shapes (lib/RT/REST2/Util.pm, Resource/Collection.pm, Resource.pm): records
// point to each other as `{type, id, _url}`, users by Name; dates are W3CDTF in UTC; collections
// are `{total, count, page, pages, per_page, items, next_page?, prev_page?}` and items carry only
// `{type, id, _url}` plus whatever `fields=` asked for (`fields[Queue]=Name` expands a sub-record).
import type { Context } from "hono";
import { simulatorBase } from "../base";
import type { RequestTrackerStore, RtAttachment, RtTicket, RtTransaction, RtUser } from "./store";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** RT::Date->W3CDTF(Timezone => 'UTC'); unset dates are the epoch. */
export function w3c(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function restBase(c: Context): string {
  return `${simulatorBase(c)}/REST/2.0`;
}

export function uid(c: Context, type: string, id: string | number): JsonObject {
  return { type, id: String(id), _url: `${restBase(c)}/${type}/${id}` };
}

/** The `fields[Parent]=A,B` sub-field list for an expanded record. */
export function subfields(c: Context, param: string): string[] {
  return (c.req.query(param) ?? "").split(",").filter(Boolean);
}

export function userJson(c: Context, user: RtUser | undefined, fields: string[]): JsonObject {
  const out = uid(c, "user", user?.Name ?? "Nobody");
  for (const f of fields) {
    if (f === "Name" || f === "EmailAddress" || f === "RealName") out[f] = user?.[f] ?? "";
    else if (f === "id") out[f] = user?.id ?? 0;
  }
  return out;
}

export function customFieldValues(c: Context, store: RequestTrackerStore, ticket: RtTicket): JsonObject[] {
  return store.customFields.map((cf) => ({ ...uid(c, "customfield", cf.id), name: cf.Name, values: [...(ticket.CustomFields[cf.id] ?? [])] }));
}

const TICKET_SCALARS = ["Subject", "Status", "Priority", "InitialPriority", "FinalPriority", "TimeWorked", "TimeEstimated"] as const;
const TICKET_DATES = ["Created", "LastUpdated", "Resolved", "Due", "Starts", "Started", "Told"] as const;

/** One `fields=` entry of a ticket, as Resource::Tickets->expand_field renders it. */
export function ticketField(c: Context, store: RequestTrackerStore, ticket: RtTicket, field: string, prefix = "fields"): Json {
  const sub = (name: string) => subfields(c, `${prefix}[${name}]`);
  if ((TICKET_SCALARS as readonly string[]).includes(field)) return ticket[field as (typeof TICKET_SCALARS)[number]];
  if ((TICKET_DATES as readonly string[]).includes(field)) {
    const value = field === "Created" || field === "LastUpdated" || field === "Resolved" ? ticket[field] : 0;
    return w3c(value);
  }
  switch (field) {
    case "Type": return "ticket";
    case "TimeLeft": return 0;
    case "EffectiveId": return ticket.id;
    case "Queue": {
      const queue = store.queueByKey(ticket.Queue);
      const out = uid(c, "queue", ticket.Queue);
      for (const f of sub("Queue")) if (f === "Name" || f === "Description" || f === "Lifecycle") out[f] = queue?.[f] ?? "";
      return out;
    }
    case "Owner": case "Creator": case "LastUpdatedBy":
      return userJson(c, store.userByKey(ticket[field]), sub(field));
    case "Requestor":
      return ticket.Requestors.map((id) => userJson(c, store.userByKey(id), sub("Requestor")));
    case "CustomFields": return customFieldValues(c, store, ticket);
    default: return "";
  }
}

/** GET /ticket/:id: every column, roles and custom fields, plus hypermedia links. */
export function ticketRecord(c: Context, store: RequestTrackerStore, ticket: RtTicket): JsonObject {
  const out: JsonObject = { id: ticket.id };
  for (const f of [...TICKET_SCALARS, ...TICKET_DATES, "Type", "TimeLeft", "EffectiveId", "Queue", "Owner", "Creator", "LastUpdatedBy", "CustomFields"]) out[f] = ticketField(c, store, ticket, f);
  out.Requestor = ticket.Requestors.map((id) => uid(c, "user", store.userByKey(id)?.Name ?? id));
  out.Cc = [];
  out.AdminCc = [];
  const self = `${restBase(c)}/ticket/${ticket.id}`;
  out._hyperlinks = [
    { ref: "self", type: "ticket", id: String(ticket.id), _url: self },
    { ref: "history", _url: `${self}/history` },
    { ref: "correspond", _url: `${self}/correspond` },
    { ref: "comment", _url: `${self}/comment` },
  ];
  return out;
}

export function transactionField(c: Context, store: RequestTrackerStore, txn: RtTransaction, field: string, prefix = "fields"): Json {
  switch (field) {
    case "Type": case "Field": case "OldValue": case "NewValue": return txn[field];
    case "TimeTaken": return txn.TimeTaken;
    case "Created": return w3c(txn.Created);
    case "Creator": return userJson(c, store.userByKey(txn.Creator), subfields(c, `${prefix}[Creator]`));
    case "ObjectType": return "RT::Ticket";
    case "ObjectId": return txn.ticketId;
    case "Object": return uid(c, "ticket", txn.ticketId);
    default: return "";
  }
}

export function attachmentField(c: Context, store: RequestTrackerStore, att: RtAttachment, field: string): Json {
  switch (field) {
    case "Subject": case "Filename": case "ContentType": return att[field];
    // An id, expanded like any *Obj accessor; a top-level part (0) never gets here (see app.ts).
    case "Parent": return uid(c, "attachment", att.Parent);
    case "Created": return w3c(att.Created);
    // In a collection, `Content` is the decoded text (expand_field calls ->Content).
    case "Content": return new TextDecoder().decode(att.Content);
    case "ContentLength": return att.Content.byteLength;
    // There is no TransactionIdObj accessor, so RT gives the plain id, as text.
    case "TransactionId": return String(att.transactionId);
    case "Creator": return userJson(c, store.userByKey(att.Creator), subfields(c, "fields[Creator]"));
    default: return "";
  }
}

/** Paging as Resource::Collection->serialize: per_page default 20, at most 100; next_page keeps every other parameter. */
export function collection<T>(c: Context, all: T[], render: (item: T, fields: string[]) => JsonObject): JsonObject {
  const perPageRaw = c.req.query("per_page") ?? "";
  let perPage = /^\d+$/.test(perPageRaw) && Number(perPageRaw) > 0 ? Number(perPageRaw) : 20;
  if (perPage > 100) perPage = 100;
  const pageRaw = c.req.query("page") ?? "";
  const page = /^\d+$/.test(pageRaw) && Number(pageRaw) > 0 ? Number(pageRaw) : 1;
  const fields = (c.req.query("fields") ?? "").split(",").filter(Boolean);
  const items = all.slice((page - 1) * perPage, page * perPage).map((item) => render(item, fields));
  const pages = Math.ceil(all.length / perPage);
  const out: JsonObject = { count: items.length, total: all.length, per_page: perPage, page, pages, items };
  const link = (target: number) => {
    const url = new URL(c.req.url);
    url.searchParams.delete("page");
    url.searchParams.append("page", String(target));
    return `${simulatorBase(c)}${url.pathname}${url.search}`;
  };
  if (page < pages) out.next_page = link(page + 1);
  if (page > 1) out.prev_page = link(page > pages ? pages : page - 1);
  return out;
}
