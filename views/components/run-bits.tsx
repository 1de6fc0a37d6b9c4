// Small pieces every run view shares: a status badge in words, times, durations, counts and the
// progress bar of a run under way.

export const RUN_STATUS_TEXT: Record<string, string> = {
  queued: "Waiting to start",
  running: "Running",
  success: "Success",
  partial: "Partly failed",
  failed: "Failed",
  no_tickets: "No tickets found to sync",
};

export function RunStatus({ status }: { status: string }) {
  return <span class={`badge run-${status}`}>{RUN_STATUS_TEXT[status] ?? status}</span>;
}

export function When({ iso }: { iso: string | null }) {
  if (!iso) return <span class="muted">–</span>;
  return <time datetime={iso}>{iso.slice(0, 16).replace("T", " ")} UTC</time>;
}

/** "1 min 5 s", "42 s"; empty while unfinished. */
export function duration(startedAt: string, finishedAt: string | null): string {
  if (!finishedAt) return "";
  const seconds = Math.max(0, Math.round((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export type RunCountsShape = { created: number; updated: number; closed: number; skipped: number; failed: number };

export function RunCounts({ run }: { run: RunCountsShape }) {
  return (
    <span class="run-counts">
      {run.created} created · {run.updated} updated · {run.closed} closed · {run.skipped} skipped ·{" "}
      <span class={run.failed ? "bad" : undefined}>{run.failed} failed</span>
    </span>
  );
}

export const TRIGGER_TEXT: Record<string, string> = { manual: "Manual", automatic: "Automatic", webhook: "Webhook", retry: "Retry" };

/** The bar of a run under way: indeterminate until the run knows how many tickets it has. */
export function RunProgressBar({ run }: { run: { id: string; status: string; phase: string | null; ticketsDone: number; ticketsTotal: number | null } }) {
  const label = run.status === "queued" ? "Waiting to start" : run.ticketsTotal !== null ? `${run.phase ?? "Syncing"}: ${run.ticketsDone} of ${run.ticketsTotal} tickets` : (run.phase ?? "Starting");
  const id = `progress-${run.id}`;
  return (
    <div class="run-progress">
      <label for={id}>{label.charAt(0).toUpperCase() + label.slice(1)}</label>
      {run.ticketsTotal !== null ? <progress id={id} max={Math.max(run.ticketsTotal, 1)} value={run.ticketsDone}>{run.ticketsDone} of {run.ticketsTotal}</progress> : <progress id={id}>{label}</progress>}
    </div>
  );
}
