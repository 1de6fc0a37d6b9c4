// What a run looked at, in plain sentences: the window on each side, what each side listed and
// what the filters left out, then what to do when nothing was synced. "No tickets found to sync"
// is a normal state with advice, not an error: this is where it says why.
import type { ExclusionKind, RunScope, SideScope, StartSource } from "../../src/schemas/run-scope";

export type SideNames = { source: string; target: string };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "3 Dec 2026 14:05 UTC"; "3 Dec 2026" at midnight, as a start date is entered. */
export function humanTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0) return day;
  return `${day} ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")} UTC`;
}

/** Where the connection's start came from, said after the date. */
export const START_TEXT: Record<StartSource, string> = {
  requested: "the start date given for this run",
  settings: "the connection's start date in Settings",
  first_run: "the connection's start: where its first run began",
  default: "the last 30 days: no start date is set and the connection had not run before",
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const listed = (values: string[]) => (values.length ? ` (${values.join(", ")})` : "");

function exclusionText(kind: ExclusionKind, count: number, values: string[]): string {
  switch (kind) {
    case "queue":
      return `${count} on boards/queues not selected${listed(values)}`;
    case "ticket_type":
      return `${count} of a ticket type not synced${listed(values)}`;
    case "status":
      return `${count} with excluded status ${values.join(", ") || "(not named)"}`;
    case "field":
      return `${count} not matching the filter ${values.join("; ")}`;
    case "bidirectional_off":
      return `${count} not carried back because bi-directional creation is off`;
    case "bidirectional_filter":
      return `${count} not matching the bi-directional creation filter`;
    case "created_by_sync":
      return `${count} made by this sync from a source ticket whose link is gone (link the pair instead)`;
    case "unlinked":
      return `${count} of pairs that were unlinked`;
  }
}

/** "Looked for changes since … on X — 12 tickets listed, 12 excluded: 9 on boards not selected, …";
 * "Same window on Y…" when the side before read the same window. */
export function sideSentence(side: SideScope, name: string, start: RunScope["start"], sameAs?: SideScope): string {
  if (!side.since) return `Did not get to read ${name}.`;
  const window =
    sameAs && sameAs.since === side.since && sameAs.fromStart === side.fromStart
      ? `Same window on ${name}`
      : side.fromStart
        ? `Looked for tickets updated since ${humanTime(side.since)} (${START_TEXT[start.from]}) on ${name}`
        : `Looked for changes since ${humanTime(side.since)} (where the last run stopped) on ${name}`;
  const parts: string[] = [];
  if (side.listed === 0 && side.reread === 0) return `${window}: no ticket changed in that window.`;
  parts.push(`${plural(side.listed, "ticket")} listed`);
  if (side.alreadyHandled) parts.push(`${side.alreadyHandled} already handled by the previous run`);
  if (side.reread) parts.push(`${side.reread} read again (failed last time, or named by a webhook)`);
  const excluded = side.excluded.reduce((n, e) => n + e.count, 0);
  const why = side.excluded.map((e) => exclusionText(e.kind, e.count, e.values)).join(", ");
  return `${window} — ${parts.join(", ")}${excluded ? `, ${excluded} excluded: ${why}` : ""}.`;
}

/** Whether a run with this outcome should say what to do: it synced nothing, and did not fail. */
export function needsAdvice(run: { status: string; created: number; updated: number; closed: number }): boolean {
  return run.status !== "failed" && run.status !== "queued" && run.status !== "running" && run.created + run.updated + run.closed === 0;
}

export function RunScopeExplained({
  scope,
  names,
  connectionId,
  advise,
  canAdmin = true,
}: {
  scope: RunScope;
  names: SideNames;
  connectionId: string;
  advise: boolean;
  canAdmin?: boolean;
}) {
  const base = `/connections/${encodeURIComponent(connectionId)}`;
  const nothingListed = scope.source.listed + scope.target.listed + scope.source.reread + scope.target.reread === 0;
  const anyExcluded = scope.source.excluded.length + scope.target.excluded.length > 0;
  return (
    <div class="run-scope">
      <p>{sideSentence(scope.source, names.source, scope.start)}</p>
      <p>{sideSentence(scope.target, names.target, scope.start, scope.source)}</p>
      {advise ? (
        <p class="advice">
          <strong>What to do:</strong>{" "}
          {canAdmin ? (
            <>
              {nothingListed || !anyExcluded ? (
                <>
                  Pick a <a href={`${base}/sync#field-since`}>start date further back</a> for a run
                  {anyExcluded ? ", or " : ", or set the connection's start date in "}
                  {anyExcluded ? <>widen the filters in <a href={`${base}/settings`}>Settings</a></> : <a href={`${base}/settings#field-startDate`}>Settings</a>}.
                </>
              ) : (
                <>
                  Widen the filters in <a href={`${base}/settings`}>Settings</a>, or pick a <a href={`${base}/sync#field-since`}>start date further back</a>.
                </>
              )}{" "}
              If nothing changed in that window, there was simply nothing to sync.
            </>
          ) : (
            <>Ask an admin to pick a start date further back or to widen the filters. If nothing changed in that window, there was simply nothing to sync.</>
          )}
        </p>
      ) : null}
    </div>
  );
}
