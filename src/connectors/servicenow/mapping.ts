// Pure mapping between ServiceNow records and the canonical model. Ticket records are read with
// sysparm_display_value=all, so every field is `{ value, display_value }`: the stored value is
// the id the platform writes back, the display value is the name people see. Nothing is lost:
// unmapped fields go to `extra` verbatim, and a display value that the canonical fields cannot
// reproduce is kept under `extra.$display`.
import { splitReference, withReference } from "../copy-reference";
import type { Attachment, Comment, CommentWrite, Person, Ref, Ticket, TicketWrite, TimeEntry, TimeEntryWrite } from "../canonical";
import { ConnectorError } from "../errors";
import type { ServiceNowSettings } from "./config";

export type SnField = { value: string; display_value: string };
export type SnRecord = Record<string, SnField>;
/** A record read with sysparm_display_value=false: stored values only. */
export type PlainRecord = Record<string, string>;

const DISPLAY_KEY = "$display";

/** Baseline categorisation choice fields, read into `customFields` beside the `u_` ones so they
 * can be mapped like any picklist (written back under the same names). */
export const CATEGORY_FIELDS = ["category", "subcategory"];
const isCustom = (name: string) => name.startsWith("u_") || CATEGORY_FIELDS.includes(name);

/** The field holding the person the ticket is for, per table. */
export function requesterField(table: string): string {
  if (table === "incident") return "caller_id";
  if (table === "sn_customerservice_case") return "contact";
  return "opened_by";
}

const SN_TIME = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)$/;
const ISO_TIME = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)Z$/;

/** ServiceNow's UTC `YYYY-MM-DD HH:mm:ss` to ISO-8601; anything else is passed through. */
export function snTimeToIso(value: string): string {
  const m = SN_TIME.exec(value);
  return m ? `${m[1]}T${m[2]}Z` : value;
}

/** ISO-8601 (any offset) to ServiceNow's UTC `YYYY-MM-DD HH:mm:ss`, dropping sub-seconds. */
export function isoToSnTime(value: string): string {
  const m = ISO_TIME.exec(value);
  if (m) return `${m[1]} ${m[2]}`;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

const field = (record: SnRecord, name: string): SnField => record[name] ?? { value: "", display_value: "" };

function toRef(f: SnField): Ref | null {
  return f.value === "" && f.display_value === "" ? null : { id: f.value, name: f.display_value };
}

const fromRef = (ref: Ref | null): SnField => (ref ? { value: ref.id, display_value: ref.name } : { value: "", display_value: "" });

/** Fields whose canonical form is the stored value alone: display defaults to the value. */
const PLAIN_FIELDS = ["sys_id", "number", "short_description", "description", "correlation_id", "sys_created_on", "sys_updated_on", "sys_updated_by"];

export function recordToTicket(table: string, record: SnRecord, closedStates: readonly string[]): Ticket {
  const requester = requesterField(table);
  const mapped = new Set([...PLAIN_FIELDS, "state", "priority", "company", "assignment_group", "assigned_to", requester]);
  const extra: Record<string, unknown> = {};
  const display: Record<string, string> = {};
  const customFields: Record<string, string> = {};
  for (const [name, f] of Object.entries(record)) {
    if (isCustom(name)) {
      customFields[name] = f.value;
      if (f.display_value !== f.value) display[name] = f.display_value;
    } else if (!mapped.has(name)) {
      extra[name] = f;
    } else if (PLAIN_FIELDS.includes(name) && f.display_value !== f.value) {
      display[name] = f.display_value;
    }
  }
  const person = field(record, requester);
  if (Object.keys(display).length > 0) extra[DISPLAY_KEY] = display;
  const state = toRef(field(record, "state"));
  return {
    id: field(record, "sys_id").value,
    number: field(record, "number").value,
    ticketType: table,
    title: field(record, "short_description").value,
    description: field(record, "description").value,
    status: state,
    priority: toRef(field(record, "priority")),
    requester: person.value === "" && person.display_value === "" ? null : { id: person.value || null, name: person.display_value || null, email: null },
    company: toRef(field(record, "company")),
    queue: toRef(field(record, "assignment_group")),
    assignee: toRef(field(record, "assigned_to")),
    customFields,
    partnerReference: field(record, "correlation_id").value || null,
    createdAt: snTimeToIso(field(record, "sys_created_on").value),
    updatedAt: snTimeToIso(field(record, "sys_updated_on").value),
    updatedBy: field(record, "sys_updated_by").value || null,
    closed: state !== null && closedStates.includes(state.id),
    extra,
  };
}

/** The inverse of `recordToTicket`: rebuilds the record the ticket was read from. */
export function ticketToRecord(ticket: Ticket): SnRecord {
  const { [DISPLAY_KEY]: displayRaw, ...rest } = ticket.extra;
  const display = (displayRaw ?? {}) as Record<string, string>;
  const plain = (name: string, value: string): SnField => ({ value, display_value: display[name] ?? value });
  const record: SnRecord = { ...(rest as SnRecord) };
  const person = ticket.requester;
  Object.assign(record, {
    sys_id: plain("sys_id", ticket.id),
    number: plain("number", ticket.number),
    short_description: plain("short_description", ticket.title),
    description: plain("description", ticket.description),
    correlation_id: plain("correlation_id", ticket.partnerReference ?? ""),
    sys_created_on: plain("sys_created_on", isoToSnTime(ticket.createdAt)),
    sys_updated_on: plain("sys_updated_on", isoToSnTime(ticket.updatedAt)),
    sys_updated_by: plain("sys_updated_by", ticket.updatedBy ?? ""),
    state: fromRef(ticket.status),
    priority: fromRef(ticket.priority),
    company: fromRef(ticket.company),
    assignment_group: fromRef(ticket.queue),
    assigned_to: fromRef(ticket.assignee),
    [requesterField(ticket.ticketType)]: { value: person?.id ?? "", display_value: person?.name ?? "" },
  });
  for (const [name, value] of Object.entries(ticket.customFields)) record[name] = plain(name, value === null ? "" : String(value));
  return record;
}

/** The Table API body for a write: only the fields given, references as sys_ids, choices as stored values. */
export function ticketWriteToPayload(table: string, write: TicketWrite, settings: ServiceNowSettings): Record<string, string> {
  const body: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) body[name] = value;
  };
  set("short_description", write.title);
  set("description", write.description);
  set("state", write.statusId);
  if (write.priorityId !== undefined) {
    if (settings.computedPriorityTables.includes(table)) {
      const pair = settings.priorityMatrix[write.priorityId];
      if (!pair) throw new ConnectorError("validation", `Priority ${write.priorityId} has no impact/urgency pair in the ServiceNow settings`);
      body.impact = pair.impact;
      body.urgency = pair.urgency;
    } else {
      body.priority = write.priorityId;
    }
  }
  set("assignment_group", write.queueId);
  set("company", write.companyId);
  set("assigned_to", write.assigneeId);
  // ServiceNow has no free-text requester: an unmatched person (no id) cannot be written.
  if (write.requester?.id) body[requesterField(table)] = write.requester.id;
  for (const [name, value] of Object.entries(write.customFields ?? {})) body[name] = value === null ? "" : String(value);
  set("contact_type", write.sourceId);
  set("category", write.categoryId);
  if (write.partnerReference !== undefined) {
    body.correlation_id = write.partnerReference;
    body.correlation_display = "Lockstep";
  }
  for (const [name, value] of Object.entries(write.extra ?? {})) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") body[name] = String(value);
  }
  // Resolving or closing needs the resolution fields the data policy makes mandatory.
  const close = settings.closeFields[table];
  if (write.statusId !== undefined && close?.states.includes(write.statusId)) {
    for (const [name, value] of Object.entries(close.fields)) body[name] ??= value;
  }
  return body;
}

/** Journal fields: `comments` is customer-visible, `work_notes` internal. */
export const NOTE_TYPES = [
  { id: "comments", name: "Additional comments", public: true },
  { id: "work_notes", name: "Work notes", public: false },
] as const;

// HTML in a journal field is marked with [code]…[/code]; plain text is stored as is.
const HTML_JOURNAL = /^\[code\]([\s\S]*)\[\/code\]$/;

export function journalToComment(entry: PlainRecord): Comment {
  const { sys_id = "", element = "", value = "", sys_created_on = "", sys_created_by = "", ...rest } = entry;
  const html = HTML_JOURNAL.exec(value);
  return {
    id: sys_id,
    body: html ? html[1]! : value,
    format: html ? "html" : "text",
    public: element === "comments",
    kind: element,
    author: sys_created_by ? { id: null, name: sys_created_by, email: null } : null,
    createdAt: snTimeToIso(sys_created_on),
    extra: rest,
  };
}

export function commentToJournal(comment: Comment): PlainRecord {
  return {
    ...(comment.extra as PlainRecord),
    sys_id: comment.id,
    element: comment.kind,
    value: comment.format === "html" ? `[code]${comment.body}[/code]` : comment.body,
    sys_created_on: isoToSnTime(comment.createdAt),
    sys_created_by: comment.author?.name ?? "",
  };
}

export function journalValue(body: string, format: "text" | "html"): string {
  return format === "html" ? `[code]${body}[/code]` : body;
}

/**
 * The comment a journal write made, from the PATCH answer alone. That answer is the ticket, and
 * ServiceNow documents no way to learn the new sys_journal_field row from it (reading the row
 * back costs a second call per comment), so the id is the write's own: the ticket, the journal
 * field and the ticket's update count after the write. It never equals a journal row's sys_id;
 * the sync recognises its copies in sys_journal_field by the reference in their text instead.
 */
export function writtenComment(ticket: SnRecord, kind: string, write: CommentWrite): Comment {
  const value = (name: string) => field(ticket, name).value;
  const updates = value("sys_mod_count") || value("sys_updated_on");
  const author = value("sys_updated_by");
  return {
    id: `${value("sys_id")}/${kind}@${updates}`,
    body: write.body,
    format: write.format,
    public: kind === "comments",
    kind,
    author: author ? { id: null, name: author, email: null } : null,
    createdAt: snTimeToIso(value("sys_updated_on")),
    extra: { name: value("sys_class_name"), element_id: value("sys_id") },
  };
}

export function attachmentFromRecord(record: PlainRecord): Attachment {
  const { sys_id = "", file_name = "", size_bytes = "", content_type = "", sys_created_on = "", ...rest } = record;
  return {
    id: sys_id,
    fileName: file_name,
    size: /^\d+$/.test(size_bytes) ? Number(size_bytes) : null,
    contentType: content_type,
    createdAt: snTimeToIso(sys_created_on),
    extra: /^\d+$/.test(size_bytes) || size_bytes === "" ? rest : { ...rest, size_bytes },
  };
}

export function attachmentToRecord(attachment: Attachment): PlainRecord {
  return {
    size_bytes: attachment.size === null ? "" : String(attachment.size),
    ...(attachment.extra as PlainRecord),
    sys_id: attachment.id,
    file_name: attachment.fileName,
    content_type: attachment.contentType,
    sys_created_on: isoToSnTime(attachment.createdAt),
  };
}

/** glide_duration values are offsets from the epoch: `1970-01-01 01:30:00` is 90 minutes. */
export function durationToMinutes(value: string): number | null {
  const ms = Date.parse(`${value.replace(" ", "T")}Z`);
  return Number.isNaN(ms) || !SN_TIME.test(value) ? null : Math.floor(ms / 60_000);
}

export function minutesToDuration(minutes: number): string {
  return new Date(minutes * 60_000).toISOString().slice(0, 19).replace("T", " ");
}

/** task_time_worked read with display values; the duration's display ("1 Hour 30 Minutes") goes to `extra.$display`. */
export function recordToTimeEntry(record: SnRecord): TimeEntry {
  const { sys_id, time_worked, user, comments, sys_created_on, ...rest } = record;
  const extra: Record<string, unknown> = { ...rest };
  const display: Record<string, string> = {};
  const worked = time_worked ?? { value: "", display_value: "" };
  const minutes = durationToMinutes(worked.value);
  // Seconds (or an unreadable value) do not fit whole minutes: keep the stored value too.
  if (minutes === null || minutesToDuration(minutes) !== worked.value) extra.$time_worked = worked.value;
  display.time_worked = worked.display_value;
  for (const [name, f] of Object.entries({ sys_id, comments, sys_created_on })) if (f && f.display_value !== f.value) display[name] = f.display_value;
  extra[DISPLAY_KEY] = display;
  return {
    id: sys_id?.value ?? "",
    start: snTimeToIso(sys_created_on?.value ?? ""),
    minutes: minutes ?? 0,
    member: user && (user.value !== "" || user.display_value !== "") ? { id: user.value || null, name: user.display_value || null, email: null } : null,
    workRole: null,
    // task_time_worked has no field people do not read: a copy's marker ends its comments.
    ...splitReference(comments?.value ?? ""),
    extra,
  };
}

export function timeEntryToRecord(entry: TimeEntry): SnRecord {
  const { [DISPLAY_KEY]: displayRaw, $time_worked, ...rest } = entry.extra;
  const display = (displayRaw ?? {}) as Record<string, string>;
  const plain = (name: string, value: string): SnField => ({ value, display_value: display[name] ?? value });
  const start = isoToSnTime(entry.start);
  return {
    ...(rest as SnRecord),
    sys_id: plain("sys_id", entry.id),
    time_worked: { value: typeof $time_worked === "string" ? $time_worked : minutesToDuration(entry.minutes), display_value: display.time_worked ?? "" },
    user: { value: entry.member?.id ?? "", display_value: entry.member?.name ?? "" },
    comments: plain("comments", withReference(entry.notes, entry.reference)),
    sys_created_on: plain("sys_created_on", start),
  };
}

export function timeEntryWriteToPayload(ticketId: string, entry: TimeEntryWrite): Record<string, string> {
  const body: Record<string, string> = { task: ticketId, time_worked: minutesToDuration(entry.minutes), comments: withReference(entry.notes, entry.reference ?? null) };
  if (entry.memberId) body.user = entry.memberId;
  return body;
}
