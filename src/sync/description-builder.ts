// The description written to a ticket created on the other side: the chosen source fields as
// `Label: value` lines in the chosen order, a separator line, then the original description.
// Pure, so the planner and the settings page's live preview render exactly the same text.
import type { Ticket } from "../connectors/canonical";
import type { ConnectionSettings } from "../schemas/connections";

const LABELS: Record<string, string> = {
  title: "Title",
  description: "Description",
  status: "Status",
  priority: "Priority",
  queue: "Queue",
  company: "Company",
  assignee: "Assignee",
  requester: "Requester",
  ticketType: "Ticket type",
};

const CUSTOM = "customFields.";

function requesterText(person: Ticket["requester"]): string | null {
  if (!person) return null;
  const name = person.name?.trim() || null;
  const email = person.email?.trim() || null;
  if (name && email) return `${name} <${email}>`;
  return name ?? email;
}

/** The field's value as one line of text, or null when it is empty. */
function valueOf(ticket: Ticket, field: string): string | null {
  let value: string | number | boolean | null | undefined;
  if (field.startsWith(CUSTOM)) value = ticket.customFields[field.slice(CUSTOM.length)];
  else if (field === "requester") value = requesterText(ticket.requester);
  else if (field === "status" || field === "priority" || field === "queue" || field === "company" || field === "assignee") value = ticket[field]?.name;
  else if (field === "title" || field === "description" || field === "ticketType") value = ticket[field];
  if (value === null || value === undefined) return null;
  const text = typeof value === "boolean" ? (value ? "Yes" : "No") : String(value);
  // A value spanning lines would break the `Label: value` layout.
  const line = text.replace(/\s*[\r\n]+\s*/g, " ").trim();
  return line || null;
}

/** A custom field is keyed by the platform's own id (ConnectWise's is a number): `labels` gives
 * the name people know it by, where the platform's field list has been read. */
export function labelOf(field: string, labels: Record<string, string> = {}): string {
  if (!field.startsWith(CUSTOM)) return LABELS[field] ?? field;
  const key = field.slice(CUSTOM.length);
  return labels[key] ?? key;
}

export function buildDescription(ticket: Ticket, config: ConnectionSettings["description"], labels: Record<string, string> = {}): string {
  const lines = [...new Set(config.fields)].flatMap((field) => {
    const value = valueOf(ticket, field);
    return value === null ? [] : [`${labelOf(field, labels)}: ${value}`];
  });
  if (!lines.length) return ticket.description;
  return [...lines, config.separator, ...(ticket.description ? [ticket.description] : [])].join("\n");
}

/** A ticket with every field empty: the base a partial sample ticket is laid over. */
export function emptyTicket(): Ticket {
  return {
    id: "",
    number: "",
    ticketType: "",
    title: "",
    description: "",
    status: null,
    priority: null,
    requester: null,
    company: null,
    queue: null,
    assignee: null,
    customFields: {},
    partnerReference: null,
    createdAt: "",
    updatedAt: "",
    updatedBy: null,
    closed: false,
    extra: {},
  };
}

/** A realistic ticket for the preview, so an admin sees every kind of line before saving. */
export function sampleTicket(): Ticket {
  return {
    ...emptyTicket(),
    id: "sample-1",
    number: "INC0012345",
    ticketType: "incident",
    title: "Printer on the 3rd floor shows Offline",
    description: "Since this morning nobody on the 3rd floor can print. The printer's display says \"Offline\"; restarting it did not help.",
    status: { id: "2", name: "In Progress" },
    priority: { id: "2", name: "High" },
    requester: { id: null, name: "Jane Doe", email: "jane.doe@contoso.example" },
    company: { id: "19", name: "Contoso Ltd" },
    queue: { id: "7", name: "Service Desk" },
    assignee: { id: "31", name: "Sam Taylor" },
    customFields: { Site: "London HQ", "Asset tag": "PRN-0042" },
    createdAt: "2026-11-23T09:12:00.000Z",
    updatedAt: "2026-11-23T09:40:00.000Z",
  };
}
