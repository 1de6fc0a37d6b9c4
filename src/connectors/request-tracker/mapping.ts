// Pure mappings between RT REST2 records and the canonical model, both ways. Everything RT has
// that the model lacks stays in `extra` (verbatim, or under an `rt…` key where Lockstep derived a
// view from it), so a ticket survives RT → canonical → RT unchanged.
import { splitReference } from "../copy-reference";
import type { Comment, CommentWrite, Person, Ref, Ticket, TicketWrite, TimeEntry } from "../canonical";
import type { RtTicket, RtTransaction, RtUserRef } from "./api-schemas";
import type { Settings } from "./config";

export type MappingContext = Pick<Settings, "partnerReferenceField" | "priorities" | "extraStatuses"> & { baseUrl: string };

/** RT's default lifecycle (etc/RT_Config.pm.in): initial new; active open, stalled; inactive resolved, rejected, deleted. */
export const DEFAULT_STATUSES = [
  { name: "new", closed: false }, { name: "open", closed: false }, { name: "stalled", closed: false },
  { name: "resolved", closed: true }, { name: "rejected", closed: true }, { name: "deleted", closed: true },
];

export function statusesFor(ctx: Pick<MappingContext, "extraStatuses">): { name: string; closed: boolean }[] {
  const names = new Set(DEFAULT_STATUSES.map((s) => s.name));
  return [...DEFAULT_STATUSES, ...ctx.extraStatuses.filter((s) => !names.has(s.name))];
}

const MAPPED = new Set(["id", "type", "_url", "Subject", "Status", "Queue", "Owner", "Priority", "Created", "LastUpdated", "LastUpdatedBy", "Requestor", "CustomFields"]);
const NOBODY = "Nobody";

/** The named level a raw priority falls in (the highest level at or below it). */
export function priorityRef(value: number, levels: MappingContext["priorities"]): Ref {
  const level = [...levels].sort((a, b) => b.value - a.value).find((l) => value >= l.value);
  return level ? { id: String(level.value), name: level.name } : { id: String(value), name: String(value) };
}

function person(ref: RtUserRef): Person {
  return { id: ref.id, name: ref.RealName || null, email: ref.EmailAddress || null };
}

/** The text of the partner reference custom field on a ticket as read, null when unset. */
export function partnerReferenceOf(rt: Pick<RtTicket, "CustomFields">, field: string): string | null {
  const value = rt.CustomFields.find((cf) => cf.name === field)?.values[0];
  return typeof value === "string" ? value : null;
}

export function ticketFromRt(rt: RtTicket, description: string, ctx: MappingContext): Ticket {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rt)) if (!MAPPED.has(key)) extra[key] = value;
  const priority = priorityRef(rt.Priority, ctx.priorities);
  if (Number(priority.id) !== rt.Priority) extra.rtRawPriority = rt.Priority;
  const [first, ...others] = rt.Requestor;
  if (others.length) extra.rtAdditionalRequestors = others.map(({ id, Name, EmailAddress, RealName }) => ({ id, Name, EmailAddress, RealName }));
  extra.rtCustomFields = rt.CustomFields.map(({ id, name, values }) => ({ id, name, values }));
  const customFields: Ticket["customFields"] = {};
  let partnerReference: string | null = null;
  for (const cf of rt.CustomFields) {
    const value = cf.values[0];
    const text = typeof value === "string" ? value : null;
    if (cf.name === ctx.partnerReferenceField) partnerReference = text;
    else customFields[cf.name] = text;
  }
  const closed = statusesFor(ctx).find((s) => s.name === rt.Status)?.closed ?? false;
  return {
    id: rt.id,
    number: rt.id,
    ticketType: "ticket",
    title: rt.Subject,
    description,
    status: { id: rt.Status, name: rt.Status },
    priority,
    requester: first ? person(first) : null,
    company: null,
    queue: { id: rt.Queue.id, name: rt.Queue.Name ?? "" },
    assignee: rt.Owner.id === NOBODY ? null : { id: rt.Owner.id, name: rt.Owner.Name ?? rt.Owner.id },
    customFields,
    partnerReference,
    createdAt: rt.Created,
    updatedAt: rt.LastUpdated,
    updatedBy: rt.LastUpdatedBy.id,
    closed,
    extra,
  };
}

/** The inverse of `ticketFromRt`: rebuilds the REST2 search item (links derived from the base URL). */
export function ticketToRt(ticket: Ticket, ctx: MappingContext): RtTicket {
  const rest = `${ctx.baseUrl.replace(/\/+$/, "")}/REST/2.0`;
  const user = (id: string, fields: Partial<RtUserRef> = {}): RtUserRef => ({ type: "user", id, _url: `${rest}/user/${id}`, ...fields });
  const { rtRawPriority, rtAdditionalRequestors, rtCustomFields, ...verbatim } = ticket.extra as Record<string, unknown> & {
    rtRawPriority?: number; rtAdditionalRequestors?: Omit<RtUserRef, "type" | "_url">[]; rtCustomFields?: { id: string; name: string; values: RtTicket["CustomFields"][number]["values"] }[];
  };
  const requestors = ticket.requester ? [{ id: ticket.requester.id ?? "", Name: ticket.requester.id ?? "", EmailAddress: ticket.requester.email ?? "", RealName: ticket.requester.name ?? "" }] : [];
  return {
    ...verbatim,
    id: ticket.id,
    type: "ticket",
    _url: `${rest}/ticket/${ticket.id}`,
    Subject: ticket.title,
    Status: ticket.status?.id ?? "",
    Queue: { type: "queue", id: ticket.queue?.id ?? "", _url: `${rest}/queue/${ticket.queue?.id ?? ""}`, Name: ticket.queue?.name ?? "" },
    Owner: ticket.assignee ? user(ticket.assignee.id, { Name: ticket.assignee.name }) : user(NOBODY, { Name: NOBODY }),
    Priority: rtRawPriority ?? Number(ticket.priority?.id ?? 0),
    Created: ticket.createdAt,
    LastUpdated: ticket.updatedAt,
    LastUpdatedBy: user(ticket.updatedBy ?? NOBODY, { Name: ticket.updatedBy ?? NOBODY }),
    Requestor: [...requestors, ...(rtAdditionalRequestors ?? [])].map((r) => user(r.id, r)),
    CustomFields: (rtCustomFields ?? []).map((cf) => ({ type: "customfield", id: cf.id, _url: `${rest}/customfield/${cf.id}`, name: cf.name, values: cf.values })),
  };
}

/** RT fields a write may pass through from `extra` (REST2 takes them on create and update). */
const WRITABLE_EXTRA = ["Due", "Starts", "Started", "TimeEstimated", "TimeLeft", "InitialPriority", "FinalPriority", "Cc", "AdminCc"];

/**
 * A canonical write as the JSON body of `POST /ticket` or `PUT /ticket/{id}`: only the fields
 * given. Queue by id or name, Owner by user name, Requestor by e-mail, custom fields by name.
 * RT has no companies (the connector refuses a companyId) and no editable description: it is the create message.
 */
export function ticketWriteToRt(write: TicketWrite, ctx: Pick<MappingContext, "partnerReferenceField">, creating: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (write.title !== undefined) body.Subject = write.title;
  if (write.statusId !== undefined) body.Status = write.statusId;
  if (write.priorityId !== undefined) body.Priority = Number(write.priorityId);
  if (write.queueId !== undefined) body.Queue = write.queueId;
  if (write.assigneeId !== undefined) body.Owner = write.assigneeId;
  // Only a known RT user becomes Requestor: RT would create a user for an unknown address, and
  // Lockstep never creates contacts (the engine keeps an unmatched requester in the description).
  if (write.requester?.id) body.Requestor = write.requester.email ?? write.requester.id;
  const cfs: Record<string, unknown> = { ...(write.customFields ?? {}) };
  if (write.partnerReference !== undefined) cfs[ctx.partnerReferenceField] = write.partnerReference;
  if (Object.keys(cfs).length) body.CustomFields = cfs;
  for (const key of WRITABLE_EXTRA) if (write.extra?.[key] !== undefined) body[key] = write.extra[key];
  if (creating && write.description !== undefined) {
    body.Content = write.description;
    body.ContentType = "text/plain";
  }
  return body;
}

/** Fields of a create body that RT either stores as sent or refuses with the whole create. */
const KEPT_AS_SENT = new Set(["Subject", "Status", "Priority", "Queue", "Requestor", "CustomFields", "Content", "ContentType"]);

/**
 * The ticket `POST /ticket` made, from the write alone: RT's answer is only `{type, id, _url}`.
 * Only where every field is one RT stores as sent or refuses with the whole create (Subject, a
 * Status of the lifecycle, a numeric Priority, the Queue, a known Requestor, the Create message,
 * the partner reference); null otherwise, and the caller reads the ticket back. Left out: an
 * Owner who may not own tickets stays Nobody, a custom field RT cannot find or a value it refuses
 * is only logged (Resource/Record/Writable.pm create_record), dates are re-parsed, and without a
 * Status or Priority the queue's defaults apply. RT's own later changes (a scrip's) show on the
 * next listing like any other change on RT. `extra` holds only what the write set.
 */
export function createdTicketFromWrite(
  created: { id: string; at: string; queue: Ref; by: string },
  body: Record<string, unknown>,
  write: TicketWrite,
  ctx: MappingContext,
): Ticket | null {
  if (Object.keys(body).some((key) => !KEPT_AS_SENT.has(key))) return null;
  const cfs = body.CustomFields && typeof body.CustomFields === "object" ? Object.keys(body.CustomFields) : [];
  if (cfs.some((name) => name !== ctx.partnerReferenceField)) return null;
  const status = statusesFor(ctx).find((s) => s.name === body.Status);
  if (!status || typeof body.Priority !== "number" || !Number.isInteger(body.Priority)) return null;
  if (body.Requestor !== undefined && !write.requester?.email) return null;
  const priority = priorityRef(body.Priority, ctx.priorities);
  const extra: Record<string, unknown> = Number(priority.id) === body.Priority ? {} : { rtRawPriority: body.Priority };
  return {
    id: created.id,
    number: created.id,
    ticketType: "ticket",
    title: typeof body.Subject === "string" ? body.Subject : "",
    description: typeof body.Content === "string" ? body.Content : "",
    status: { id: status.name, name: status.name },
    priority,
    // Sent only for a contact RT knows (ticketWriteToRt), as found there.
    requester: body.Requestor !== undefined ? write.requester! : null,
    company: null,
    queue: created.queue,
    assignee: null,
    customFields: {},
    partnerReference: write.partnerReference ?? null,
    createdAt: created.at,
    updatedAt: created.at,
    updatedBy: created.by,
    closed: status.closed,
    extra,
  };
}

/** The comment a message post made: RT answers with the transaction's id (Location) and nothing else of it. */
export function commentFromPost(txn: { id: string; at: string; by: string }, kind: "correspond" | "comment", part: { ContentType: string; Content: string }): Comment {
  return messageComment(txn.id, kind, part, { id: txn.by, name: txn.by, email: null }, txn.at, 0);
}

/** A message transaction as a comment: a Correspond is public, a Comment internal. */
function messageComment(id: string, kind: "correspond" | "comment", part: { ContentType: string; Content: string }, author: Comment["author"], createdAt: string, timeTaken: unknown): Comment {
  return {
    id,
    body: part.Content,
    format: part.ContentType === "text/html" ? "html" : "text",
    public: kind === "correspond",
    kind,
    author,
    createdAt,
    extra: { TimeTaken: timeTaken, ContentType: part.ContentType },
  };
}

/** The inverse of `ticketWriteToRt` (for the round-trip property), given the e-mail/id the requester was sent as. */
export function ticketWriteFromRt(body: Record<string, unknown>, ctx: Pick<MappingContext, "partnerReferenceField">, requester?: TicketWrite["requester"]): TicketWrite {
  const write: TicketWrite = {};
  if (typeof body.Subject === "string") write.title = body.Subject;
  if (typeof body.Status === "string") write.statusId = body.Status;
  if (typeof body.Priority === "number") write.priorityId = String(body.Priority);
  if (typeof body.Queue === "string") write.queueId = body.Queue;
  if (typeof body.Owner === "string") write.assigneeId = body.Owner;
  if (body.Requestor !== undefined && requester) write.requester = requester;
  if (body.CustomFields && typeof body.CustomFields === "object") {
    const { [ctx.partnerReferenceField]: partner, ...rest } = body.CustomFields as Record<string, string | number | boolean | null>;
    if (partner !== undefined) write.partnerReference = String(partner);
    if (Object.keys(rest).length) write.customFields = rest;
  }
  const extra = Object.fromEntries(WRITABLE_EXTRA.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
  if (Object.keys(extra).length) write.extra = extra;
  if (typeof body.Content === "string") write.description = body.Content;
  return write;
}

/** Note kinds: RT's two message endpoints. */
export const NOTE_TYPES = [
  { id: "correspond", name: "Reply (correspond)", public: true },
  { id: "comment", name: "Comment (internal)", public: false },
];

export function commentKind(write: CommentWrite): "correspond" | "comment" {
  if (write.kind === "correspond" || write.kind === "comment") return write.kind;
  return write.public ? "correspond" : "comment";
}

export function commentToRt(write: CommentWrite): { Content: string; ContentType: string } {
  return { Content: write.body, ContentType: write.format === "html" ? "text/html" : "text/plain" };
}

export function commentFromRt(txn: RtTransaction, part: { ContentType: string; Content: string }): Comment {
  const author = { id: txn.Creator.id, name: txn.Creator.RealName || txn.Creator.Name || null, email: txn.Creator.EmailAddress || null };
  return messageComment(txn.id, txn.Type === "Correspond" ? "correspond" : "comment", part, author, txn.Created, txn.TimeTaken);
}

/** RT time is TimeTaken (minutes) on a transaction; its creator is the only "member", there are no work roles. */
export function timeEntryFromRt(txn: RtTransaction, notes: string): TimeEntry {
  return {
    id: txn.id,
    start: txn.Created,
    minutes: Math.max(0, txn.TimeTaken),
    member: { id: txn.Creator.id, name: txn.Creator.RealName || txn.Creator.Name || null, email: txn.Creator.EmailAddress || null },
    workRole: null,
    // RT time is a message, read by the team: a copy's marker ends its text (copy-reference.ts).
    ...splitReference(notes),
    extra: { Type: txn.Type, ...(txn.TimeTaken < 0 ? { TimeTaken: txn.TimeTaken } : {}) },
  };
}
