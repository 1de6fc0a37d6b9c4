// A canonical ticket for planning tests: plausible defaults, any field overridden.
import type { Ticket } from "../../src/connectors/canonical";

export function ticket(id: string, fields: Partial<Ticket> = {}): Ticket {
  return {
    id,
    number: `#${id}`,
    ticketType: "incident",
    title: `Ticket ${id}`,
    description: "Body",
    status: { id: "1", name: "New" },
    priority: { id: "3", name: "Moderate" },
    requester: { id: null, name: "Carol", email: "carol@acme.example" },
    company: null,
    queue: { id: "q1", name: "Service Desk" },
    assignee: null,
    customFields: {},
    partnerReference: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T10:00:00.000Z",
    updatedBy: null,
    closed: false,
    extra: {},
    ...fields,
  };
}
