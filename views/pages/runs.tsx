// Sync history: runs newest first, filtered by connection, status and period, a page at a time.
import type { FieldErrors } from "../components/form";
import { ConnectionTabs } from "../components/connection-tabs";
import { duration, RunCounts, RunStatus, TRIGGER_TEXT, When, RUN_STATUS_TEXT } from "../components/run-bits";

export type RunRow = {
  id: string;
  connectionId: string;
  mode: string;
  trigger: string;
  dryRun: boolean;
  status: string;
  created: number;
  updated: number;
  closed: number;
  skipped: number;
  failed: number;
  startedAt: string;
  finishedAt: string | null;
};

export const PERIODS = { "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days", all: "All time" } as const;
export type Period = keyof typeof PERIODS;
export type RunFilters = { connection?: string | undefined; status?: string | undefined; period: Period };

function query(filters: RunFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (filters.connection) params.set("connection", filters.connection);
  if (filters.status) params.set("status", filters.status);
  if (filters.period !== "7d") params.set("period", filters.period);
  if (cursor) params.set("cursor", cursor);
  const text = params.toString();
  return text ? `?${text}` : "";
}

function FilterSelect({ name, label, value, options, errors }: { name: string; label: string; value: string; options: [string, string][]; errors: FieldErrors }) {
  const id = `filter-${name}`;
  const error = errors[name];
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      <select id={id} name={name} aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {options.map(([v, text]) => (
          <option value={v} selected={v === value}>{text}</option>
        ))}
      </select>
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function RunsPage({
  runs,
  nextCursor,
  filters,
  connections,
  current,
  paged = false,
  errors = {},
}: {
  runs: RunRow[];
  nextCursor: string | null;
  /** This is a later page: offer the way back to the newest runs. */
  paged?: boolean;
  filters: RunFilters;
  connections: { id: string; name: string }[];
  /** The connection the history is narrowed to, shown with its tabs. */
  current?: { id: string; name: string } | undefined;
  errors?: FieldErrors;
}) {
  const names = new Map(connections.map((c) => [c.id, c.name]));
  return (
    <section>
      {current ? (
        <>
          <h1>{current.name}</h1>
          <ConnectionTabs connectionId={current.id} active="history" />
          <h2>Sync history</h2>
        </>
      ) : (
        <h1>Sync history</h1>
      )}
      <form method="get" action="/runs" class="filters" role="search" aria-label="Filter runs">
        <FilterSelect name="connection" label="Connection" value={filters.connection ?? ""} options={[["", "All connections"], ...connections.map((c): [string, string] => [c.id, c.name])]} errors={errors} />
        <FilterSelect name="status" label="Status" value={filters.status ?? ""} options={[["", "Any status"], ...Object.entries(RUN_STATUS_TEXT)]} errors={errors} />
        <FilterSelect name="period" label="Period" value={filters.period} options={Object.entries(PERIODS)} errors={errors} />
        <button type="submit">Filter</button>
      </form>
      {runs.length === 0 ? (
        <div class="card">
          <p>No runs match. {filters.period !== "all" ? <a href={`/runs${query({ ...filters, period: "all" })}`}>Look over all time</a> : null}</p>
        </div>
      ) : (
        <table class="table runs">
          <caption class="visually-hidden">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              {current ? null : <th scope="col">Connection</th>}
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Tickets</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr class={r.status === "failed" || r.failed ? "row-failed" : undefined}>
                <td><a href={`/runs/${r.id}`}><When iso={r.startedAt} /></a></td>
                {current ? null : <td><a href={`/connections/${r.connectionId}`}>{names.get(r.connectionId) ?? r.connectionId}</a></td>}
                <td>{TRIGGER_TEXT[r.trigger] ?? r.trigger} · {r.mode === "full" ? "full resync" : "quick"}{r.dryRun ? " · dry run" : ""}</td>
                <td><RunStatus status={r.status} /></td>
                <td><RunCounts run={r} /></td>
                <td>{duration(r.startedAt, r.finishedAt) || <span class="muted">under way</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {paged ? <a href={`/runs${query(filters)}`}>← Newest runs</a> : null}
        {nextCursor ? <a href={`/runs${query(filters, nextCursor)}`} rel="next">Older runs →</a> : null}
      </nav>
    </section>
  );
}
