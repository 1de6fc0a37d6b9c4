// Billing and usage: the organisation's billing status, whether this install needs one for
// automatic sync, the connections it pays for, and tickets synced per connection and month.
import type { BillingView } from "../../src/services/billing";
import { billingStateText } from "../../src/services/billing-state";

export function BillingPage({ billing }: { billing: BillingView }) {
  const months = [...new Set(billing.usage.map((u) => u.month))];
  const thisMonth = new Date().toISOString().slice(0, 7);
  const billedThisMonth = billing.usage.filter((u) => u.month === thisMonth && u.billedToYou).reduce((sum, u) => sum + u.ticketsSynced, 0);
  return (
    <section>
      <h1>Billing and usage</h1>
      <div class="card">
        <h2>Billing</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd><span class={`badge billing-${billing.billingStatus}`}>{billingStateText(billing)}</span></dd>
          <dt>Automatic sync</dt>
          <dd>
            {billing.billingRequired
              ? billing.billingActive
                ? "Allowed: your billing is active."
                : "Needs active billing on this install: ask your Lockstep provider (the install's operators) to set it up. Automatic sync of the connections you pay for is stopped meanwhile; manual syncs work."
              : "This install does not require billing: automatic sync can be switched on once a manual sync has completed."}
          </dd>
          <dt>Billed to you this month</dt>
          <dd>{billedThisMonth} tickets synced</dd>
        </dl>
        <p class="help">The organisation that switches a connection's automatic sync on pays for it. Usage counts tickets created, updated or closed by a sync.</p>
      </div>
      <div class="card">
        <h2>Connections you pay for</h2>
        {billing.billedConnections.length ? (
          <ul>
            {billing.billedConnections.map((c) => (
              <li>
                <a href={`/connections/${c.id}/sync`}>{c.name}</a> {c.automaticEnabled ? <span class="badge">automatic sync on</span> : <span class="muted">automatic sync off</span>}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">None: no connection's automatic sync was switched on by your organisation.</p>
        )}
      </div>
      <h2>Tickets synced per month</h2>
      {months.length === 0 ? (
        <div class="card"><p class="muted">No ticket synced in the last 12 months.</p></div>
      ) : (
        <table class="table usage">
          <thead>
            <tr><th scope="col">Month</th><th scope="col">Connection</th><th scope="col">Tickets synced</th><th scope="col">Billed to</th></tr>
          </thead>
          <tbody>
            {billing.usage.map((u) => (
              <tr>
                <td>{u.month}</td>
                <td><a href={`/connections/${u.connectionId}`}>{u.connectionName}</a></td>
                <td>{u.ticketsSynced}</td>
                <td>{u.billedToYou ? "you" : <span class="muted">not you</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
