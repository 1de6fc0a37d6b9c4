// The reading phase of a run, one step at a time: a page of one side's changes, or the tickets
// to re-read by id (failed last time, or named by a webhook). Each step adds what it found to the
// run's work and moves the checkpoint on, so a run can stop between any two steps and go on.
import type { Ticket } from "../../connectors/canonical";
import { ConnectorError } from "../../connectors/errors";
import { accumulate, listSince, settle, unseen } from "./change-cursor";
import type { ConnectionContext } from "./load-connection";
import type { RunState, WorkStore } from "./run-state";

/** Reads the next page (or the re-reads) and records where reading stands. */
export async function readStep(context: ConnectionContext, state: RunState, store: WorkStore): Promise<void> {
  const { side } = state.reading;
  const { client } = context.sides[side];
  const types = client.syncedTicketTypes();
  const cursor = state.cursors[side];
  if (state.reading.typeIndex < types.length) {
    state.reading.listedAt ??= Date.now();
    const page = await client.listChanged({ since: state.reading.since, cursor: state.reading.pageCursor, ticketType: types[state.reading.typeIndex]! });
    await store.add(side, unseen(cursor.from, page.tickets));
    cursor.next = accumulate(cursor.next, page.tickets, state.reading.listedAt);
    state.reading.pageCursor = page.nextCursor;
    if (!page.nextCursor) state.reading.typeIndex++;
    return;
  }
  const hinted = (state.request.hints ?? []).filter((h) => h.side === side).map((h) => h.ticketId);
  const reread = [...new Set([...cursor.from.retry, ...hinted])];
  const listed = await store.waiting(side, reread);
  await store.add(side, await readByIds(context, side, reread.filter((id) => !listed.has(id))));
  cursor.next = { ...settle(cursor.next), retry: [] };
  if (side === "source") {
    state.reading = { side: "target", typeIndex: 0, pageCursor: null, since: listSince(state.cursors.target.from, state.firstRunSince), listedAt: null };
  } else {
    state.phase = "applying";
    state.total = await store.count();
  }
}

/**
 * Tickets read by id. A hint or a retry does not say which of the side's ticket types (a
 * ServiceNow table, say) the ticket is, so each synced type is tried in turn; one found under
 * none was deleted since and is no longer anyone's problem.
 */
async function readByIds(context: ConnectionContext, side: "source" | "target", ids: string[]): Promise<Ticket[]> {
  const { client } = context.sides[side];
  const tickets: Ticket[] = [];
  for (const id of ids) {
    for (const ticketType of client.syncedTicketTypes()) {
      try {
        tickets.push(await client.getTicket(id, ticketType));
        break;
      } catch (err) {
        if (!(err instanceof ConnectorError && err.kind === "not_found")) throw err;
      }
    }
  }
  return tickets;
}
