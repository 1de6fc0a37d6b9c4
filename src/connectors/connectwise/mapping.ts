// ConnectWise records ↔ the canonical model, as pure functions. Every vendor value the model has
// no place for goes into `extra` verbatim, so `ticketFromCanonical(ticketToCanonical(t))` gives
// back `t` exactly (tested with fast-check).
//
// Titles: ConnectWise's `summary` holds at most 100 characters. A longer title is written as
// its first 99 characters plus "…", and the full title leads the description ("Title: …"), the
// one place on the ticket that keeps it for people on the ConnectWise side.
import type { Attachment, Comment, CommentWrite, Person, Ref, Ticket, TicketWrite, TimeEntry, TimeEntryWrite } from "../canonical";
import { ConnectorError } from "../errors";
import type { CwContact, CwCustomField, CwDocument, CwNote, CwPatchOperation, CwRef, CwTicket, CwTimeEntry } from "./api";

export const TICKET_TYPE = "ticket";
/**
 * The ticket's categorisation, per board: offered to mappings as select fields under these keys
 * (values are the entries' ids), read into `customFields` beside the ticket's own custom fields
 * (whose keys are numeric ids) and written as references. The vendor objects stay in `extra`.
 */
export const CATEGORY_FIELDS = ["type", "subType", "item"] as const;
const isCategory = (key: string): key is (typeof CATEGORY_FIELDS)[number] => (CATEGORY_FIELDS as readonly string[]).includes(key);
export const SUMMARY_MAX = 100;
const REF_FIELDS = ["board", "status", "priority", "company", "owner"] as const;
const MAPPED = new Set<string>([...REF_FIELDS, "id", "summary", "initialDescription", "contact", "contactName", "contactEmailAddress", "customFields", "externalXRef", "closedFlag", "_info"]);

type Rest = Record<string, unknown>;
const omit = (record: Rest, keys: string[]): Rest => Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)));

/** The canonical Ref, and what the vendor's reference held besides id and name (`name: null`: it had none). */
function splitRef(reference: CwRef | undefined): { ref: Ref | null; rest?: Rest } {
  if (!reference) return { ref: null };
  const rest = omit(reference, ["id", "name"]);
  if (reference.name === undefined) rest.name = null;
  return { ref: { id: String(reference.id), name: reference.name ?? reference.identifier ?? "" }, ...(Object.keys(rest).length > 0 ? { rest } : {}) };
}

function joinRef(ref: Ref | null, rest: Rest | undefined): CwRef | undefined {
  if (!ref) return undefined;
  const { name, ...others } = rest ?? {};
  return { id: Number(ref.id), ...(name === null ? {} : { name: ref.name }), ...others };
}

export function ticketToCanonical(t: CwTicket): Ticket {
  const refs = Object.fromEntries(REF_FIELDS.map((f) => [f, splitRef(t[f])]));
  const refDetails = Object.fromEntries(REF_FIELDS.flatMap((f) => (refs[f]!.rest ? [[f, refs[f]!.rest]] : [])));
  const { lastUpdated, updatedBy, dateEntered, ...infoRest } = t._info;
  const extra: Rest = omit(t, [...MAPPED]);
  if (Object.keys(refDetails).length > 0) extra.refDetails = refDetails;
  if (t.contact) extra.contact = t.contact;
  if (Object.keys(infoRest).length > 0) extra.info = infoRest;
  if (dateEntered === undefined) extra.noDateEntered = true;
  if (t.customFields) extra.customFieldDefs = t.customFields.map((f) => omit(f, ["value"]));
  if (t.initialDescription === undefined) extra.noDescription = true;
  if (t.closedFlag === undefined) extra.noClosedFlag = true;
  const hasRequester = t.contact || t.contactName !== undefined || t.contactEmailAddress !== undefined;
  return {
    id: String(t.id),
    number: String(t.id),
    ticketType: TICKET_TYPE,
    title: t.summary,
    description: t.initialDescription ?? "",
    status: refs.status!.ref,
    priority: refs.priority!.ref,
    company: refs.company!.ref,
    queue: refs.board!.ref,
    assignee: refs.owner!.ref,
    requester: hasRequester ? { id: t.contact ? String(t.contact.id) : null, name: t.contactName ?? null, email: t.contactEmailAddress ?? null } : null,
    customFields: {
      ...Object.fromEntries((t.customFields ?? []).map((f) => [String(f.id), f.value ?? null])),
      ...Object.fromEntries(CATEGORY_FIELDS.map((key) => [key, (t[key] as CwRef | undefined)?.id !== undefined ? String((t[key] as CwRef).id) : null])),
    },
    partnerReference: t.externalXRef ?? null,
    createdAt: dateEntered ?? lastUpdated,
    updatedAt: lastUpdated,
    updatedBy: updatedBy ?? null,
    closed: t.closedFlag ?? false,
    extra,
  };
}

/** The vendor record a canonical ticket came from (inverse of `ticketToCanonical`). */
export function ticketFromCanonical(c: Ticket): CwTicket {
  const { refDetails, contact, info, noDateEntered, customFieldDefs, noDescription, noClosedFlag, ...rest } = c.extra as Rest & {
    refDetails?: Record<string, Rest>; contact?: CwRef; info?: Rest; customFieldDefs?: Rest[];
  };
  const canonicalRefs = { board: c.queue, status: c.status, priority: c.priority, company: c.company, owner: c.assignee };
  const refs = Object.fromEntries(REF_FIELDS.flatMap((f) => {
    const value = joinRef(canonicalRefs[f], refDetails?.[f]);
    return value ? [[f, value]] : [];
  }));
  const customFields = customFieldDefs?.map((def) => {
    const value = c.customFields[String(def.id)];
    return { ...def, ...(value === null || value === undefined ? {} : { value }) } as CwCustomField;
  });
  return {
    ...rest,
    id: Number(c.id),
    summary: c.title,
    ...refs,
    ...(noDescription ? {} : { initialDescription: c.description }),
    ...(contact ? { contact } : {}),
    ...(c.requester?.name != null ? { contactName: c.requester.name } : {}),
    ...(c.requester?.email != null ? { contactEmailAddress: c.requester.email } : {}),
    ...(customFields ? { customFields } : {}),
    ...(c.partnerReference !== null ? { externalXRef: c.partnerReference } : {}),
    ...(noClosedFlag ? {} : { closedFlag: c.closed }),
    _info: { ...info, lastUpdated: c.updatedAt, ...(c.updatedBy !== null ? { updatedBy: c.updatedBy } : {}), ...(noDateEntered ? {} : { dateEntered: c.createdAt }) },
  } as CwTicket;
}

function titleFields(title: string, description: string | undefined): { summary: string; initialDescription?: string } {
  if (title.length <= SUMMARY_MAX) return { summary: title, ...(description !== undefined ? { initialDescription: description } : {}) };
  return { summary: `${title.slice(0, SUMMARY_MAX - 1)}…`, initialDescription: `Title: ${title}${description ? `\n\n${description}` : ""}` };
}

const idRef = (id: string) => ({ id: Number(id) });

/** Vendor fields for each canonical write field (shared by create and update). */
function writeFields(w: TicketWrite, currentCustomFields: CwCustomField[] = []): Rest {
  const out: Rest = {};
  if (w.title !== undefined) Object.assign(out, titleFields(w.title, w.description));
  else if (w.description !== undefined) out.initialDescription = w.description;
  if (w.queueId !== undefined) out.board = idRef(w.queueId);
  if (w.statusId !== undefined) out.status = idRef(w.statusId);
  if (w.priorityId !== undefined) out.priority = idRef(w.priorityId);
  if (w.companyId !== undefined) out.company = idRef(w.companyId);
  if (w.assigneeId !== undefined) out.owner = idRef(w.assigneeId);
  if (w.requester) {
    if (w.requester.id) out.contact = idRef(w.requester.id);
    if (w.requester.name) out.contactName = w.requester.name;
    if (w.requester.email) out.contactEmailAddress = w.requester.email;
  }
  if (w.categoryId !== undefined) out.type = idRef(w.categoryId);
  if (w.sourceId !== undefined) out.source = idRef(w.sourceId);
  const own = Object.entries(w.customFields ?? {}).filter(([key, value]) => {
    // A categorisation value is a reference; clearing one is not something a sync asks of ConnectWise.
    if (isCategory(key)) {
      if (value !== null && value !== "") out[key] = idRef(String(value));
      return false;
    }
    return true;
  });
  if (own.length > 0) {
    // ConnectWise replaces the whole customFields array: unchanged fields are sent as they are.
    const byId = new Map(currentCustomFields.map((f) => [String(f.id), f]));
    for (const [id, value] of own) {
      if (!/^\d+$/.test(id)) throw new ConnectorError("validation", `ConnectWise custom fields are keyed by their numeric id; "${id}" is not one (map the field again from the Mappings page).`);
      byId.set(id, { ...(byId.get(id) ?? { id: Number(id) }), value });
    }
    out.customFields = [...byId.values()].map((f) => ({ id: f.id, value: f.value ?? null }));
  }
  if (w.partnerReference !== undefined) out.externalXRef = w.partnerReference;
  // `extra` on a write carries vendor fields verbatim (e.g. `type: {id: 101}`, `severity`).
  Object.assign(out, w.extra ?? {});
  return out;
}

export function createBody(w: TicketWrite): Rest {
  return writeFields({ ...w, title: w.title ?? "(no title)" });
}

/** JSON-Patch operations for exactly the fields given, nothing else. */
export function patchOperations(w: TicketWrite, currentCustomFields: CwCustomField[] = []): CwPatchOperation[] {
  return Object.entries(writeFields(w, currentCustomFields)).map(([path, value]) => ({ op: "replace", path, value }));
}

const NOTE_KINDS = { discussion: "detailDescriptionFlag", internal: "internalAnalysisFlag", resolution: "resolutionFlag" } as const;
export type NoteKind = keyof typeof NOTE_KINDS;

export function noteToComment(n: CwNote): Comment {
  const kind: NoteKind = n.detailDescriptionFlag ? "discussion" : n.internalAnalysisFlag ? "internal" : n.resolutionFlag ? "resolution" : "discussion";
  const author: Person | null = n.member
    ? { id: String(n.member.id), name: n.member.name ?? n.member.identifier ?? null, email: null }
    : n.contact ? { id: String(n.contact.id), name: n.contact.name ?? null, email: null } : n.createdBy ? { id: null, name: n.createdBy, email: null } : null;
  return {
    id: String(n.id),
    body: n.text,
    format: "text",
    // Discussion and Resolution notes show on the customer portal and in emails; Internal do not.
    public: Boolean(n.detailDescriptionFlag || n.resolutionFlag),
    kind,
    author,
    createdAt: n.dateCreated ?? n._info?.lastUpdated ?? "",
    extra: omit(n, ["id", "text"]),
  };
}

function htmlToText(html: string): string {
  return html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>\s*/gi, "\n\n").replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").trim();
}

export function commentToNote(w: CommentWrite): Rest {
  const kind: NoteKind = w.kind && w.kind in NOTE_KINDS ? (w.kind as NoteKind) : w.public ? "discussion" : "internal";
  return { text: w.format === "html" ? htmlToText(w.body) : w.body, [NOTE_KINDS[kind]]: true };
}

const CONTENT_TYPES: Record<string, string> = {
  txt: "text/plain", log: "text/plain", csv: "text/csv", pdf: "application/pdf", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif",
  zip: "application/zip", json: "application/json", xml: "application/xml", eml: "message/rfc822", docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** DocumentInfo carries no content type; the download's header is authoritative, this is a guess from the extension. */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[fileName.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

export function documentToAttachment(d: CwDocument): Attachment {
  return {
    id: String(d.id),
    fileName: d.fileName,
    size: d.size ?? null,
    contentType: contentTypeFor(d.fileName),
    createdAt: d._info?.dateEntered ?? d._info?.lastUpdated ?? "",
    extra: omit(d, ["id", "fileName", "size"]),
  };
}

export function timeEntryToCanonical(e: CwTimeEntry): TimeEntry {
  const minutes = e.timeEnd ? Math.round((Date.parse(e.timeEnd) - Date.parse(e.timeStart)) / 60_000) : Math.round((e.actualHours ?? 0) * 60);
  return {
    id: String(e.id),
    start: e.timeStart,
    minutes: Math.max(0, minutes),
    member: e.member ? { id: String(e.member.id), name: e.member.name ?? e.member.identifier ?? null, email: null } : null,
    workRole: e.workRole ? { id: String(e.workRole.id), name: e.workRole.name ?? "" } : null,
    notes: e.notes ?? "",
    reference: INTERNAL_REFERENCE.exec(e.internalNotes ?? "")?.[1] ?? null,
    extra: omit(e, ["id", "timeStart", "member", "workRole", "notes", "internalNotes"]),
  };
}

/** A copy's marker lives in the time entry's internal notes, which only the MSP's members see
 * (never on the customer's invoice or portal), so the notes stay what the technician wrote. */
const INTERNAL_REFERENCE = /^Lockstep ref ([a-z]{3}_[0-9a-z]+)$/;

const cwTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function timeEntryBody(ticketId: number, w: TimeEntryWrite): Rest {
  const start = Date.parse(w.start);
  return {
    chargeToId: ticketId,
    chargeToType: "ServiceTicket",
    ...(w.memberId ? { member: idRef(w.memberId) } : {}),
    ...(w.workRoleId ? { workRole: idRef(w.workRoleId) } : {}),
    timeStart: cwTime(start),
    timeEnd: cwTime(start + w.minutes * 60_000),
    notes: w.notes,
    ...(w.reference ? { internalNotes: `Lockstep ref ${w.reference}` } : {}),
  };
}

export function contactToPerson(c: CwContact, email: string): Person {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  const item = c.communicationItems?.find((i) => i.communicationType === "Email" && i.value?.toLowerCase() === email.toLowerCase());
  return { id: String(c.id), name: name || null, email: item?.value ?? email };
}
