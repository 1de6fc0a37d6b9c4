// Run detail: what the run did to every ticket, each linked to its page on the platform, and for
// each failure the error code, the platform's own message, what the code means and what to do.
// While the run goes the whole view asks for itself again every two seconds.
import { SYNC_ERRORS, type SyncErrorCode } from "../../src/sync/engine/sync-errors";
import type { ItemChildren } from "../../src/services/runs";
import { ConnectionTabs } from "../components/connection-tabs";
import { duration, RunCounts, RunProgressBar, RunStatus, TRIGGER_TEXT, When } from "../components/run-bits";
import { needsAdvice, RunScopeExplained, type SideNames } from "../components/run-scope";
import type { RunScope } from "../../src/schemas/run-scope";

type Item = {
  id: string;
  outcome: "created" | "updated" | "closed" | "skipped" | "failed";
  sourceTicketId: string | null;
  targetTicketId: string | null;
  sourceNumber: string | null;
  targetNumber: string | null;
  sourceUrl: string | null;
  targetUrl: string | null;
  reason: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  vendorMessage: string | null;
  advice: string | null;
  children: ItemChildren;
  conflicts: { field: string; sourceValue: string | null; targetValue: string | null; winner: string; policy: string }[];
};

export type RunDetail = {
  id: string;
  connectionId: string;
  mode: string;
  trigger: string;
  dryRun: boolean;
  status: string;
  phase: string | null;
  ticketsDone: number;
  ticketsTotal: number | null;
  created: number;
  updated: number;
  closed: number;
  skipped: number;
  failed: number;
  errorCode: string | null;
  errorMessage: string | null;
  advice: string | null;
  startedAt: string;
  finishedAt: string | null;
  scope: RunScope | null;
  items: Item[];
};

export const OUTCOMES = ["failed", "skipped", "created", "updated", "closed"] as const;
const OUTCOME_TEXT: Record<Item["outcome"], string> = { created: "Created", updated: "Updated", closed: "Closed", skipped: "Skipped", failed: "Failed" };

const meaningOf = (code: string | null) => (code && code in SYNC_ERRORS ? SYNC_ERRORS[code as SyncErrorCode].meaning : null);

function Ticket({ number, id, url }: { number: string | null; id: string | null; url: string | null }) {
  const text = number ?? id;
  if (!text) return <span class="muted">–</span>;
  return url ? (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {text}
      <span class="visually-hidden"> (opens the platform in a new tab)</span>
    </a>
  ) : (
    <span>{text}</span>
  );
}

function ErrorExplained({ code, message, vendorMessage, advice }: { code: string; message: string | null; vendorMessage: string | null; advice: string | null }) {
  return (
    <div class="error-explained">
      <p>
        <code class="error-code">{code}</code> {message}
      </p>
      {vendorMessage && vendorMessage !== message ? (
        <p>
          <span class="muted">The platform said:</span> <q>{vendorMessage}</q>
        </p>
      ) : null}
      {meaningOf(code) ? <p class="muted">{meaningOf(code)}</p> : null}
      {advice ? (
        <p class="advice">
          <strong>What to do:</strong> {advice}
        </p>
      ) : null}
    </div>
  );
}

function ChildCounts({ counts: children }: { counts: ItemChildren }) {
  const parts: [string, NonNullable<ItemChildren["comments"]>][] = [];
  if (children.comments) parts.push(["Comments", children.comments]);
  if (children.attachments) parts.push(["Attachments", children.attachments]);
  if (children.timeEntries) parts.push(["Time entries", children.timeEntries]);
  const shown = parts.filter(([, c]) => c.synced + c.failed + c.skipped + (c.unverified ?? 0) > 0);
  if (!shown.length) return <span class="muted">–</span>;
  return (
    <ul class="child-counts">
      {shown.map(([label, c]) => (
        <li>
          {label}: {c.synced} synced
          {c.failed ? <span class="bad">, {c.failed} failed</span> : null}
          {c.skipped ? `, ${c.skipped} skipped` : null}
          {c.unverified ? <span title="Sent, and the platform answered, but not yet seen on the ticket: the next run checks.">, {c.unverified} sent, not yet confirmed</span> : null}
          {c.errors.length ? (
            <ul>
              {c.errors.map((e) => (
                <li class="help">
                  <code>{e.code}</code> {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function RunDetailPage({
  run,
  connectionName,
  outcome,
  names,
  canAdmin,
}: {
  run: RunDetail;
  connectionName: string;
  outcome?: Item["outcome"] | undefined;
  names: SideNames;
  canAdmin: boolean;
}) {
  const going = run.status === "queued" || run.status === "running";
  const poll = going ? { "hx-get": `/runs/${run.id}${outcome ? `?outcome=${outcome}` : ""}`, "hx-trigger": "every 2s", "hx-swap": "outerHTML" } : {};
  const items = outcome ? run.items.filter((i) => i.outcome === outcome) : run.items;
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, run.items.filter((i) => i.outcome === o).length]));
  return (
    <section id="run-detail" {...poll}>
      <h1>{connectionName}</h1>
      <ConnectionTabs connectionId={run.connectionId} active="history" />
      <div class="card">
        <h2>
          Run <RunStatus status={run.status} />
        </h2>
        <dl class="facts">
          <dt>Kind</dt>
          <dd>{TRIGGER_TEXT[run.trigger] ?? run.trigger} · {run.mode === "full" ? "full resync" : "quick sync"}{run.dryRun ? " · dry run (nothing written)" : ""}</dd>
          <dt>Started</dt>
          <dd><When iso={run.startedAt} /></dd>
          <dt>Finished</dt>
          <dd>{run.finishedAt ? <><When iso={run.finishedAt} /> ({duration(run.startedAt, run.finishedAt)})</> : <span class="muted">not yet</span>}</dd>
          <dt>Tickets</dt>
          <dd><RunCounts run={run} /></dd>
        </dl>
        {going ? <div aria-live="polite"><RunProgressBar run={run} /></div> : null}
        {run.errorCode ? <ErrorExplained code={run.errorCode} message={run.errorMessage} vendorMessage={null} advice={run.advice} /> : run.errorMessage ? <p>{run.errorMessage}</p> : null}
        {run.scope && !going ? (
          <>
            <h3>What it looked at</h3>
            <RunScopeExplained scope={run.scope} names={names} connectionId={run.connectionId} advise={needsAdvice(run)} canAdmin={canAdmin} />
          </>
        ) : null}
      </div>
      <h2>Tickets</h2>
      <nav class="outcome-filter" aria-label="Show tickets by outcome">
        <a href={`/runs/${run.id}`} aria-current={outcome ? undefined : "page"}>All ({run.items.length})</a>
        {OUTCOMES.filter((o) => byOutcome[o]).map((o) => (
          <a href={`/runs/${run.id}?outcome=${o}`} aria-current={outcome === o ? "page" : undefined}>
            {OUTCOME_TEXT[o]} ({byOutcome[o]})
          </a>
        ))}
      </nav>
      {items.length === 0 ? (
        <p class="muted">{run.items.length ? "No ticket with this outcome." : going ? "No ticket handled yet." : "This run touched no ticket."}</p>
      ) : (
        <table class="table run-items">
          <thead>
            <tr>
              <th scope="col">Outcome</th>
              <th scope="col">Source ticket</th>
              <th scope="col">Target ticket</th>
              <th scope="col">What happened</th>
              <th scope="col">Comments, attachments, time</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr id={`item-${item.id}`} class={item.outcome === "failed" ? "row-failed" : undefined}>
                <td><span class={`badge outcome-${item.outcome}`}>{OUTCOME_TEXT[item.outcome]}</span></td>
                <td><Ticket number={item.sourceNumber} id={item.sourceTicketId} url={item.sourceUrl} /></td>
                <td><Ticket number={item.targetNumber} id={item.targetTicketId} url={item.targetUrl} /></td>
                <td>
                  {item.errorCode ? <ErrorExplained code={item.errorCode} message={item.errorMessage} vendorMessage={item.vendorMessage} advice={item.advice} /> : null}
                  {/* A failed ticket may still have carried its comments, files and time: say which. */}
                  {item.reason ? <p class={item.errorCode ? "help" : undefined}>{item.reason}</p> : null}
                  {item.conflicts.length ? (
                    <ul class="conflicts">
                      {item.conflicts.map((c) => (
                        <li>
                          Conflict on {c.field}: source “{c.sourceValue ?? "empty"}”, target “{c.targetValue ?? "empty"}”; the {c.winner} won ({c.policy.replace("_", " ")}).
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </td>
                <td><ChildCounts counts={item.children} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
