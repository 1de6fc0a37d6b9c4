// Renders form fields from a connector's zod schema (credentials or settings), so every platform
// gets its own fields and help text without a hand-written form. Secrets render as password
// inputs that are never pre-filled: "leave blank to keep".
import { z } from "zod";
import { Field, SelectField, type FieldErrors } from "./form";

type JsonProperty = { type?: string; enum?: string[]; const?: string; description?: string; default?: unknown };
type JsonSchema = { properties?: Record<string, JsonProperty>; required?: string[]; oneOf?: JsonSchema[]; anyOf?: JsonSchema[] };

const SECRET = /(password|secret|private|token|key)/i;

export type SchemaField = { name: string; type: "text" | "password" | "number" | "select" | "checkbox"; options?: string[]; description?: string; required: boolean };

/** Flattens a schema (including discriminated unions) to one list of scalar fields. */
export function fieldsOf(schema: z.ZodType): SchemaField[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const variants = json.oneOf ?? json.anyOf ?? [json];
  const fields = new Map<string, SchemaField>();
  for (const variant of variants) {
    for (const [name, prop] of Object.entries(variant.properties ?? {})) {
      const existing = fields.get(name);
      const options = prop.enum ?? (prop.const !== undefined ? [prop.const] : undefined);
      if (existing) {
        if (existing.options && options) existing.options = [...new Set([...existing.options, ...options])];
        continue;
      }
      if (prop.type && !["string", "number", "integer", "boolean"].includes(prop.type) && !options) continue;
      fields.set(name, {
        name,
        type: options ? "select" : prop.type === "boolean" ? "checkbox" : prop.type === "number" || prop.type === "integer" ? "number" : SECRET.test(name) ? "password" : "text",
        ...(options ? { options } : {}),
        ...(prop.description ? { description: prop.description } : {}),
        required: variants.length === 1 && (variant.required ?? []).includes(name),
      });
    }
  }
  return [...fields.values()];
}

export function SchemaFields({
  prefix,
  fields,
  values = {},
  errors = {},
  help = {},
  keepSecrets = false,
}: {
  prefix: string;
  fields: SchemaField[];
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  help?: Record<string, string>;
  keepSecrets?: boolean;
}) {
  return (
    <>
      {fields.map((field) => {
        const name = `${prefix}.${field.name}`;
        const text = [help[field.name], field.description].filter(Boolean).join(" ");
        const value = values[field.name];
        if (field.type === "select") {
          return <SelectField name={name} label={field.name} options={field.options!.map((o) => ({ value: o, label: o }))} value={typeof value === "string" ? value : undefined} errors={errors} />;
        }
        if (field.type === "checkbox") {
          return (
            <div class="field field-checkbox">
              <label>
                <input type="checkbox" name={name} value="true" checked={value === true} /> {field.name}
              </label>
              {text ? <p class="help">{text}</p> : null}
            </div>
          );
        }
        // Stored credentials are never rendered back, secret or not: every field starts empty.
        const secretHelp = keepSecrets ? "Leave blank to keep the stored value." : "";
        return (
          <Field
            name={name}
            label={field.name}
            type={field.type === "number" ? "number" : field.type}
            value={field.type === "password" || value === undefined || value === null ? undefined : String(value)}
            errors={errors}
            help={[text, secretHelp].filter(Boolean).join(" ") || undefined}
            required={field.required && !keepSecrets}
            autocomplete={field.type === "password" ? "new-password" : "off"}
          />
        );
      })}
    </>
  );
}
