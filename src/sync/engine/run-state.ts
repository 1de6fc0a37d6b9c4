// A run's checkpoint: where reading stopped, the cursors being built, and the tickets still to
// handle. It outlives the invocation that wrote it, so a run cut off by its budget, an eviction or
// a deploy resumes from here; the engine's idempotency makes redoing the last batch harmless.
import type { Ticket } from "../../connectors/canonical";
import type { RunScope } from "../../schemas/run-scope";
import type { Cursor } from "./change-cursor";
import type { RunRequest } from "./run-request";
import type { Side } from "./types";

export type RunPhase = "reading" | "applying" | "finishing";

export type RunState = {
  request: RunRequest & { runId: string };
  phase: RunPhase;
  startedAt: string;
  /** Where a side with no cursor yet (or every side of a full resync) starts listing: the
   * connection's start, settled in the run's first chunk (start-date.ts). */
  firstRunSince: string;
  /** What the run looked at and what the filters left out, counted as it goes (run-scope.ts).
   * Absent in checkpoints written before runs kept it. */
  scope?: RunScope;
  /** Where listing goes on: side, which of its synced ticket types, the vendor's page cursor;
   * failed tries of the current page; re-reads by id done. */
  reading: { side: Side; typeIndex: number; pageCursor: string | null; since: string; listedAt: number | null; failures?: number; reread?: number };
  /** The stored cursor each side started from (it decides what is new) and the one being built;
   * read with the connection in the run's first chunk. */
  cursors: Record<Side, { from: Cursor; next: Cursor }>;
  cursorsLoaded?: boolean;
  /** Whether the run has its row in the history yet (automatic runs get one once they find work). */
  recorded?: boolean;
  /** Tickets whose sync failed in this run, re-read by id next run. */
  retry: Record<Side, string[]>;
  done: number;
  total: number;
  /** Invocations this run has taken so far. */
  chunks: number;
};

export type WorkItem = { side: Side; ticket: Ticket };

/** The tickets a run still has to handle, keyed by side and id (a ticket listed twice is kept once). */
export interface WorkStore {
  loadState(): Promise<RunState | null>;
  saveState(state: RunState): Promise<void>;
  add(side: Side, tickets: Ticket[]): Promise<void>;
  /** Which of these ids are waiting. */
  waiting(side: Side, ids: string[]): Promise<Set<string>>;
  /** The oldest waiting items, left in place until `remove`. */
  peek(limit: number): Promise<WorkItem[]>;
  /** Waiting items by id (to keep a pair's two tickets in one batch). */
  byIds(side: Side, ids: string[]): Promise<WorkItem[]>;
  remove(items: { side: Side; id: string }[]): Promise<void>;
  count(): Promise<number>;
  /** Forgets the run: state and work. */
  clear(): Promise<void>;
}

/** For runs carried out in one go (tests, dry runs): the same contract, in memory. */
export class MemoryWorkStore implements WorkStore {
  private state: RunState | null = null;
  private readonly items = new Map<string, WorkItem>();
  async loadState() {
    return this.state ? structuredClone(this.state) : null;
  }
  async saveState(state: RunState) {
    this.state = structuredClone(state);
  }
  async add(side: Side, tickets: Ticket[]) {
    for (const ticket of tickets) {
      const key = `${side}:${ticket.id}`;
      // A re-listed ticket keeps its place in the queue but takes the newer copy.
      this.items.set(key, { side, ticket });
    }
  }
  async waiting(side: Side, ids: string[]) {
    return new Set(ids.filter((id) => this.items.has(`${side}:${id}`)));
  }
  async peek(limit: number) {
    return [...this.items.values()].slice(0, limit);
  }
  async byIds(side: Side, ids: string[]) {
    return ids.map((id) => this.items.get(`${side}:${id}`)).filter((i): i is WorkItem => i !== undefined);
  }
  async remove(items: { side: Side; id: string }[]) {
    for (const i of items) this.items.delete(`${i.side}:${i.id}`);
  }
  async count() {
    return this.items.size;
  }
  async clear() {
    this.state = null;
    this.items.clear();
  }
}
