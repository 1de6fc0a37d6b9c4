import type { Principal } from "../../src/auth/principal";
import { CsrfField, Field, FormError, SelectField, type FieldErrors } from "../components/form";

type TokenRow = { id: string; name: string; role: string; prefix: string; createdBy: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

export function ApiTokensPage({
  principal,
  tokens,
  csrf,
  created,
  errors = {},
  message,
}: {
  principal: Principal;
  tokens: TokenRow[];
  csrf: string;
  created?: { name: string; token: string };
  errors?: FieldErrors;
  message?: string;
}) {
  const roles = [
    { value: "viewer", label: "Viewer: read only" },
    { value: "admin", label: "Admin: manage integrations" },
    ...(principal.role === "owner" ? [{ value: "owner", label: "Owner: everything" }] : []),
  ];
  return (
    <section>
      <h1>API tokens</h1>
      <p class="lead">Tokens let scripts use the <a href="/api-docs">JSON API</a> as <code>Authorization: Bearer …</code>.</p>
      {created ? (
        <div class="card success" role="status">
          <h2>Token “{created.name}” created</h2>
          <p><strong>Copy it now: it is shown only once.</strong></p>
          <pre class="secret" aria-label="New API token">{created.token}</pre>
        </div>
      ) : null}
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th><th scope="col">Token</th><th scope="col">Role</th><th scope="col">Created by</th>
            <th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr>
              <td>{t.name}</td>
              <td><code>{t.prefix}…</code></td>
              <td>{t.role}</td>
              <td>{t.createdBy}</td>
              <td>{t.lastUsedAt ? <time datetime={t.lastUsedAt}>{t.lastUsedAt.slice(0, 16).replace("T", " ")} UTC</time> : "never"}</td>
              <td>{t.revokedAt ? "revoked" : "active"}</td>
              <td>
                {t.revokedAt ? null : (
                  <form method="post" action={`/tokens/${t.id}/revoke`} class="inline" data-confirm={`Revoke “${t.name}”? Scripts using it stop working at once.`}>
                    <CsrfField token={csrf} />
                    <button type="submit" class="danger">Revoke</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="card">
        <h2>Create a token</h2>
        <FormError message={message} />
        <form method="post" action="/tokens">
          <CsrfField token={csrf} />
          <Field name="name" label="Name" errors={errors} required help="What uses it, e.g. “Monitoring script”." />
          <SelectField name="role" label="Role" options={roles} value="viewer" errors={errors} />
          <button type="submit" class="primary">Create token</button>
        </form>
      </div>
    </section>
  );
}
