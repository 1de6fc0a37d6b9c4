// Password pages: your own change (with the current one), the one-time link an admin makes for
// another user, and the page that link opens.
import type { Principal } from "../../src/auth/principal";
import { CsrfField, Field, FormError, type FieldErrors } from "../components/form";

const NEW_PASSWORD_HELP = "At least 10 characters, and not easy to guess: a few unrelated words work well.";
const ENDS_ACCESS = "Setting it signs you out everywhere else and revokes the API tokens you made.";

export function AccountPage({ principal, csrf, errors = {}, message }: { principal: Principal; csrf: string; errors?: FieldErrors; message?: string }) {
  return (
    <section class="card narrow">
      <h1>Your account</h1>
      <p>
        {principal.userName} · {principal.userEmail} · {principal.orgName}
      </p>
      <h2>Change your password</h2>
      <p class="help">{ENDS_ACCESS}</p>
      <FormError message={message} />
      <form method="post" action="/account/password">
        <CsrfField token={csrf} />
        <input type="text" name="username" value={principal.userEmail} autocomplete="username" hidden />
        <Field name="currentPassword" label="Current password" type="password" errors={errors} required autocomplete="current-password" />
        <Field name="newPassword" label="New password" type="password" errors={errors} required autocomplete="new-password" help={NEW_PASSWORD_HELP} />
        <button type="submit" class="primary">Change password</button>
      </form>
      {principal.role === "owner" ? (
        <>
          <h2>Your organisation</h2>
          <p>
            <a class="button danger" href="/organisation/delete">
              Delete {principal.orgName}…
            </a>
          </p>
        </>
      ) : null}
    </section>
  );
}

export function ResetLinkPage({ email, url, expiresAt, emailed = false }: { email: string; url: string; expiresAt: string; emailed?: boolean }) {
  return (
    <section class="card narrow">
      <h1>Password link for {email}</h1>
      <p>
        {emailed ? `We emailed this link to ${email}. ` : `Give this link to ${email} by a channel you trust. `}It works once, until {expiresAt.replace("T", " ").slice(0, 16)} UTC, and replaces any earlier link.
        Setting a password with it signs them out everywhere and revokes the API tokens they made.
      </p>
      <p><strong>Copy it now: it is shown only once.</strong></p>
      <pre class="secret" aria-label="One-time password link">{url}</pre>
      <p><a class="button" href="/users">Back to users</a></p>
    </section>
  );
}

export function SetPasswordPage({ csrf, token, email, errors = {}, message }: { csrf: string; token: string; email: string; errors?: FieldErrors; message?: string }) {
  return (
    <section class="card narrow">
      <h1>Set your password</h1>
      <p>For {email}. This link works once. Setting a password signs you out everywhere and revokes the API tokens you made.</p>
      <FormError message={message} />
      <form method="post" action={`/reset-password/${token}`}>
        <CsrfField token={csrf} />
        <input type="text" name="username" value={email} autocomplete="username" hidden />
        <Field name="password" label="New password" type="password" errors={errors} required autocomplete="new-password" help={NEW_PASSWORD_HELP} />
        <button type="submit" class="primary">Set password</button>
      </form>
    </section>
  );
}

export function ResetLinkInvalidPage({ message }: { message: string }) {
  return (
    <section class="card narrow">
      <h1>This link does not work</h1>
      <p>{message}</p>
      <p><a class="button" href="/login">Sign in</a></p>
    </section>
  );
}
