// Invitation pages: the link shown once to the inviter, and the page the link opens, where the
// invitee chooses their own name and password.
import { CsrfField, Field, FormError, type FieldErrors } from "../components/form";

const when = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

export function InvitationLinkPage({ email, role, url, expiresAt, emailed }: { email: string; role: string; url: string; expiresAt: string; emailed: boolean }) {
  return (
    <section class="card narrow">
      <h1>Invitation for {email}</h1>
      <p>
        {emailed ? `We emailed this link to ${email}. ` : `This install sends no email: give this link to ${email} by a channel you trust. `}
        It makes them a {role} of your organisation. It works once, until {when(expiresAt)}, and you can revoke it on the Users page until it is used.
      </p>
      <p><strong>Copy it now: it is shown only once.</strong></p>
      <pre class="secret" aria-label="One-time invitation link">{url}</pre>
      <p><a class="button" href="/users">Back to users</a></p>
    </section>
  );
}

export type JoinValues = { name?: string };

export function JoinPage({
  csrf,
  token,
  email,
  orgName,
  role,
  invitedBy,
  values = {},
  errors = {},
  message,
}: {
  csrf: string;
  token: string;
  email: string;
  orgName: string;
  role: string;
  invitedBy: string | null;
  values?: JoinValues;
  errors?: FieldErrors;
  message?: string | undefined;
}) {
  return (
    <section class="card narrow">
      <h1>Join {orgName} on Lockstep</h1>
      <p class="lead">
        {invitedBy ? `${invitedBy} invites you` : "You are invited"} to join {orgName} as {role}, with the address {email}. Choose your name and a password; you are signed in at once.
      </p>
      <FormError message={message} />
      <form method="post" action={`/invite/${token}`}>
        <CsrfField token={csrf} />
        <input type="text" name="username" value={email} autocomplete="username" hidden />
        <Field name="name" label="Your name" value={values.name} errors={errors} required autocomplete="name" />
        <Field name="password" label="Password" type="password" errors={errors} required autocomplete="new-password" help="At least 10 characters, and not easy to guess: a few unrelated words work well." />
        <button type="submit" class="primary">Join {orgName}</button>
      </form>
    </section>
  );
}

export function InvitationInvalidPage({ message }: { message: string }) {
  return (
    <section class="card narrow">
      <h1>This invitation does not work</h1>
      <p>{message}</p>
      <p><a class="button" href="/login">Sign in</a></p>
    </section>
  );
}
