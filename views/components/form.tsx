// Form building blocks: every input has a label, and its error (if any) sits right under it and
// is tied to it with aria-describedby so screen readers read both.
import type { Child } from "hono/jsx";

export type FieldErrors = Record<string, string>;

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

type FieldProps = {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "url" | "number" | "date";
  value?: string;
  errors?: FieldErrors;
  help?: Child;
  required?: boolean;
  autocomplete?: string;
};

export function Field({ name, label, type = "text", value, errors, help, required, autocomplete }: FieldProps) {
  const error = errors?.[name];
  const id = `field-${name.replace(/[^a-z0-9]+/gi, "-")}`;
  const described = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        value={type === "password" ? undefined : value}
        required={required}
        autocomplete={autocomplete}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={described || undefined}
      />
      {help ? <p class="help" id={`${id}-help`}>{help}</p> : null}
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function SelectField({
  name,
  label,
  options,
  value,
  errors,
  help,
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value?: string | undefined;
  errors?: FieldErrors;
  help?: Child;
}) {
  const error = errors?.[name];
  const id = `field-${name}`;
  const described = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      <select id={id} name={name} aria-invalid={error ? "true" : undefined} aria-describedby={described || undefined}>
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
      {help ? <p class="help" id={`${id}-help`}>{help}</p> : null}
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function FormError({ message }: { message?: string | undefined }) {
  return message ? (
    <div class="flash flash-error" role="alert">
      {message}
    </div>
  ) : null;
}
