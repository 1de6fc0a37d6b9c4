import type { Ticket } from "../../connectors/canonical";
import type { ConnectorClient } from "../../connectors/contract";

/** Every ticket updated since `since`, across the account's synced ticket types, page by page. */
export async function listChangedSince(client: ConnectorClient, since: string): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  for (const ticketType of client.syncedTicketTypes()) {
    let cursor: string | null = null;
    do {
      const page = await client.listChanged({ since, cursor, ticketType });
      tickets.push(...page.tickets);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return tickets;
}
