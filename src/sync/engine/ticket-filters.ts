// Which tickets are eligible on a side: boards/queues/groups, types, excluded statuses and an
// optional condition on one field. A reason is returned so a skipped item says why.
import type { Ticket } from "../../connectors/canonical";
import type { SideSettings } from "../../schemas/connections";
import type { ExclusionKind } from "../../schemas/run-scope";
import { displayField, readField } from "./field-access";

type FieldFilter = NonNullable<SideSettings["filters"]["field"]>;

export function fieldFilterPasses(ticket: Ticket, filter: FieldFilter): boolean {
  const value = (readField(ticket, filter.field) ?? "").toLowerCase();
  const display = (displayField(ticket, filter.field) ?? "").toLowerCase();
  const wanted = filter.value.toLowerCase();
  switch (filter.operator) {
    case "equals":
      return value === wanted || display === wanted;
    case "not_equals":
      return value !== wanted && display !== wanted;
    case "contains":
      return value.includes(wanted) || display.includes(wanted);
    case "not_contains":
      return !value.includes(wanted) && !display.includes(wanted);
  }
}

/** Null when the ticket may be synced from this side, else which filter left it out and why. */
export function filteredOut(ticket: Ticket, filters: SideSettings["filters"]): { kind: ExclusionKind; value: string | null; reason: string } | null {
  if (filters.queueIds.length && !filters.queueIds.includes(ticket.queue?.id ?? "")) {
    const name = ticket.queue?.name ?? "none";
    return { kind: "queue", value: name, reason: `its board/queue "${name}" is not among the synced ones` };
  }
  if (filters.ticketTypes.length && !filters.ticketTypes.includes(ticket.ticketType)) return { kind: "ticket_type", value: ticket.ticketType, reason: `its type "${ticket.ticketType}" is not synced` };
  if (ticket.status && filters.excludedStatusIds.includes(ticket.status.id)) return { kind: "status", value: ticket.status.name, reason: `its status "${ticket.status.name}" is excluded` };
  if (filters.field && !fieldFilterPasses(ticket, filters.field)) {
    const condition = `${filters.field.field} ${filters.field.operator.replace("_", " ")} "${filters.field.value}"`;
    return { kind: "field", value: condition, reason: `it does not match the filter ${condition}` };
  }
  return null;
}
