// The fields that make an organisation and its owner: first-run setup and sign-up ask the same.
import { Field, type FieldErrors } from "./form";

export type NewOrganisationValues = { organisationName?: string | undefined; ownerName?: string | undefined; ownerEmail?: string | undefined };

export function NewOrganisationFields({ values, errors }: { values: NewOrganisationValues; errors: FieldErrors }) {
  return (
    <>
      <fieldset>
        <legend>Organisation</legend>
        <Field name="organisation.name" label="Organisation name" value={values.organisationName} errors={errors} required autocomplete="organization" />
      </fieldset>
      <fieldset>
        <legend>Owner</legend>
        <Field name="owner.name" label="Your name" value={values.ownerName} errors={errors} required autocomplete="name" />
        <Field name="owner.email" label="Email" type="email" value={values.ownerEmail} errors={errors} required autocomplete="email" />
        <Field name="owner.password" label="Password" type="password" errors={errors} required autocomplete="new-password" help="At least 10 characters, and not easy to guess: a few unrelated words work well." />
      </fieldset>
    </>
  );
}
