// The Operator page: every organisation on the install, its connections and usage, and its
// billing state with the form that sets it.
import type { OperatorOrganisation } from "../../src/services/operator";
import { billingStateText } from "../../src/services/billing-state";
import { CsrfField, FormError, type FieldErrors } from "../components/form";

export function OperatorPage({
  organisations,
  billingRequired,
  csrf,
  errorsFor,
}: {
  organisations: OperatorOrganisation[];
  billingRequired: boolean;
  csrf: string;
  /** Field errors of a refused change, and the organisation they are about. */
  errorsFor?: { orgId: string; errors: FieldErrors } | undefined;
}) {
  return (
    <section>
      <h1>Operator</h1>
      <p class="lead">
        Every organisation on this install. {billingRequired
          ? "This install requires billing: automatic sync runs only for connections whose billing organisation is active or in trial; the others stop at the next tick and resume, with nothing lost, when their billing is active again."
          : "This install does not require billing (BILLING_REQUIRED is false): billing states are recorded but stop nothing."}
      </p>
      {organisations.map((org) => (
        <OrganisationCard org={org} csrf={csrf} errors={errorsFor?.orgId === org.id ? errorsFor.errors : undefined} />
      ))}
    </section>
  );
}

function OrganisationCard({ org, csrf, errors }: { org: OperatorOrganisation; csrf: string; errors?: FieldErrors | undefined }) {
  return (
    <div class="card" id={`org-${org.id}`}>
      <h2>{org.name}</h2>
      <dl class="facts">
        <dt>Billing</dt>
        <dd>
          <span class={`badge billing-${org.billingStatus}`}>{billingStateText(org)}</span> {org.billingActive ? null : <span class="muted">(not paying for automatic sync)</span>}
        </dd>
        <dt>Users</dt>
        <dd>{org.users}</dd>
        <dt>Active connections</dt>
        <dd>{org.usage.activeConnections}</dd>
        <dt>Tickets synced, billed to it</dt>
        <dd>
          {org.usage.ticketsThisMonth} this month · {org.usage.ticketsLastMonth} last month
        </dd>
      </dl>
      {org.connections.length ? (
        <div class="table-scroll">
          <table class="table">
            <caption>Connections of {org.name}</caption>
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Organisations</th>
                <th scope="col">Status</th>
                <th scope="col">Automatic</th>
                <th scope="col">Billed to</th>
                <th scope="col">Tickets this / last month</th>
              </tr>
            </thead>
            <tbody>
              {org.connections.map((c) => (
                <tr>
                  <td>{c.name}</td>
                  <td>{c.organisations.join(" ↔ ")}</td>
                  <td>{c.status}</td>
                  <td>{c.automaticEnabled ? "on" : "off"}</td>
                  <td>{c.billingOrganisationId === org.id ? "this organisation" : c.billingOrganisationId ? "the partner" : <span class="muted">nobody yet</span>}</td>
                  <td>
                    {c.ticketsThisMonth} / {c.ticketsLastMonth}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">No connections.</p>
      )}
      <form method="post" action={`/operator/organisations/${org.id}/billing`} class="inline" data-confirm={`Change the billing of ${org.name}? It is recorded in their audit log.`}>
        <CsrfField token={csrf} />
        <FormError message={errors ? Object.values(errors).join(" ") : undefined} />
        <label for={`status-${org.id}`}>Billing state</label>
        <select id={`status-${org.id}`} name="status">
          {(["active", "trial", "suspended"] as const).map((s) => (
            <option value={s} selected={s === org.billingStatus}>{s}</option>
          ))}
        </select>
        <label for={`trial-${org.id}`}>Trial until (for a trial)</label>
        <input id={`trial-${org.id}`} type="date" name="trialEndsAt" value={org.billingStatus === "trial" ? org.billingTrialEndsAt?.slice(0, 10) : undefined} />
        <button type="submit">Set billing</button>
      </form>
    </div>
  );
}
