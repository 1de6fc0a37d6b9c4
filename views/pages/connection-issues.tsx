// A connection's open issues: per-ticket problems that lasted across runs, with the advice for
// each, retry one or all, and mark resolved. Resolved ones stay readable.
import type { Principal } from "../../src/auth/principal";
import { ConnectionTabs } from "../components/connection-tabs";
import { CsrfField } from "../components/form";
import { When } from "../components/run-bits";

export type IssueRow = {
  id: string;
  side: "source" | "target";
  ticketId: string;
  ticketNumber: string | null;
  ticketUrl: string | null;
  errorCode: string;
  message: string;
  advice: string | null;
  occurrences: number;
  firstRunId: string | null;
  lastRunId: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  updatedAt: string;
};

export function ConnectionIssuesPage({
  principal,
  connection,
  issues,
  status,
  nextCursor,
  csrf,
}: {
  principal: Principal;
  connection: { id: string; name: string };
  issues: IssueRow[];
  status: "open" | "resolved";
  nextCursor: string | null;
  csrf: string;
}) {
  const canAdmin = principal.role !== "viewer" && status === "open";
  const base = `/connections/${connection.id}/issues`;
  return (
    <section>
      <h1>{connection.name}</h1>
      <ConnectionTabs connectionId={connection.id} active="issues" />
      <nav class="outcome-filter" aria-label="Issues by state">
        <a href={base} aria-current={status === "open" ? "page" : undefined}>Open</a>
        <a href={`${base}?status=resolved`} aria-current={status === "resolved" ? "page" : undefined}>Resolved</a>
      </nav>
      {issues.length === 0 ? (
        <div class="card">
          <p>{status === "open" ? "No open issue: every ticket synced on its last try." : "No resolved issue yet."}</p>
        </div>
      ) : (
        <>
          {canAdmin ? (
            <form method="post" action={`${base}/retry`} class="button-row">
              <CsrfField token={csrf} />
              <button type="submit" class="primary">Retry all now</button>
              <span class="help">Starts one run, which re-reads every ticket that failed. Failed tickets are also retried by every later run.</span>
            </form>
          ) : null}
          <table class="table issues">
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Problem</th>
                <th scope="col">Runs</th>
                <th scope="col">{status === "open" ? "Last seen" : "Resolved"}</th>
                {canAdmin ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {issues.map((issue) => {
                const ticket = issue.ticketNumber ?? issue.ticketId;
                return (
                  <tr id={`issue-${issue.id}`}>
                    <td>
                      {issue.ticketUrl ? <a href={issue.ticketUrl} target="_blank" rel="noopener noreferrer">{ticket}</a> : ticket}
                      <div class="help">on the {issue.side} side</div>
                    </td>
                    <td>
                      <p><code class="error-code">{issue.errorCode}</code> {issue.message}</p>
                      {issue.advice ? <p class="advice"><strong>What to do:</strong> {issue.advice}</p> : null}
                    </td>
                    <td>
                      {issue.occurrences}
                      {issue.lastRunId ? <div class="help"><a href={`/runs/${issue.lastRunId}`}>last run</a></div> : null}
                    </td>
                    <td>{status === "open" ? <When iso={issue.updatedAt} /> : <><When iso={issue.resolvedAt} /><div class="help">by {issue.resolvedBy}</div></>}</td>
                    {canAdmin ? (
                      <td class="row-actions">
                        <form method="post" action={`/issues/${issue.id}/retry`} class="inline">
                          <CsrfField token={csrf} />
                          <button type="submit" aria-label={`Retry ticket ${ticket}`}>Retry</button>
                        </form>
                        <form method="post" action={`/issues/${issue.id}/resolve`} class="inline" data-confirm={`Mark the problem with ticket ${ticket} resolved? It is listed again if the ticket fails again.`}>
                          <CsrfField token={csrf} />
                          <button type="submit" aria-label={`Mark ticket ${ticket} resolved`}>Mark resolved</button>
                        </form>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {nextCursor ? (
        <nav class="pager" aria-label="Pages">
          <a href={`${base}?status=${status}&cursor=${encodeURIComponent(nextCursor)}`} rel="next">More →</a>
        </nav>
      ) : null}
    </section>
  );
}
