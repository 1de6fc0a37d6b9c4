// Connections: the list (active and pending apart), creating one (invitation or internal),
// accepting an invitation by its code, and a connection's overview with its setup checklist.
import type { Principal } from "../../src/auth/principal";
import type { ConnectionView } from "../../src/schemas/connection-views";
import type { PlatformAccountView } from "../../src/services/platform-accounts";
import { ConnectionTabs } from "../components/connection-tabs";
import { CsrfField, Field, FormError, SelectField, type FieldErrors } from "../components/form";
import type { Invitation } from "../../src/services/connection-invitations";
import { InvitationSummary } from "./signup";
import { TestBadge } from "./platform-accounts";

export type PlatformLabels = Record<string, string>;

const ROLE_TEXT = { source: "Source (tickets originate here)", target: "Target (tickets are received here)" } as const;

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "";
}

/** "Acme MSP · ServiceNow" for one side, or what is still missing. */
function sideLabel(side: ConnectionView["sides"][number], labels: PlatformLabels): string {
  if (!side.organisation) return "Waiting for the partner";
  const platform = side.platform ? (labels[side.platform] ?? side.platform) : "";
  return [side.mine && side.account ? side.account.name : side.organisation, platform].filter(Boolean).join(" · ");
}

export function StatusBadge({ connection }: { connection: Pick<ConnectionView, "status" | "automaticEnabled"> & { endedAt?: string | null } }) {
  if (connection.endedAt) return <span class="badge badge-status-paused">Ended</span>;
  const text = connection.status === "pending" ? "Waiting for partner" : connection.status === "paused" ? "Paused" : connection.automaticEnabled ? "Automatic sync on" : "Active";
  return <span class={`badge badge-status-${connection.status}`}>{text}</span>;
}

function ConnectionRows({ connections, labels }: { connections: ConnectionView[]; labels: PlatformLabels }) {
  return (
    <table class="table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Source</th>
          <th scope="col">Target</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {connections.map((c) => {
          const side = (s: "source" | "target") => c.sides.find((x) => x.side === s);
          return (
            <tr>
              <td>
                <a href={`/connections/${c.id}`}>{c.name}</a>
                {c.internal ? <span class="badge">internal</span> : null}
              </td>
              <td>{side("source") ? sideLabel(side("source")!, labels) : ""}</td>
              <td>{side("target") ? sideLabel(side("target")!, labels) : ""}</td>
              <td>
                <StatusBadge connection={c} />
                {c.invitationExpiresAt ? <div class="help">Code expires {when(c.invitationExpiresAt)}</div> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function ConnectionsPage({ principal, connections, labels }: { principal: Principal; connections: ConnectionView[]; labels: PlatformLabels }) {
  const canAdmin = principal.role !== "viewer";
  const pending = connections.filter((c) => c.status === "pending");
  const current = connections.filter((c) => c.status !== "pending");
  return (
    <section>
      <h1>Connections</h1>
      <p class="lead">Each connection keeps tickets in step between two platform accounts, yours and your partner's (or two of yours).</p>
      {canAdmin ? (
        <p class="actions">
          <a class="button primary" href="/connections/new">New connection</a> <a class="button" href="/connections/accept">Accept a connection</a>
        </p>
      ) : null}
      <h2>Active</h2>
      {current.length ? (
        <ConnectionRows connections={current} labels={labels} />
      ) : (
        <div class="card">
          <p>No active connection yet.{canAdmin ? " Create one and give the code to your partner, or accept the code your partner gave you." : ""}</p>
        </div>
      )}
      <h2>Pending</h2>
      {pending.length ? (
        <ConnectionRows connections={pending} labels={labels} />
      ) : (
        <p class="muted">No invitation is waiting for a partner.</p>
      )}
    </section>
  );
}

function accountOptions(accounts: PlatformAccountView[], labels: PlatformLabels, empty?: string) {
  return [
    ...(empty !== undefined ? [{ value: "", label: empty }] : []),
    ...accounts.map((a) => ({ value: a.id, label: `${a.name} (${labels[a.platform] ?? a.platform})` })),
  ];
}

function NoAccountYet() {
  return (
    <div class="card">
      <p>You need a platform account first: the ticketing platform your side of the connection uses.</p>
      <p><a class="button primary" href="/platform-accounts/new">Add a platform account</a></p>
    </div>
  );
}

export function NewConnectionPage({
  csrf,
  accounts,
  labels,
  values = {},
  errors = {},
  message,
}: {
  csrf: string;
  accounts: PlatformAccountView[];
  labels: PlatformLabels;
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
  message?: string | undefined;
}) {
  const role = values["role"] ?? "source";
  return (
    <section class="card narrow">
      <h1>New connection</h1>
      {accounts.length === 0 ? (
        <NoAccountYet />
      ) : (
        <>
          <FormError message={message} />
          <form method="post" action="/connections">
            <CsrfField token={csrf} />
            <Field name="name" label="Contract name" value={values["name"]} errors={errors} required help="Both organisations see this name, e.g. “Contoso service desk”." />
            <fieldset class={errors["role"] ? "field-invalid" : undefined}>
              <legend>Your role</legend>
              {(["source", "target"] as const).map((r) => (
                <div class="field field-checkbox">
                  <label>
                    <input type="radio" name="role" value={r} checked={role === r} /> {ROLE_TEXT[r]}
                  </label>
                </div>
              ))}
              {errors["role"] ? <p class="field-error">{errors["role"]}</p> : null}
            </fieldset>
            <SelectField name="platformAccountId" label="Your platform account" options={accountOptions(accounts, labels)} value={values["platformAccountId"]} errors={errors} />
            <SelectField
              name="partnerAccountId"
              label="The other side"
              options={accountOptions(accounts, labels, "A partner organisation: give them a verification code")}
              value={values["partnerAccountId"]}
              errors={errors}
              help="Choose another of your own accounts for an internal connection: it is active at once, with no invitation."
            />
            <button type="submit" class="primary">Create connection</button>
          </form>
        </>
      )}
    </section>
  );
}

export function InvitationCreatedPage({ connection, code, origin }: { connection: ConnectionView; code: string; origin: string }) {
  const link = `${origin}/accept?code=${encodeURIComponent(code)}`;
  return (
    <section class="card narrow success">
      <h1>Invitation created</h1>
      <p>Send your partner this link. It says who invites them and to what, lets them sign in or create their organisation, add their own platform account and accept.</p>
      <pre class="secret" aria-label="Invitation link">{link}</pre>
      <p>Or give them the verification code, to type under Connections › Accept a connection:</p>
      <pre class="secret" aria-label="Verification code">{code}</pre>
      <p class="help">It is shown only now and expires {when(connection.invitationExpiresAt)}. Lost it? Delete the connection and create a new one.</p>
      <p>
        <a class="button primary" href={`/connections/${connection.id}/settings`}>Set up your side meanwhile</a> <a class="button" href="/connections">Back to connections</a>
      </p>
    </section>
  );
}

export function AcceptConnectionPage({
  csrf,
  accounts,
  labels,
  values = {},
  errors = {},
  message,
  invitation,
}: {
  csrf: string;
  accounts: PlatformAccountView[];
  labels: PlatformLabels;
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
  message?: string | undefined;
  /** What the code in the link invites to, when it is one this organisation can accept. */
  invitation?: Invitation | null | undefined;
}) {
  const here = `/connections/accept${values["code"] ? `?code=${encodeURIComponent(values["code"])}` : ""}`;
  const addAccount = `/platform-accounts/new?next=${encodeURIComponent(here)}`;
  return (
    <section class="narrow">
      <h1>Accept a connection</h1>
      {invitation ? <InvitationSummary invitation={invitation} labels={labels} /> : null}
      {accounts.length === 0 ? (
        <div class="card">
          <h2>1. Add your platform account</h2>
          <p>The ticketing platform your side of the connection uses. Its credentials stay with your organisation.</p>
          <p><a class="button primary" href={addAccount}>Add a platform account</a></p>
        </div>
      ) : (
        <>
          <div class="card">
            <h2>1. Your platform account</h2>
            <ul class="accounts">
              {accounts.map((a) => (
                <li>
                  <strong>{a.name}</strong> <span class="muted">{labels[a.platform] ?? a.platform}</span>{" "}
                  <span id={`test-${a.id}`}>
                    <TestBadge result={a.lastTest} />
                  </span>
                  <form method="post" action={`/platform-accounts/${a.id}/test`} hx-post={`/platform-accounts/${a.id}/test`} hx-target={`#test-${a.id}`} hx-swap="innerHTML" class="inline">
                    <CsrfField token={csrf} />
                    <button type="submit">Test connection</button>
                  </form>
                </li>
              ))}
            </ul>
            <p><a href={addAccount}>Add another platform account</a></p>
          </div>
          <div class="card">
            <h2>2. Accept</h2>
            <p>{invitation ? `Your account takes the side ${invitation.invitedBy} left open.` : "Your partner created the connection and gave you a verification code. Your account takes the side they left open."}</p>
            <FormError message={message} />
            <form method="post" action="/connections/accept">
              <CsrfField token={csrf} />
              <Field name="code" label="Verification code" value={values["code"]} errors={errors} required autocomplete="off" help="For example ABCD-EFGH-JKMN-PQRS. Dashes and case do not matter." />
              <SelectField name="platformAccountId" label="Your platform account" options={accountOptions(accounts, labels)} value={values["platformAccountId"]} errors={errors} />
              <button type="submit" class="primary">Accept connection</button>
            </form>
          </div>
        </>
      )}
    </section>
  );
}

export type SetupStep = { label: string; done: boolean; href: string; hint: string };

export function ConnectionOverviewPage({
  principal,
  connection,
  labels,
  csrf,
  steps,
  errors = {},
  notices = [],
}: {
  principal: Principal;
  connection: ConnectionView;
  labels: PlatformLabels;
  csrf: string;
  steps: SetupStep[];
  errors?: FieldErrors;
  /** What happened to the connection lately that both organisations should know (it was accepted, left). */
  notices?: string[];
}) {
  const canAdmin = principal.role !== "viewer";
  return (
    <section>
      <h1>
        {connection.name} <StatusBadge connection={connection} />
      </h1>
      <ConnectionTabs connectionId={connection.id} active="overview" />
      {connection.internal ? <p class="lead">An internal connection between two of your organisation's accounts.</p> : null}
      {notices.map((notice) => (
        <p class="flash flash-info" role="status">
          {notice}
        </p>
      ))}
      <div class="card">
        <h2>Sides</h2>
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Side</th>
              <th scope="col">Organisation</th>
              <th scope="col">Platform</th>
              <th scope="col">Account</th>
            </tr>
          </thead>
          <tbody>
            {connection.sides.map((s) => (
              <tr>
                <th scope="row">{s.side === "source" ? "Source" : "Target"}{s.mine ? <span class="badge">yours</span> : null}</th>
                <td>{s.organisation ?? <span class="muted">Waiting for the partner to accept</span>}</td>
                <td>{s.platform ? (labels[s.platform] ?? s.platform) : ""}</td>
                <td>{s.account ? <a href={`/platform-accounts/${s.account.id}`}>{s.account.name}</a> : <span class="muted">{s.organisation ? "Your partner's" : ""}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {connection.invitationExpiresAt ? (
          <p class="help">The verification code you gave your partner expires {when(connection.invitationExpiresAt)}.</p>
        ) : null}
      </div>
      <div class="card">
        <h2>Setting up</h2>
        <ol class="checklist">
          {steps.map((step) => (
            <li class={step.done ? "done" : undefined}>
              <span class={step.done ? "ok" : "muted"} aria-hidden="true">{step.done ? "✓" : "○"}</span>{" "}
              <a href={step.href}>{step.label}</a>
              <span class="visually-hidden">{step.done ? " (done)" : " (to do)"}</span>
              {step.done ? null : <div class="help">{step.hint}</div>}
            </li>
          ))}
        </ol>
      </div>
      {canAdmin ? (
        <div class="card">
          <h2>Manage</h2>
          {connection.endedAt ? null : (
            <form method="post" action={`/connections/${connection.id}`} class="inline-fields">
              <CsrfField token={csrf} />
              <Field name="name" label="Contract name" value={connection.name} errors={errors} required help="Both organisations see this name." />
              <button type="submit">Rename</button>
            </form>
          )}
          {!connection.internal && !connection.endedAt && connection.sides.every((s) => s.organisation) ? (
            <form
              method="post"
              action={`/connections/${connection.id}/leave`}
              data-confirm={`Leave “${connection.name}”? Nothing syncs any more, for good; your platform account is let go of (you may then delete it) and your webhook secrets are erased. Both organisations keep reading its links and history, and your partner is told.`}
            >
              <CsrfField token={csrf} />
              <button type="submit" class="danger">Leave connection</button>
            </form>
          ) : null}
          <form
            method="post"
            action={`/connections/${connection.id}/delete`}
            data-confirm={`Delete “${connection.name}”? Its mappings, links and run history are erased for both organisations; the tickets on both platforms stay.`}
          >
            <CsrfField token={csrf} />
            <button type="submit" class="danger">Delete connection</button>
          </form>
        </div>
      ) : null}
    </section>
  );
}
