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

const DAY_MS = 86_400_000;

/** An instant as UTC ISO, or null when the text is not one (a value that cannot be read is
 * passed over for the next rule rather than failing the run). */
function instant(text: string | null | undefined, minusDays = 0): string | null {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? null : new Date(ms - minusDays * DAY_MS).toISOString();
}

export function resolveStart(facts: StartFacts, now = Date.now()): { since: string; from: StartSource } {
  const requested = instant(facts.requested);
  if (requested) return { since: requested, from: "requested" };
  const settings = instant(facts.settings ? `${facts.settings}T00:00:00.000Z` : null);
  if (settings) return { since: settings, from: "settings" };
  const firstRun = facts.firstRun ? (instant(facts.firstRun.since) ?? instant(facts.firstRun.startedAt, DEFAULT_FIRST_RUN_DAYS)) : null;
  if (firstRun) return { since: firstRun, from: "first_run" };
  return { since: new Date(now - DEFAULT_FIRST_RUN_DAYS * DAY_MS).toISOString(), from: "default" };
}
