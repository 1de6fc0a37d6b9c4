// The Sync page of a connection: where syncing stands (polled while a run goes, with its
// progress bar), automatic sync with the reason it cannot be switched on, pause and resume, and
// the manual sync form with its start date, quick or full, and dry run with the plan shown.
import type { Principal } from "../../src/auth/principal";
import type { ConnectionView } from "../../src/schemas/connection-views";
import type { SyncStatusView } from "../../src/services/sync-status";
import { ConnectionTabs } from "../components/connection-tabs";
import { CsrfField, Field, FormError, type FieldErrors } from "../components/form";
import { duration, RunCounts, RunProgressBar, RunStatus, When } from "../components/run-bits";
import { humanTime, needsAdvice, RunScopeExplained, START_TEXT, type SideNames } from "../components/run-scope";
import type { ManualWindows, RunScope } from "../../src/schemas/run-scope";

export type PlanEntry = { action: string; side: "source" | "target"; ticket: string; detail: string };

const base = (id: string) => `/connections/${encodeURIComponent(id)}/sync`;

/** The state card. While a run waits or goes it asks for itself again every second. */
export function SyncStateCard({ principal, connection, status, csrf, names }: { principal: Principal; connection: ConnectionView; status: SyncStatusView; csrf: string; names: SideNames }) {
  const canAdmin = principal.role !== "viewer";
  const poll = status.activeRun ? { "hx-get": `${base(connection.id)}/status`, "hx-trigger": "every 1s", "hx-swap": "outerHTML" } : {};
  const blocked = status.automaticBlockedBy;
  return (
    <div id="sync-state" class="card" {...poll}>
      <h2>
        Status: <span class={`sync-state sync-state-${status.state}`}>{status.label}</span>
      </h2>
      <div aria-live="polite">
        {status.activeRun ? (
          <div class="active-run">
            <RunProgressBar run={status.activeRun} />
            <p class="help">
              <a href={`/runs/${status.activeRun.id}`}>Follow this run</a> · started <When iso={status.activeRun.startedAt} />
            </p>
          </div>
        ) : null}
        {status.lastRun ? (
          <p>
            Last run: <RunStatus status={status.lastRun.status} /> <When iso={status.lastRun.finishedAt ?? status.lastRun.startedAt} />
            {status.lastRun.finishedAt ? ` (${duration(status.lastRun.startedAt, status.lastRun.finishedAt)})` : ""} · <RunCounts run={status.lastRun} /> ·{" "}
            <a href={`/runs/${status.lastRun.id}`}>See what it did</a>
            {status.lastRun.errorMessage ? <span class="bad block">{status.lastRun.errorMessage}</span> : null}
          </p>
        ) : (
          <p class="muted">No run yet.</p>
        )}
        {status.lastRun?.scope && needsAdvice(status.lastRun) ? (
          <RunScopeExplained scope={status.lastRun.scope} names={names} connectionId={connection.id} advise canAdmin={canAdmin} />
        ) : null}
        {status.lastCheckedAt && (!status.lastRun || status.lastCheckedAt > (status.lastRun.finishedAt ?? status.lastRun.startedAt)) ? (
          <p class="help">
            Last checked for changes <When iso={status.lastCheckedAt} />: nothing to sync.
          </p>
        ) : null}
      </div>
      <h3>Automatic sync</h3>
      <p>
        {status.state === "billing_required" ? "On, but stopped for billing" : status.automaticEnabled ? "On: this connection syncs every 5 minutes" : "Off"}
        {status.state === "paused" ? " (paused: nothing runs until you resume)" : ""}.
        {status.billingOrganisation ? (
          <span class="help block" id="billing-organisation">
            Paid for by {status.billingOrganisation.yours ? "your organisation" : status.billingOrganisation.name}: the organisation that switched automatic sync on.
          </span>
        ) : null}
      </p>
      {status.automaticEnabled || status.lastAutomaticCheckAt ? (
        <p class="help" id="automatic-checks">
          Last automatic check: {status.lastAutomaticCheckAt ? <When iso={status.lastAutomaticCheckAt} /> : "none yet"}
          {status.nextAutomaticCheckAt ? (
            <>
              {" "}
              · next: <When iso={status.nextAutomaticCheckAt} />
            </>
          ) : null}
        </p>
      ) : null}
      {blocked ? (
        <p class={status.automaticEnabled ? "warning" : "help"} id="automatic-blocked" data-code={blocked.code}>
          {status.automaticEnabled ? blocked.message : `Cannot be switched on yet: ${blocked.message}`}
        </p>
      ) : null}
      {canAdmin ? (
        <div class="button-row">
          <form method="post" action={`${base(connection.id)}/automatic`}>
            <CsrfField token={csrf} />
            <input type="hidden" name="enabled" value={status.automaticEnabled ? "false" : "true"} />
            <button type="submit" class={status.automaticEnabled ? undefined : "primary"} disabled={!status.automaticEnabled && blocked !== null} aria-describedby={blocked ? "automatic-blocked" : undefined}>
              {status.automaticEnabled ? "Switch automatic sync off" : "Switch automatic sync on"}
            </button>
          </form>
          {connection.status === "pending" ? null : (
            <form method="post" action={`${base(connection.id)}/${connection.status === "paused" ? "resume" : "pause"}`}>
              <CsrfField token={csrf} />
              <button type="submit">{connection.status === "paused" ? "Resume" : "Pause"}</button>
            </form>
          )}
        </div>
      ) : null}
    </div>
  );
}

export type ManualFormValues = { since?: string | undefined; mode?: string | undefined };

function ManualSyncCard({
  connection,
  status,
  csrf,
  values,
  errors,
  message,
}: {
  connection: ConnectionView;
  status: SyncStatusView;
  csrf: string;
  values: ManualFormValues;
  errors: FieldErrors;
  message?: string | undefined;
}) {
  const mode = values.mode ?? "quick";
  return (
    <div class="card">
      <h2>Manual sync</h2>
      <FormError message={message} />
      {status.nextManualRunAt ? (
        <p class="flash flash-info" role="status">
          A manual sync ran moments ago. The next is allowed in{" "}
          <span data-countdown-to={status.nextManualRunAt}>{Math.max(1, Math.ceil((Date.parse(status.nextManualRunAt) - Date.now()) / 1000))} s</span> (at{" "}
          <When iso={status.nextManualRunAt} />
          ).
        </p>
      ) : null}
      <form method="post" action={`${base(connection.id)}/run`}>
        <CsrfField token={csrf} />
        <fieldset class={errors["mode"] ? "field-invalid" : undefined}>
          <legend>Kind of run</legend>
          <label class="radio">
            <input type="radio" name="mode" value="quick" checked={mode === "quick"} /> <QuickWindow windows={status.manualWindows} />
          </label>
          <label class="radio">
            <input type="radio" name="mode" value="full" checked={mode === "full"} /> <FullWindow windows={status.manualWindows} />
          </label>
          {errors["mode"] ? <p class="field-error">{errors["mode"]}</p> : null}
        </fieldset>
        <Field
          name="since"
          label="Start date for this run (optional)"
          type="date"
          value={values.since}
          errors={errors}
          help={
            status.manualWindows.full.from === "default"
              ? "Replaces the connection's start for this run (UTC day). Without one, a connection that has never run reads the last 30 days: set a start date here or in Settings to go further back."
              : "Replaces the connection's start for this run (UTC day): where a full resync, or a side never read yet, starts. Leave it empty to use the windows above."
          }
        />
        <div class="button-row">
          <button type="submit" class="primary" name="dryRun" value="false" disabled={connection.status !== "active"}>
            Start sync
          </button>
          <button type="submit" name="dryRun" value="true" disabled={connection.status === "pending"}>
            Dry run
          </button>
        </div>
        <p class="help">A dry run shows what a run would create, update and close, and writes nothing.</p>
      </form>
    </div>
  );
}

/** "Quick sync: changes since the last run (4 Dec 2026 10:15 UTC)", or where a first run starts. */
function QuickWindow({ windows }: { windows: ManualWindows }) {
  const { quick } = windows;
  if (quick.lastRunAt) return <span id="quick-window"><strong>Quick sync:</strong> changes since the last run ({humanTime(quick.lastRunAt)})</span>;
  return (
    <span id="quick-window">
      <strong>Quick sync:</strong> a first run: tickets updated since {humanTime(quick.since)} ({START_TEXT[quick.from]})
    </span>
  );
}

/** "Full resync: every eligible ticket updated since 1 Nov 2026 (the connection's start…)". */
function FullWindow({ windows }: { windows: ManualWindows }) {
  return (
    <span id="full-window">
      <strong>Full resync:</strong> every eligible ticket updated since {humanTime(windows.full.since)} ({START_TEXT[windows.full.from]}), re-read, with links and fields repaired (no duplicates)
    </span>
  );
}

export function DryRunPlan({ plan, scope, names, connectionId }: { plan: PlanEntry[]; scope?: RunScope | null | undefined; names: SideNames; connectionId: string }) {
  const totals = plan.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.action]: (acc[p.action] ?? 0) + 1 }), {});
  return (
    <div class="card" id="dry-run-plan">
      <h2>Dry run: what a sync would do now</h2>
      {scope ? <RunScopeExplained scope={scope} names={names} connectionId={connectionId} advise={!plan.some((p) => p.action !== "skip")} /> : null}
      {plan.length === 0 ? (
        <p>Nothing to create, update or close.</p>
      ) : (
        <>
          <p>
            {Object.entries(totals)
              .map(([action, n]) => `${n} to ${action}`)
              .join(", ")}
            . Nothing was written.
          </p>
          <table class="table">
            <thead>
              <tr><th scope="col">Action</th><th scope="col">On</th><th scope="col">Ticket</th><th scope="col">Detail</th></tr>
            </thead>
            <tbody>
              {plan.map((p) => (
                <tr class={p.action === "fail" ? "row-failed" : undefined}>
                  <td>{p.action}</td>
                  <td>{p.side}</td>
                  <td>{p.ticket}</td>
                  <td>{p.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

export function ConnectionSyncPage(props: {
  principal: Principal;
  connection: ConnectionView;
  status: SyncStatusView;
  csrf: string;
  plan?: PlanEntry[] | undefined;
  scope?: RunScope | null | undefined;
  names: SideNames;
  values?: ManualFormValues;
  errors?: FieldErrors;
  message?: string | undefined;
}) {
  const { principal, connection, status, csrf, plan } = props;
  return (
    <section>
      <h1>{connection.name}</h1>
      <ConnectionTabs connectionId={connection.id} active="sync" />
      <SyncStateCard principal={principal} connection={connection} status={status} csrf={csrf} names={props.names} />
      {principal.role !== "viewer" ? <ManualSyncCard connection={connection} status={status} csrf={csrf} values={props.values ?? {}} errors={props.errors ?? {}} message={props.message} /> : null}
      {plan ? <DryRunPlan plan={plan} scope={props.scope} names={props.names} connectionId={connection.id} /> : null}
    </section>
  );
}
