// Requests to one platform account are shared by every connection that uses it, and some
// platforms cap them per account (Autotask: 10,000 an hour for the whole database, three threads
// per endpoint). Before each batch the engine reserves the calls it expects to make; a pacer that
// says "not yet" makes the run checkpoint and continue when the budget allows, instead of
// running into the platform's own limit (which, on Autotask, suspends the integration).
import type { ConnectorFacts } from "../../connectors/contract";

export type RateLimit = ConnectorFacts["rateLimit"];

export type Reservation = { accountId: string; holder: string; rateLimit: RateLimit; calls: number };

export interface Pacer {
  /** Reserves the calls, or answers how many milliseconds to wait before asking again. */
  reserve(reservation: Reservation): Promise<{ granted: true } | { granted: false; waitMs: number }>;
  /** The batch is over: its thread is free again. */
  release(reservation: Omit<Reservation, "calls">): Promise<void>;
}

/** A batch's estimate per ticket: read, write, comments, files, time entries, both sides. */
export const CALLS_PER_TICKET = 8;
