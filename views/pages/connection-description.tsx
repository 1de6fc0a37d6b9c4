// The description builder: which source fields are listed above the original description, in
// which order, and the separator; a live preview (htmx) shows the composed text as it will be
// written. Ordering uses buttons, so it works with the keyboard and without JavaScript.
import type { Principal } from "../../src/auth/principal";
import type { ConnectionView } from "../../src/schemas/connection-views";
import { ConnectionTabs } from "../components/connection-tabs";
import { CsrfField, Field, FormError, type FieldErrors } from "../components/form";
import { PicklistSelect, type Choice } from "../components/picklist-fields";

export type DescriptionDraft = { fields: string[]; separator: string };

export function DescriptionPreview({ text }: { text: string }) {
  return (
    <pre id="description-preview" class="description-preview" aria-live="polite" aria-label="Preview of the description">
      {text}
    </pre>
  );
}

export function DescriptionPage({
  principal,
  connection,
  csrf,
  draft,
  choices,
  preview,
  errors = {},
  message,
  unsaved,
}: {
  principal: Principal;
  connection: ConnectionView;
  csrf: string;
  draft: DescriptionDraft;
  choices: Choice[];
  preview: string;
  errors?: FieldErrors;
  message?: string | undefined;
  unsaved?: boolean;
}) {
  const canEdit = principal.role !== "viewer";
  const action = `/connections/${connection.id}/description`;
  const nameOf = (id: string) => choices.find((c) => c.id === id)?.name ?? id;
  const remaining = choices.filter((c) => !draft.fields.includes(c.id));
  // Op buttons re-render the editor with the change, unsaved; htmx swaps only the editor.
  const op = { "hx-post": action, "hx-target": "#description-editor", "hx-select": "#description-editor", "hx-select-oob": "#description-preview", "hx-swap": "outerHTML" };
  return (
    <section>
      <h1>{connection.name}: description</h1>
      <ConnectionTabs connectionId={connection.id} active="description" />
      <p class="lead">
        Tickets created on the other side get the chosen source fields as “Label: value” lines, then the separator, then the original description. Changes apply to
        descriptions written from then on.
      </p>
      <div class="two-columns">
        <div class="card" id="description-editor">
          <h2>Layout</h2>
          <FormError message={message} />
          {unsaved ? <p class="flash flash-info" role="status">Not saved yet.</p> : null}
          {canEdit ? (
            <form method="post" action={action}>
              <CsrfField token={csrf} />
              {/* Enter in a field saves: the first submit button is the one implicit submission uses. */}
              <button type="submit" class="default-submit" tabindex={-1} aria-hidden="true">
                Save layout
              </button>
              <div hx-post={`${action}/preview`} hx-trigger="change, input delay:400ms" hx-include="closest form" hx-target="#description-preview" hx-swap="outerHTML">
                {draft.fields.length === 0 ? <p class="muted">No field chosen: the original description is copied as it is.</p> : null}
                <ol class="chosen-fields">
                  {draft.fields.map((field, i) => (
                    <li>
                      <input type="hidden" name="fields" value={field} />
                      <span class="chosen-name">{nameOf(field)}</span>
                      <span class="chosen-actions">
                        <button type="submit" name="op" value={`up:${i}`} disabled={i === 0} {...op}>
                          Up<span class="visually-hidden"> {nameOf(field)}</span>
                        </button>
                        <button type="submit" name="op" value={`down:${i}`} disabled={i === draft.fields.length - 1} {...op}>
                          Down<span class="visually-hidden"> {nameOf(field)}</span>
                        </button>
                        <button type="submit" name="op" value={`remove:${i}`} {...op}>
                          Remove<span class="visually-hidden"> {nameOf(field)}</span>
                        </button>
                      </span>
                    </li>
                  ))}
                </ol>
                {errors["fields"] ? <p class="field-error">{errors["fields"]}</p> : null}
                <div class="add-field">
                  <PicklistSelect name="add" label="Add a field" choices={remaining} errors={errors} empty="Choose a field" />
                  <button type="submit" name="op" value="add" {...op}>Add</button>
                </div>
                <Field name="separator" label="Separator line" value={draft.separator} errors={errors} help="Written between the field lines and the original description." />
              </div>
              <button type="submit" class="primary">Save layout</button>
            </form>
          ) : (
            <>
              <ol class="chosen-fields">
                {draft.fields.map((field) => (
                  <li>{nameOf(field)}</li>
                ))}
              </ol>
              {draft.fields.length === 0 ? <p class="muted">No field chosen: the original description is copied as it is.</p> : null}
              <p>
                Separator: <code>{draft.separator}</code>
              </p>
            </>
          )}
        </div>
        <div class="card">
          <h2>Preview</h2>
          <p class="help">For a sample ticket; empty fields are left out.</p>
          <DescriptionPreview text={preview} />
        </div>
      </div>
    </section>
  );
}
