// Reading and writing one canonical field, as a comparable string. References compare by id
// (names can be renamed), the requester by email, custom fields by their text form.
import type { Ticket, TicketWrite } from "../../connectors/canonical";

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

/** A stable hash input for a set of field values (key order fixed). */
export function fingerprint(values: Record<string, FieldValue>): string {
  return JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
}
