// Fields whose values come from a platform's picklists: a single choice (a select with an empty
// "not set" option) or several (a group of checkboxes). Ids are submitted, names are shown. A
// saved id the platform no longer lists stays visible and selected, marked, so nothing is lost
// silently on the next save.
import type { Child } from "hono/jsx";
import type { FieldErrors } from "./form";

export type Choice = { id: string; name: string; hint?: string | undefined };

const idOf = (name: string) => `field-${name.replace(/[^a-z0-9]+/gi, "-")}`;

function withSaved(choices: Choice[], saved: string[]): Choice[] {
  const known = new Set(choices.map((c) => c.id));
  return [...choices, ...saved.filter((id) => id && !known.has(id)).map((id) => ({ id, name: id, hint: "no longer offered by the platform" }))];
}

const label = (c: Choice) => (c.hint ? `${c.name} (${c.hint})` : c.name);

export function PicklistSelect({
  name,
  label: text,
  choices,
  value,
  errors = {},
  help,
  empty = "Not set",
  required,
}: {
  name: string;
  label: string;
  choices: Choice[];
  value?: string | undefined;
  errors?: FieldErrors;
  help?: Child;
  empty?: string;
  required?: boolean;
}) {
  const id = idOf(name);
  const error = errors[name];
  const described = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>
        {text}
        {required ? <span class="required"> (required)</span> : null}
      </label>
      <select id={id} name={name} aria-invalid={error ? "true" : undefined} aria-describedby={described || undefined}>
        <option value="">{empty}</option>
        {withSaved(choices, value ? [value] : []).map((c) => (
          <option value={c.id} selected={c.id === value}>
            {label(c)}
          </option>
        ))}
      </select>
      {help ? <p class="help" id={`${id}-help`}>{help}</p> : null}
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function PicklistChecks({
  name,
  legend,
  choices,
  values,
  errors = {},
  help,
}: {
  name: string;
  legend: string;
  choices: Choice[];
  values: string[];
  errors?: FieldErrors;
  help?: Child;
}) {
  const error = errors[name];
  const all = withSaved(choices, values);
  return (
    <fieldset class={error ? "checks field-invalid" : "checks"}>
      <legend>{legend}</legend>
      {help ? <p class="help">{help}</p> : null}
      {all.length === 0 ? <p class="muted">The platform offers none.</p> : null}
      <div class="check-grid">
        {all.map((c) => (
          <label>
            <input type="checkbox" name={name} value={c.id} checked={values.includes(c.id)} /> {label(c)}
          </label>
        ))}
      </div>
      {error ? <p class="field-error">{error}</p> : null}
    </fieldset>
  );
}

export function Checkbox({ name, label: text, checked, help }: { name: string; label: string; checked: boolean; help?: Child }) {
  return (
    <div class="field field-checkbox">
      <label>
        <input type="checkbox" name={name} value="true" checked={checked} /> {text}
      </label>
      {help ? <p class="help">{help}</p> : null}
    </div>
  );
}
