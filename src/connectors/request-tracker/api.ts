// RT REST2 calls for tickets, users, queues and custom fields. REST2 reference: the POD of
// lib/RT/REST2.pm (https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm).
import { z } from "zod";
import { ConnectorError } from "../errors";
import { HttpClient, type FetchLike } from "../http-client";
import {
  collectionSchema, createdSchema, customFieldItemSchema, customFieldRecordSchema, messagesSchema, queueItemSchema,
  rtTicketSchema, userItemSchema, userRecordSchema, type RtTicket,
} from "./api-schemas";
import type { Credentials, Settings } from "./config";
import { answeredAt } from "./api-messages";

const REST = "/REST/2.0";
/** Sub-fields expanded in ticket searches (POD "Fields"; Resource/Tickets.pm expands Requestor). */
const TICKET_FIELDS = "Subject,Status,Queue,Owner,Priority,InitialPriority,FinalPriority,TimeWorked,TimeEstimated,TimeLeft,Created,LastUpdated,LastUpdatedBy,Creator,Resolved,Due,Starts,Started,Told,Type,Requestor,CustomFields";
const USER_SUBFIELDS = "Name,EmailAddress,RealName";

/** A TicketSQL string literal. */
export function sqlQuote(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** ISO-8601 UTC → TicketSQL date literal (read in the API user's time zone, which must be UTC). */
export function sqlDate(iso: string): string {
  return sqlQuote(new Date(iso).toISOString().slice(0, 19).replace("T", " "));
}

function path(resource: string, params: [string, string | number][]): string {
  const search = new URLSearchParams(params.map(([k, v]) => [k, String(v)]));
  return `${REST}${resource}?${search.toString()}`;
}

export class RtApi {
  readonly http: HttpClient;
  constructor(fetch: FetchLike, baseUrl: string, credentials: Credentials, readonly settings: Settings) {
    this.http = new HttpClient({
      fetch,
      baseUrl,
      timeoutMs: settings.timeoutMs,
      authorize: (headers) => {
        headers.set("Authorization", credentials.kind === "token" ? `token ${credentials.token}` : `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`);
      },
      // Errors are `{"message": "…"}` (Middleware/ErrorAsJSON.pm).
      vendorMessage: (_status, body) => {
        try {
          const parsed = JSON.parse(body) as { message?: unknown };
          return typeof parsed.message === "string" ? parsed.message : null;
        } catch {
          return body.trim() ? body.trim().slice(0, 200) : null;
        }
      },
    });
  }

  // https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (Tickets: GET /tickets?query=<TicketSQL>, Paging, Fields, orderby/order)
  async searchTickets(query: string, page: number, perPage: number) {
    const params: [string, string | number][] = [
      ["query", query], ["orderby", "LastUpdated"], ["order", "ASC"], ["orderby", "id"], ["order", "ASC"],
      ["page", page], ["per_page", perPage], ["fields", TICKET_FIELDS], ["fields[Queue]", "Name"], ["fields[Owner]", "Name"],
      ["fields[LastUpdatedBy]", "Name"], ["fields[Creator]", "Name"], ["fields[Requestor]", USER_SUBFIELDS],
    ];
    const { data } = await this.http.json("GET", path("/tickets", params), collectionSchema(rtTicketSchema));
    return data;
  }

  async ticket(id: string): Promise<RtTicket> {
    if (!/^\d+$/.test(id)) throw new ConnectorError("validation", `RT ticket ids are numbers, not "${id}"`);
    const found = await this.searchTickets(`id = ${id}`, 1, 1);
    const ticket = found.items[0];
    if (!ticket) throw new ConnectorError("not_found", `Ticket ${id} does not exist or the integration user may not see it`);
    return ticket;
  }

  // https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (POST /ticket: 201 with {type, id, _url} and Location)
  /** The new ticket's id and when RT made it: the answer holds nothing else. */
  async createTicket(body: Record<string, unknown>): Promise<{ id: string; at: string }> {
    const { data, response } = await this.http.json("POST", `${REST}/ticket`, createdSchema, { json: body });
    return { id: data.id, at: answeredAt(response) };
  }

  // https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (PUT /ticket/:id: a list of messages for people)
  async updateTicket(id: string, body: Record<string, unknown>): Promise<string[]> {
    const { data } = await this.http.json("PUT", `${REST}/ticket/${encodeURIComponent(id)}`, messagesSchema, { json: body });
    return data;
  }

  // https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /user/:name)
  async user(name: string) {
    const { data } = await this.http.json("GET", `${REST}/user/${encodeURIComponent(name)}`, userRecordSchema);
    return data;
  }

  // https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /users?query=<JSON>, JSON searches)
  async searchUsers(query: unknown[], page = 1) {
    const params: [string, string | number][] = [["query", JSON.stringify(query)], ["fields", `${USER_SUBFIELDS},Privileged`], ["page", page], ["per_page", 100]];
    const { data } = await this.http.json("GET", path("/users", params), collectionSchema(userItemSchema));
    return data;
  }

  // https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /queues/all)
  async queues() {
    const { data } = await this.http.json("GET", path("/queues/all", [["fields", "Name,Description,Lifecycle"], ["per_page", 100]]), collectionSchema(queueItemSchema));
    return data.items;
  }

  // https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /customfields?query=<JSON>; ticket CFs have LookupType RT::Queue-RT::Ticket)
  async ticketCustomFields() {
    const query = JSON.stringify([{ field: "LookupType", value: "RT::Queue-RT::Ticket" }]);
    const { data } = await this.http.json("GET", path("/customfields", [["query", query], ["fields", "Name,Type,MaxValues"], ["per_page", 100]]), collectionSchema(customFieldItemSchema));
    return data.items;
  }

  // https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /customfield/:id, with values if type is Select)
  async customField(id: string) {
    const { data } = await this.http.json("GET", `${REST}/customfield/${encodeURIComponent(id)}`, customFieldRecordSchema);
    return data;
  }
}

export const cursorSchema = z.object({ since: z.string(), updated: z.string().nullable(), id: z.string().nullable() });
