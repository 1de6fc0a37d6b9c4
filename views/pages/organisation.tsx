// Deleting an organisation: every consequence listed, with counts and partner names, before the
// owner types the name to confirm.
import type { DeletionPreview } from "../../src/services/organisation-deletion";
import { CsrfField, Field, FormError, type FieldErrors } from "../components/form";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function DeleteOrganisationPage({ preview, csrf, errors = {}, message }: { preview: DeletionPreview; csrf: string; errors?: FieldErrors; message?: string | undefined }) {
  const partnered = preview.connections.filter((c) => c.partner);
  return (
    <section class="card narrow">
      <h1>Delete {preview.organisation.name}</h1>
      <p class="lead">This happens at once and cannot be undone. Deleting the organisation:</p>
      <ul class="consequences">
        <li>destroys the stored credentials of its {plural(preview.platformAccounts, "platform account")} and every webhook secret;</li>
        <li>deletes its {plural(preview.users, "user")} (you too: you are signed out) and {plural(preview.apiTokens, "API token")};</li>
        <li>
          deletes {plural(preview.connections.length, "connection")} with their mappings, ticket links and sync history
          {partnered.length ? ", for the partner organisation too" : ""};
        </li>
        {partnered.length ? (
          <li>
            ends the sync with {partnered.map((c) => `${c.partner} (“${c.name}”)`).join(", ")}: each partner's audit log records it. To end one
            connection and keep its history readable to both, leave it instead.
          </li>
        ) : null}
        <li>deletes its settings and audit log.</li>
      </ul>
      <p>Tickets on the platforms themselves are not touched.</p>
      <FormError message={message} />
      <form method="post" action="/organisation/delete">
        <CsrfField token={csrf} />
        <Field name="confirm" label={`Type “${preview.organisation.name}” to confirm`} errors={errors} required autocomplete="off" />
        <button type="submit" class="danger">
          Delete the organisation for good
        </button>
      </form>
    </section>
  );
}
