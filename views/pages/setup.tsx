import { CsrfField, FormError, type FieldErrors } from "../components/form";
import { NewOrganisationFields } from "../components/new-organisation-fields";

export type SetupValues = { organisationName?: string; ownerName?: string; ownerEmail?: string };

export function SetupPage({ csrf, values = {}, errors = {}, message }: { csrf: string; values?: SetupValues; errors?: FieldErrors; message?: string }) {
  return (
    <section class="card narrow">
      <h1>Set up Lockstep</h1>
      <p class="lead">Create your organisation and its owner. This page works once; afterwards people sign in.</p>
      <FormError message={message} />
      <form method="post" action="/setup">
        <CsrfField token={csrf} />
        <NewOrganisationFields values={values} errors={errors} />
        <button type="submit" class="primary">Create organisation</button>
      </form>
    </section>
  );
}

export function SetupDonePage({ token }: { token: string }) {
  return (
    <section class="card narrow">
      <h1>Lockstep is ready</h1>
      <p>You are signed in as the owner. Here is an API token with your rights, for scripts and the JSON API.</p>
      <p><strong>Copy it now: it is shown only once.</strong></p>
      <pre class="secret" aria-label="API token">{token}</pre>
      <p><a class="button primary" href="/">Go to the dashboard</a></p>
    </section>
  );
}
