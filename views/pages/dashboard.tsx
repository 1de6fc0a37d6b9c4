// The dashboard: how each connection is doing (last run, failures in a row, backlog, open issues,
// the platforms' request budgets) and tickets synced and failed per day over 30 days. A newcomer
// with no connection is walked through the first steps instead.
import type { Principal } from "../../src/auth/principal";
import type { Dashboard } from "../../src/services/dashboard";
import { DailyChart } from "../components/daily-chart";
import { RunProgressBar, RunStatus, When } from "../components/run-bits";

function Newcomer({ principal, accounts }: { principal: Principal; accounts: number }) {
  const canAdmin = principal.role !== "viewer";
  if (!canAdmin) {
    return (
      <div class="card">
        <h2>Nothing to show yet</h2>
        <p>Your organisation has no connection yet. Your role is read-only: an admin or owner sets up connections, and their health shows here.</p>
      </div>
    );
  }
  const steps = [
    { done: accounts > 0, text: "Add the platform account your tickets live on", href: "/platform-accounts/new", hint: accounts > 0 ? `${accounts} added.` : "Its base URL and an integration user's credentials; then Test connection." },
    { done: false, text: "Create a connection", href: "/connections/new", hint: "With a partner (they accept with a verification code) or between two of your own accounts." },
    { done: false, text: "Map status and priority, then run a first manual sync", href: "/connections", hint: "A dry run shows what would happen without writing anything." },
    { done: false, text: "Switch on automatic sync", href: "/connections", hint: "Every 5 minutes once a manual sync has completed." },
  ];
  return (
    <div class="card newcomer">
      <h2>Welcome, {principal.userName}: let's sync your first tickets</h2>
      <p>Lockstep keeps tickets in step between two ticketing platforms. Four steps get you there:</p>
      <ol class="checklist">
        {steps.map((s) => (
          <li class={s.done ? "done" : undefined}>
            <span class={s.done ? "ok" : "muted"} aria-hidden="true">{s.done ? "✓" : "○"}</span> <a href={s.href}>{s.text}</a>
            <span class="visually-hidden">{s.done ? " (done)" : " (to do)"}</span>
            <div class="help">{s.hint}</div>
          </li>
        ))}
      </ol>
      <p>
        <a class="button primary" href={accounts > 0 ? "/connections/new" : "/platform-accounts/new"}>{accounts > 0 ? "Create a connection" : "Add a platform account"}</a>
      </p>
    </div>
  );
}

const PER: Record<number, string> = { 1: "second", 60: "minute", 3600: "hour", 86_400: "day" };

function Health({ dashboard }: { dashboard: Dashboard }) {
  return (
    <table class="table health">
      <caption class="visually-hidden">Health of each connection</caption>
      <thead>
        <tr>
          <th scope="col">Connection</th>
          <th scope="col">Last run</th>
          <th scope="col">Failures in a row</th>
          <th scope="col">Backlog</th>
          <th scope="col">Open issues</th>
          <th scope="col">API budget</th>
        </tr>
      </thead>
      <tbody>
        {dashboard.connections.map((c) => (
          <tr class={c.failuresInRow > 0 ? "row-failed" : undefined}>
            <td>
              <a href={`/connections/${c.id}`}>{c.name}</a>
              <div class="help"><a href={`/connections/${c.id}/sync`}>{c.syncLabel}</a></div>
            </td>
            <td>
              {c.activeRun ? <RunProgressBar run={c.activeRun} /> : null}
              {c.lastRun ? (
                <>
                  <a href={`/runs/${c.lastRun.id}`}><RunStatus status={c.lastRun.status} /></a>
                  <div class="help"><When iso={c.lastRun.finishedAt ?? c.lastRun.startedAt} /></div>
                </>
              ) : c.activeRun ? null : (
                <span class="muted">No run yet</span>
              )}
            </td>
            <td class={c.failuresInRow ? "bad" : undefined}>{c.failuresInRow >= 10 ? "10+" : c.failuresInRow}</td>
            <td>{c.backlog} <span class="help">ticket{c.backlog === 1 ? "" : "s"} waiting</span></td>
            <td>{c.openIssues ? <a href={`/connections/${c.id}/issues`}>{c.openIssues}</a> : "0"}</td>
            <td>
              {c.apiBudgets.map((b) => {
                const per = PER[b.perSeconds] ?? `${b.perSeconds} s`;
                return b.used === null ? (
                  <div class="help" title={b.source}>
                    {b.platform}: not paced (no hard limit published, about {b.requests.toLocaleString("en")} requests per {per}); its own “slow down” answers pause a run
                  </div>
                ) : (
                  <div title={b.source}>
                    {b.platform}: <strong>{b.used.toLocaleString("en")}</strong> of {b.requests.toLocaleString("en")} requests used in the last {per}
                    <progress class="budget" max={b.requests} value={b.used} aria-label={`${b.platform} API budget used`}>{b.used}</progress>
                  </div>
                );
              })}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DashboardPage({ principal, dashboard, accounts }: { principal: Principal; dashboard: Dashboard; accounts: number }) {
  const synced = dashboard.daily.map((d) => ({ day: d.day, value: d.synced }));
  const failed = dashboard.daily.map((d) => ({ day: d.day, value: d.failed }));
  return (
    <section>
      <h1>Dashboard</h1>
      {dashboard.connections.length === 0 ? (
        <Newcomer principal={principal} accounts={accounts} />
      ) : (
        <>
          <Health dashboard={dashboard} />
          <div class="card">
            <h2>The last 30 days</h2>
            <div class="charts">
              <DailyChart id="chart-synced" title="Tickets synced per day" unit="tickets synced" kind="synced" days={synced} />
              <DailyChart id="chart-failed" title="Tickets failed per day" unit="tickets failed" kind="failed" days={failed} />
            </div>
            <p class="help">Counted from the runs of all your connections (dry runs left out); days are UTC. <a href="/runs?period=30d">See the runs</a>.</p>
          </div>
        </>
      )}
    </section>
  );
}
