import type { Principal } from "../../src/auth/principal";
import type { Picklists } from "../../src/connectors/canonical";
import type { PlatformAccountView } from "../../src/services/platform-accounts";
import { CsrfField, Field, FormError, type FieldErrors } from "../components/form";
import { SchemaFields, type SchemaField } from "../components/schema-fields";

export type PlatformChoice = { key: string; label: string };

export function PlatformAccountsPage({ principal, accounts, labels }: { principal: Principal; accounts: PlatformAccountView[]; labels: Record<string, string> }) {
  return (
    <section>
      <h1>Platform accounts</h1>
      <p class="lead">Your organisation's access to each ticketing platform. Credentials are encrypted and never shown again.</p>
      {accounts.length === 0 ? (
        <div class="card">
          <p>No platform account yet. Add the platform your tickets live on first.</p>
        </div>
      ) : (
        <table class="table">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Platform</th><th scope="col">Base URL</th><th scope="col">Last test</th></tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr>
                <td><a href={`/platform-accounts/${a.id}`}>{a.name}</a></td>
                <td>{labels[a.platform] ?? a.platform}</td>
                <td><code>{a.baseUrl}</code></td>
                <td><TestBadge result={a.lastTest} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {principal.role !== "viewer" ? <p><a class="button primary" href="/platform-accounts/new">Add a platform account</a></p> : null}
    </section>
  );
}

export function TestBadge({ result }: { result: PlatformAccountView["lastTest"] }) {
  if (!result) return <span class="muted">not tested</span>;
  return <span class={result.ok ? "ok" : "bad"}>{result.ok ? "Connection tested" : "Test failed"}</span>;
}

/** `next`: where to go once the account is saved (the accept page, when a partner is joining). */
const withNext = (next: string | undefined) => (next ? `&next=${encodeURIComponent(next)}` : "");

export function ChoosePlatformPage({ platforms, next }: { platforms: PlatformChoice[]; next?: string | undefined }) {
  return (
    <section class="card narrow">
      <h1>Add a platform account</h1>
      <p>Which platform?</p>
      <ul class="choices">
        {platforms.map((p) => (
          <li><a class="button" href={`/platform-accounts/new?platform=${encodeURIComponent(p.key)}${withNext(next)}`}>{p.label}</a></li>
        ))}
      </ul>
    </section>
  );
}

export type AccountFormValues = { name?: string | undefined; baseUrl?: string | undefined; credentials?: Record<string, unknown>; settings?: Record<string, unknown> };

/** htmx attributes that re-render `target` when the sign-in method changes, sending no secret. */
function variantSwitch(url: string, target: string, fields: SchemaField[], extra: string[]): Record<string, string> | undefined {
  const discriminator = fields.find((f) => f.discriminator);
  if (!discriminator) return undefined;
  const include = [...extra, `credentials.${discriminator.name}`].map((n) => `[name='${n}']`).join(",");
  return { "hx-get": url, "hx-trigger": "change", "hx-include": include, "hx-target": target, "hx-select": target, "hx-swap": "outerHTML" };
}

export function AccountFormPage({
  csrf,
  platform,
  credentialFields,
  settingFields,
  help,
  values = {},
  errors = {},
  message,
  next,
}: {
  csrf: string;
  platform: PlatformChoice;
  credentialFields: SchemaField[];
  settingFields: SchemaField[];
  help: Record<string, string>;
  values?: AccountFormValues;
  errors?: FieldErrors;
  message?: string;
  next?: string | undefined;
}) {
  return (
    <section class="card narrow" id="account-form">
      <h1>Add a {platform.label} account</h1>
      <FormError message={message} />
      <form method="post" action="/platform-accounts">
        <CsrfField token={csrf} />
        <input type="hidden" name="platform" value={platform.key} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Field name="name" label="Name" value={values.name} errors={errors} required help="How you will recognise it, e.g. “Acme ServiceNow”." />
        <Field name="baseUrl" label="Base URL" type="url" value={values.baseUrl} errors={errors} required help={help["baseUrl"] ?? "The address you sign in to the platform at, starting with https://."} />
        <fieldset>
          <legend>Credentials</legend>
          <p class="help">Encrypted as soon as they are saved, and never shown again.</p>
          <SchemaFields
            prefix="credentials"
            fields={credentialFields}
            values={values.credentials}
            errors={errors}
            help={help}
            switchVariant={variantSwitch("/platform-accounts/new", "#account-form", credentialFields, ["platform", "name", "baseUrl", ...(next ? ["next"] : [])])}
          />
        </fieldset>
        {settingFields.length ? (
          <fieldset>
            <legend>Settings</legend>
            <SchemaFields prefix="settings" fields={settingFields} values={values.settings} errors={errors} help={help} />
          </fieldset>
        ) : null}
        <button type="submit" class="primary">Save account</button>
      </form>
    </section>
  );
}

export function TestResultFragment({ result }: { result: { ok: boolean; message: string; checks?: { name: string; status: string; message: string }[] } }) {
  const warned = result.ok && (result.checks ? result.checks.some((c) => c.status === "warning") : result.message.startsWith("Connection tested, with a warning"));
  return (
    <div id="test-result" class={`flash ${!result.ok ? "flash-error" : warned ? "flash-warning" : "flash-success"}`} role="status">
      {result.message}
      {result.checks?.some((c) => c.status === "ok") ? (
        <ul class="help">
          {result.checks.filter((c) => c.status === "ok").map((c) => (
            <li>{c.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function PicklistsUnavailable({ message }: { message: string }) {
  return (
    <div id="picklists">
      <div class="flash flash-error" role="alert">
        {message}
      </div>
      <p class="help">Fix the base URL or credentials below, test the connection, then use “Refresh platform data”.</p>
    </div>
  );
}

export function PicklistsFragment({ picklists, fetchedAt }: { picklists: Picklists; fetchedAt: string }) {
  const groups: [string, { id: string; name: string }[]][] = [
    ["Boards, queues or groups", picklists.queues],
    ["Statuses", picklists.statuses],
    ["Priorities", picklists.priorities],
    ["Ticket types", picklists.ticketTypes],
    ["Companies", picklists.companies],
    ["Note types", picklists.noteTypes],
    ["Custom fields", picklists.customFields],
    ["Members", picklists.members],
    ["Work roles", picklists.workRoles],
  ];
  return (
    <div id="picklists">
      <p class="muted">Read from the platform at <time datetime={fetchedAt}>{fetchedAt.slice(0, 16).replace("T", " ")} UTC</time>.</p>
      <div class="picklists">
        {groups.map(([label, values]) => (
          <div>
            <h3>{label} <span class="muted">({values.length})</span></h3>
            <ul>
              {values.slice(0, 50).map((v) => (
                <li>{v.name} <code class="muted">{v.id}</code>{"closed" in v && v.closed ? " (closes)" : ""}</li>
              ))}
              {values.length > 50 ? <li class="muted">and {values.length - 50} more</li> : null}
            </ul>
          </div>
        ))}
      </div>
    </div>
  );
}

export function AccountPage({
  principal,
  account,
  label,
  csrf,
  credentialFields,
  settingFields,
  help,
  errors = {},
  message,
  credentialValues = {},
}: {
  principal: Principal;
  account: PlatformAccountView;
  label: string;
  csrf: string;
  credentialFields: SchemaField[];
  settingFields: SchemaField[];
  help: Record<string, string>;
  errors?: FieldErrors;
  message?: string;
  /** The sign-in method chosen (saved, or being switched to); never a secret. */
  credentialValues?: Record<string, unknown>;
}) {
  const canAdmin = principal.role !== "viewer";
  return (
    <section>
      <h1>{account.name}</h1>
      <p class="lead">{label} · <code>{account.baseUrl}</code></p>
      <div class="card">
        <h2>Connection</h2>
        {account.lastTest ? <TestResultFragment result={account.lastTest} /> : <div id="test-result" class="muted">Not tested yet.</div>}
        {canAdmin ? (
          <form method="post" action={`/platform-accounts/${account.id}/test`} hx-post={`/platform-accounts/${account.id}/test`} hx-target="#test-result" hx-swap="outerHTML">
            <CsrfField token={csrf} />
            <button type="submit">Test connection</button>
          </form>
        ) : null}
      </div>
      <div class="card">
        <h2>Platform data</h2>
        <div id="picklists" hx-get={`/platform-accounts/${account.id}/picklists`} hx-trigger="load" hx-swap="outerHTML">
          <p class="muted">Loading the platform's picklists…</p>
        </div>
        {canAdmin ? (
          <form method="post" action={`/platform-accounts/${account.id}/picklists/refresh`} hx-post={`/platform-accounts/${account.id}/picklists/refresh`} hx-target="#picklists" hx-swap="outerHTML">
            <CsrfField token={csrf} />
            <button type="submit">Refresh platform data</button>
          </form>
        ) : null}
      </div>
      {canAdmin ? (
        <div class="card" id="account-edit">
          <h2>Edit</h2>
          <FormError message={message} />
          <form method="post" action={`/platform-accounts/${account.id}`}>
            <CsrfField token={csrf} />
            <Field name="name" label="Name" value={account.name} errors={errors} required />
            <Field name="baseUrl" label="Base URL" type="url" value={account.baseUrl} errors={errors} required help={help["baseUrl"] ?? "The address you sign in to the platform at, starting with https://."} />
            <fieldset>
              <legend>Credentials</legend>
              <p class="help">
                Stored values are never shown. Fill in only what you want to replace; a new base URL needs them all again, since stored credentials are only sent to the URL they were entered for.
                {account.credentialsSet.length ? ` Stored now: ${credentialFields.filter((f) => account.credentialsSet.includes(f.name)).map((f) => f.label).join(", ")}.` : ""}
              </p>
              <SchemaFields
                prefix="credentials"
                fields={credentialFields}
                values={credentialValues}
                errors={errors}
                help={help}
                keepSecrets
                switchVariant={variantSwitch(`/platform-accounts/${account.id}`, "#account-edit", credentialFields, [])}
              />
            </fieldset>
            {settingFields.length ? (
              <fieldset>
                <legend>Settings</legend>
                <SchemaFields prefix="settings" fields={settingFields} values={account.settings} errors={errors} help={help} />
              </fieldset>
            ) : null}
            <button type="submit" class="primary">Save changes</button>
          </form>
          <form method="post" action={`/platform-accounts/${account.id}/delete`} data-confirm={`Delete “${account.name}”? Its stored credentials are erased.`}>
            <CsrfField token={csrf} />
            <button type="submit" class="danger">Delete account</button>
          </form>
        </div>
      ) : null}
    </section>
  );
}
