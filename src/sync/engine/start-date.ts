// Where a connection's reading starts when a side has no cursor yet, or a full resync reads
// everything again: the connection's own start, never a silent "last 30 days" once it has one.
import type { StartSource } from "../../schemas/run-scope";

/** Only for a connection that has never run and has no start date anywhere. */
export const DEFAULT_FIRST_RUN_DAYS = 30;

export type StartFacts = {
  /** The start date given for this run (the form's or the API's `since`). */
  requested?: string | null | undefined;
  /** The start date in the connection's Settings (a UTC day, `YYYY-MM-DD`). */
  settings?: string | null | undefined;
  /** The connection's first finished run: the start it used, or (recorded before runs kept it)
   * when it started, which then means the 30 days before. */
  firstRun?: { since: string | null; startedAt: string } | null | undefined;
};

const daysBefore = (ms: number, days: number) => new Date(ms - days * 86_400_000).toISOString();

export function resolveStart(facts: StartFacts, now = Date.now()): { since: string; from: StartSource } {
  if (facts.requested) return { since: new Date(facts.requested).toISOString(), from: "requested" };
  if (facts.settings) return { since: `${facts.settings}T00:00:00.000Z`, from: "settings" };
  if (facts.firstRun) {
    const since = facts.firstRun.since ?? daysBefore(Date.parse(facts.firstRun.startedAt), DEFAULT_FIRST_RUN_DAYS);
    return { since: new Date(since).toISOString(), from: "first_run" };
  }
  return { since: daysBefore(now, DEFAULT_FIRST_RUN_DAYS), from: "default" };
}
