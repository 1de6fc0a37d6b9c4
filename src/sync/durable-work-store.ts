// The run checkpoint kept in the connection's Durable Object: the state under one key, the
// tickets still to handle in a SQLite table of the object's own storage (a large backlog would
// not fit one value, and the table lets a batch take a pair's other half by id).
import type { Ticket } from "../connectors/canonical";
import { chunks } from "../lib/chunks";
import type { RunState, WorkItem, WorkStore } from "./engine/run-state";
import type { Side } from "./engine/types";

const STATE_KEY = "run";
/** Durable Object SQL takes at most 100 bound parameters per statement. */
const IDS_PER_QUERY = 90;

export class DurableWorkStore implements WorkStore {
  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS run_work (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         side TEXT NOT NULL,
         ticket_id TEXT NOT NULL,
         ticket TEXT NOT NULL,
         UNIQUE (side, ticket_id)
       )`,
    ).toArray();
  }

  async loadState() {
    return (await this.storage.get<RunState>(STATE_KEY)) ?? null;
  }

  async saveState(state: RunState) {
    await this.storage.put(STATE_KEY, state);
  }

  async add(side: Side, tickets: Ticket[]) {
    for (const ticket of tickets) {
      this.storage.sql.exec(
        "INSERT INTO run_work (side, ticket_id, ticket) VALUES (?, ?, ?) ON CONFLICT (side, ticket_id) DO UPDATE SET ticket = excluded.ticket",
        side,
        ticket.id,
        JSON.stringify(ticket),
      ).toArray();
    }
  }

  async waiting(side: Side, ids: string[]) {
    const found = new Set<string>();
    for (const chunk of chunks(ids, IDS_PER_QUERY)) {
      const rows = this.storage.sql.exec<{ ticket_id: string }>(`SELECT ticket_id FROM run_work WHERE side = ? AND ticket_id IN (${chunk.map(() => "?").join(",")})`, side, ...chunk);
      for (const row of rows) found.add(row.ticket_id);
    }
    return found;
  }

  async peek(limit: number) {
    return this.storage.sql.exec<{ side: Side; ticket: string }>("SELECT side, ticket FROM run_work ORDER BY seq LIMIT ?", limit).toArray().map(toItem);
  }

  async byIds(side: Side, ids: string[]) {
    const items: WorkItem[] = [];
    for (const chunk of chunks(ids, IDS_PER_QUERY)) {
      const rows = this.storage.sql.exec<{ side: Side; ticket: string }>(`SELECT side, ticket FROM run_work WHERE side = ? AND ticket_id IN (${chunk.map(() => "?").join(",")})`, side, ...chunk);
      items.push(...rows.toArray().map(toItem));
    }
    return items;
  }

  async remove(items: { side: Side; id: string }[]) {
    for (const item of items) this.storage.sql.exec("DELETE FROM run_work WHERE side = ? AND ticket_id = ?", item.side, item.id).toArray();
  }

  async count() {
    return this.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM run_work").one().n;
  }

  async clear() {
    this.storage.sql.exec("DELETE FROM run_work").toArray();
    await this.storage.delete(STATE_KEY);
  }
}

const toItem = (row: { side: Side; ticket: string }): WorkItem => ({ side: row.side, ticket: JSON.parse(row.ticket) as Ticket });
