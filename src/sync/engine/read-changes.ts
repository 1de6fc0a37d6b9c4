// The reading phase of a run, one step at a time: a page of one side's changes, or a slice of the
// tickets to re-read by id (failed last time, or named by a webhook). Each step adds what it found
// to the run's work and moves the checkpoint on, so a run can stop between any two steps and go on.
//
// Reading is where one failed call used to cost a whole run: a page that could not be read threw
// the run away, and at a few percent of failing calls a large backlog never finished. Now a page
// that fails in a passing way is read again after a pause (the run is checkpointed, so the pause
// costs nothing but time), and a ticket that cannot be re-read by id waits for the next run.
import type { Ticket } from "../../connectors/canonical";
import { ConnectorError } from "../../connectors/errors";
import { accumulate, listSince, settle, unseen } from "./change-cursor";
import type { ConnectionContext } from "./load-connection";
import { countListed, startSide } from "./run-scope";
import type { RunState, WorkStore } from "./run-state";
import type { Side } from "./types";

/** A page that keeps failing fails the run after this many tries (about a minute of backoff). */
export const READ_ATTEMPTS = 7;
/** Tickets re-read by id in one step, so a long retry list spreads over several invocations. */
const REREAD_SLICE = 25;

/** What a step asks of the run: nothing, or to pause before the same step is tried again. */
export type ReadOutcome = { retryInMs: number } | null;

/** Reads the next page (or the next re-reads) and records where reading stands. */
export async function readStep(context: ConnectionContext, state: RunState, store: WorkStore): Promise<ReadOutcome> {
  const { side } = state.reading;
  const { client } = context.sides[side];
  const types = client.syncedTicketTypes();
  const cursor = state.cursors[side];
  if (state.reading.typeIndex < types.length) {
    state.reading.listedAt ??= Date.now();
    let page: Awaited<ReturnType<typeof client.listChanged>>;
    try {
      page = await client.listChanged({ since: state.reading.since, cursor: state.reading.pageCursor, ticketType: types[state.reading.typeIndex]! });
    } catch (err) {
      return readFailed(state, err);
    }
    state.reading.failures = 0;
    const fresh = unseen(cursor.from, page.tickets);
    if (state.scope) countListed(state.scope, side, page.tickets.length, fresh.length);
    await store.add(side, fresh);
    state.retry[side].push(...(page.unread ?? []));
    cursor.next = accumulate(cursor.next, page.tickets, state.reading.listedAt);
    state.reading.pageCursor = page.nextCursor;
    if (!page.nextCursor) state.reading.typeIndex++;
    return null;
  }
  const hinted = (state.request.hints ?? []).filter((h) => h.side === side).map((h) => h.ticketId);
  const reread = [...new Set([...cursor.from.retry, ...hinted])];
  const done = state.reading.reread ?? 0;
  const slice = reread.slice(done, done + REREAD_SLICE);
  const listed = await store.waiting(side, slice);
  const read = await readByIds(context, side, slice.filter((id) => !listed.has(id)));
  await store.add(side, read.tickets);
  if (state.scope) state.scope[side].reread += read.tickets.length;
  state.retry[side].push(...read.unread);
  state.reading.reread = done + slice.length;
  if (state.reading.reread < reread.length) return null;
  cursor.next = { ...settle(cursor.next), retry: [] };
  if (side === "source") {
    state.reading = { side: "target", typeIndex: 0, pageCursor: null, since: listSince(state.cursors.target.from, state.firstRunSince), listedAt: null };
    if (state.scope) startSide(state.scope, "target", state.reading.since, !state.cursors.target.from.watermark);
  } else {
    state.phase = "applying";
    state.total = await store.count();
  }
  return null;
}

/** How long to wait before trying a failed read again, or null when waiting will not help. */
function retryDelay(err: unknown, failures: number): number | null {
  if (!(err instanceof ConnectorError)) return null;
  if (err.kind === "rate_limited") return Math.max(1_000, (err.details.retryAfterSeconds ?? 30) * 1_000);
  // A server error, a timeout, a cut connection, or a body that did not parse: a read is safe to
  // repeat, and such answers pass. Backoff doubles from half a second.
  if (err.kind === "transient" || err.kind === "invalid_response") return Math.min(30_000, 500 * 2 ** (failures - 1));
  return null;
}

function readFailed(state: RunState, err: unknown): ReadOutcome {
  const failures = (state.reading.failures ?? 0) + 1;
  const delay = retryDelay(err, failures);
  if (delay === null || failures >= READ_ATTEMPTS) throw err;
  state.reading.failures = failures;
  return { retryInMs: delay };
}

/**
 * Tickets read by id. A hint or a retry does not say which of the side's ticket types (a
 * ServiceNow table, say) the ticket is, so each synced type is tried in turn; one found under
 * none was deleted since and is no longer anyone's problem. One that cannot be read now is kept
 * for the next run's re-reads; only a refusal of our credentials stops the run.
 */
async function readByIds(context: ConnectionContext, side: Side, ids: string[]): Promise<{ tickets: Ticket[]; unread: string[] }> {
  const { client } = context.sides[side];
  const tickets: Ticket[] = [];
  const unread: string[] = [];
  for (const id of ids) {
    try {
      for (const ticketType of client.syncedTicketTypes()) {
        try {
          tickets.push(await client.getTicket(id, ticketType));
          break;
        } catch (err) {
          if (!(err instanceof ConnectorError && err.kind === "not_found")) throw err;
        }
      }
    } catch (err) {
      if (err instanceof ConnectorError && (err.kind === "auth" || err.kind === "permission")) throw err;
      unread.push(id);
    }
  }
  return { tickets, unread };
}
