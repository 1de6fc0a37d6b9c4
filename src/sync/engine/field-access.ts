// Reading and writing one canonical field, as a comparable string. References compare by id
// (names can be renamed), the requester by email, custom fields by their text form.
import type { Ref, Ticket, TicketWrite } from "../../connectors/canonical";
import { SyncItemError } from "./sync-errors";

export type FieldValue = string | null;

export function readField(ticket: Ticket, field: string): FieldValue {
  if (field.startsWith("customFields.")) {
    const value = ticket.customFields[field.slice("customFields.".length)];
    return value === undefined || value === null || value === "" ? null : String(value);
  }
  switch (field) {
    case "title":
      return ticket.title || null;
    case "description":
      return ticket.description || null;
    case "ticketType":
      return ticket.ticketType;
    case "status":
      return ticket.status?.id ?? null;
    case "priority":
      return ticket.priority?.id ?? null;
    case "queue":
      return ticket.queue?.id ?? null;
    case "company":
      return ticket.company?.id ?? null;
    case "assignee":
      return ticket.assignee?.id ?? null;
    case "requester":
      return ticket.requester?.email?.toLowerCase() ?? null;
    default:
      return null;
  }
}

/** The display name of a field's value where the ticket has one (for messages and previews). */
export function displayField(ticket: Ticket, field: string): string | null {
  switch (field) {
    case "status":
      return ticket.status?.name ?? null;
    case "priority":
      return ticket.priority?.name ?? null;
    case "queue":
      return ticket.queue?.name ?? null;
    case "company":
      return ticket.company?.name ?? null;
    case "assignee":
      return ticket.assignee?.name ?? null;
    default:
      return readField(ticket, field);
  }
}

/** Sets `field` to `value` on a write. Null clears where the platform allows (text fields). */
export function writeField(write: TicketWrite, field: string, value: FieldValue): void {
  if (field.startsWith("customFields.")) {
    write.customFields = { ...(write.customFields ?? {}), [field.slice("customFields.".length)]: value };
    return;
  }
  if (!writable(field)) {
    // A ticket's type is where it is created (the receiving side's default), never a value to set.
    throw new SyncItemError("field_not_found", `${field} cannot be written: a mapping may read it, but a ticket's type is chosen by the receiving side's default ticket type.`);
  }
  if (value === null && !["title", "description"].includes(field)) return;
  switch (field) {
    case "title":
      write.title = value ?? "";
      return;
    case "description":
      write.description = value ?? "";
      return;
    case "status":
      write.statusId = value!;
      return;
    case "priority":
      write.priorityId = value!;
      return;
    case "queue":
      write.queueId = value!;
      return;
    case "company":
      write.companyId = value!;
      return;
    case "assignee":
      write.assigneeId = value!;
      return;
    case "requester":
      write.requester = { id: null, name: null, email: value };
      return;
  }
}

/** Canonical fields a mapping may write (ticketType may only be read). */
export const writable = (field: string): boolean => field !== "ticketType";

export type NotStored = { field: string; wrote: string; kept: string | null };

const text = (value: unknown): string | null => (value === undefined || value === null || value === "" ? null : String(value));

/** Two custom field values as equal as the platform's normal forms allow (5 and "5.0", two spellings of one date). */
function sameValue(wrote: string | null, kept: string | null): boolean {
  if (wrote === kept) return true;
  if (wrote === null || kept === null) return false;
  if (/^-?\d+(\.\d+)?$/.test(wrote) && /^-?\d+(\.\d+)?$/.test(kept)) return Number(wrote) === Number(kept);
  if (/^\d{4}-\d\d-\d\d/.test(wrote) && /^\d{4}-\d\d-\d\d/.test(kept)) return Date.parse(wrote) === Date.parse(kept);
  return wrote.trim() === kept.trim();
}

/**
 * The fields of `write` that `ticket` (the platform's answer to that write) does not hold as
 * written: a platform that ignores a field it may not write still answers 200. References match
 * by id or name (a queue or owner may be written by name); title, description and requester are
 * left out, as platforms legitimately reshape them (length limits, HTML, contact matching).
 */
export function notStored(write: TicketWrite, ticket: Ticket): NotStored[] {
  const out: NotStored[] = [];
  const ref = (field: string, wrote: string | undefined, kept: Ref | null) => {
    if (wrote === undefined || kept?.id === wrote || kept?.name === wrote) return;
    out.push({ field, wrote, kept: kept ? (kept.name && kept.name !== kept.id ? `${kept.name} (${kept.id})` : kept.id) : null });
  };
  ref("status", write.statusId, ticket.status);
  ref("priority", write.priorityId, ticket.priority);
  ref("queue", write.queueId, ticket.queue);
  ref("company", write.companyId, ticket.company);
  ref("assignee", write.assigneeId, ticket.assignee);
  for (const [key, value] of Object.entries(write.customFields ?? {})) {
    const wrote = text(value);
    const kept = key in ticket.customFields ? text(ticket.customFields[key]) : null;
    if (!sameValue(wrote, kept)) out.push({ field: `customFields.${key}`, wrote: wrote ?? "(empty)", kept: key in ticket.customFields ? kept : null });
  }
  if (write.partnerReference !== undefined && !sameValue(text(write.partnerReference), text(ticket.partnerReference))) {
    out.push({ field: "partnerReference", wrote: write.partnerReference, kept: ticket.partnerReference });
  }
  return out;
}

/** One sentence naming what was written and what the platform kept, for the run item. */
export function describeNotStored(side: string, dropped: NotStored[]): string {
  const parts = dropped.map((d) => `${d.field}: wrote "${d.wrote}", the ${side} kept ${d.kept === null ? "nothing" : `"${d.kept}"`}`);
  return `The ${side} platform accepted the write but did not store ${dropped.length === 1 ? "a field" : `${dropped.length} fields`} (${parts.join("; ")}). The value is not counted as synced and is written again on the next run.`;
}

/** A stable hash input for a set of field values (key order fixed). */
export function fingerprint(values: Record<string, FieldValue>): string {
  return JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
}
