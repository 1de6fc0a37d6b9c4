// Renders form fields from a connector's zod schema (credentials or settings), so every platform
// gets its own fields and help text without a hand-written form. Secrets render as password
// inputs that are never pre-filled: "leave blank to keep". A schema with alternatives (sign in
// with a token or with a password) shows the fields of the chosen alternative only, and the
// choice itself re-renders the form through htmx, sending no secret.
import { z } from "zod";
import { Field, SelectField, type FieldErrors } from "./form";

type JsonProperty = { type?: string; enum?: string[]; const?: string; description?: string; default?: unknown; items?: JsonProperty };
type JsonSchema = { properties?: Record<string, JsonProperty>; required?: string[]; oneOf?: JsonSchema[]; anyOf?: JsonSchema[] };

const SECRET = /(password|secret|private|token|key)/i;

export type SchemaField = {
  name: string;
  label: string;
  type: "text" | "password" | "number" | "select" | "checkbox" | "list";
  options?: string[];
  /** For lists: whether the items are numbers. */
  itemType?: "string" | "number";
  description?: string;
  required: boolean;
  default?: unknown;
  /** Shown only when the discriminator field has one of these values. */
  when?: { field: string; values: string[] };
  /** This field chooses between the schema's alternatives. */
  discriminator?: boolean;
  /** What each option means, in words (the alternatives' own descriptions). */
  optionLabels?: Record<string, string>;
};

const WORDS: Record<string, string> = { id: "ID", url: "URL", api: "API", ms: "(ms)", cw: "CW" };
const NAMED: Record<string, string> = { kind: "Sign-in method", authType: "Sign-in method" };

/** `publicKey` → "Public key", `companyId` → "Company ID", `timeoutMs` → "Timeout (ms)". */
export function labelFor(name: string): string {
  if (NAMED[name]) return NAMED[name];
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[\s_]+/).map((w) => WORDS[w.toLowerCase()] ?? w.toLowerCase());
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function typeOf(name: string, prop: JsonProperty, options: string[] | undefined): SchemaField["type"] | null {
  if (options) return "select";
  if (prop.type === "array") {
    const item = prop.items;
    return item && (item.enum || ["string", "number", "integer"].includes(item.type ?? "")) ? "list" : null;
  }
  if (prop.type && !["string", "number", "integer", "boolean"].includes(prop.type)) return null;
  if (prop.type === "boolean") return "checkbox";
  if (prop.type === "number" || prop.type === "integer") return "number";
  return SECRET.test(name) ? "password" : "text";
}

/** Flattens a schema (including discriminated unions) to one list of scalar and list fields. */
export function fieldsOf(schema: z.ZodType): SchemaField[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const variants = json.oneOf ?? json.anyOf ?? [json];
  const discriminator =
    variants.length > 1 ? Object.keys(variants[0]!.properties ?? {}).find((key) => variants.every((v) => v.properties?.[key]?.const !== undefined)) : undefined;
  const fields = new Map<string, SchemaField>();
  for (const variant of variants) {
    const tag = discriminator ? variant.properties![discriminator]!.const! : null;
    for (const [name, prop] of Object.entries(variant.properties ?? {})) {
      const existing = fields.get(name);
      const options = prop.enum ?? (prop.const !== undefined ? [prop.const] : undefined);
      const required = (variant.required ?? []).includes(name);
      if (existing) {
        if (existing.options && options) existing.options = [...new Set([...existing.options, ...options])];
        if (existing.optionLabels && tag && prop.description) existing.optionLabels[tag] = prop.description;
        if (existing.when && tag) existing.when.values.push(tag);
        existing.required &&= required;
        continue;
      }
      const type = typeOf(name, prop, options);
      if (!type) continue;
      const listOptions = type === "list" ? prop.items?.enum : undefined;
      fields.set(name, {
        name,
        label: labelFor(name),
        type,
        ...(options ? { options } : listOptions ? { options: listOptions } : {}),
        ...(type === "list" ? { itemType: prop.items?.type === "number" || prop.items?.type === "integer" ? ("number" as const) : ("string" as const) } : {}),
        ...(prop.description ? { description: prop.description } : {}),
        ...(prop.default !== undefined ? { default: prop.default } : {}),
        required,
        ...(tag && name !== discriminator ? { when: { field: discriminator!, values: [tag] } } : {}),
        ...(name === discriminator ? { discriminator: true, optionLabels: prop.description && tag ? { [tag]: prop.description } : {} } : {}),
      });
    }
  }
  return [...fields.values()];
}

/** The alternative chosen: the posted or saved discriminator value, else the first. */
export function chosenVariant(fields: SchemaField[], values: Record<string, unknown>): string | null {
  const field = fields.find((f) => f.discriminator);
  if (!field) return null;
  const value = values[field.name];
  return typeof value === "string" && field.options?.includes(value) ? value : (field.options?.[0] ?? null);
}

/** The fields that apply to the chosen alternative. */
export function applicableFields(fields: SchemaField[], values: Record<string, unknown>): SchemaField[] {
  const chosen = chosenVariant(fields, values);
  return fields.filter((f) => !f.when || (chosen !== null && f.when.values.includes(chosen)));
}

/** Form strings to the types the schema expects; an empty scalar means "not given". */
export function typedValues(raw: Record<string, string[]>, prefix: string, fields: SchemaField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const all = raw[`${prefix}.${field.name}`] ?? [];
    const value = all.at(-1)?.trim();
    if (field.type === "checkbox") out[field.name] = value === "true";
    else if (field.type === "list") {
      const items = field.options ? all.filter(Boolean) : (value ?? "").split(/[,\n]+/).map((v) => v.trim()).filter(Boolean);
      // A number that is not one stays text, so the schema names the field in its answer.
      out[field.name] = field.itemType === "number" ? items.map((v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)) : items;
    } else if (value === undefined || value === "") continue;
    else out[field.name] = field.type === "number" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return out;
}

export function SchemaFields({
  prefix,
  fields,
  values = {},
  errors = {},
  help = {},
  keepSecrets = false,
  switchVariant,
}: {
  prefix: string;
  fields: SchemaField[];
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  help?: Record<string, string>;
  keepSecrets?: boolean;
  /** htmx attributes that re-render the form when the alternative changes. */
  switchVariant?: Record<string, string>;
}) {
  const chosen = chosenVariant(fields, values);
  return (
    <>
      {applicableFields(fields, values).map((field) => {
        const name = `${prefix}.${field.name}`;
        // An alternative's description says what its option means, so it labels the option.
        const text = [help[field.name], field.discriminator ? undefined : field.description].filter(Boolean).join(" ");
        const optionLabel = (o: string) => (field.optionLabels?.[o] ? `${o}: ${field.optionLabels[o]!.replace(/\.$/, "")}` : o);
        const value = values[field.name] ?? (keepSecrets ? undefined : field.default);
        if (field.type === "select") {
          const select = (
            <SelectField name={name} label={field.label} options={field.options!.map((o) => ({ value: o, label: optionLabel(o) }))} value={field.discriminator ? (chosen ?? undefined) : typeof value === "string" ? value : undefined} errors={errors} />
          );
          return (
            <>
              {field.discriminator && switchVariant ? <div {...switchVariant}>{select}</div> : select}
              {text ? <p class="help field-help">{text}</p> : null}
            </>
          );
        }
        if (field.type === "checkbox") {
          return (
            <div class="field field-checkbox">
              <label>
                <input type="checkbox" name={name} value="true" checked={value === true} /> {field.label}
              </label>
              {text ? <p class="help">{text}</p> : null}
            </div>
          );
        }
        if (field.type === "list") {
          const items = Array.isArray(value) ? value.map(String) : [];
          if (field.options) {
            return (
              <fieldset class={errors[name] ? "checks field-invalid" : "checks"}>
                <legend>{field.label}</legend>
                {text ? <p class="help">{text}</p> : null}
                <div class="check-grid">
                  {field.options.map((o) => (
                    <label>
                      <input type="checkbox" name={name} value={o} checked={items.includes(o)} /> {o}
                    </label>
                  ))}
                </div>
                {errors[name] ? <p class="field-error">{errors[name]}</p> : null}
              </fieldset>
            );
          }
          return <Field name={name} label={field.label} value={items.join(", ")} errors={errors} help={[text, "Comma-separated."].filter(Boolean).join(" ")} autocomplete="off" />;
        }
        // Stored credentials are never rendered back, secret or not: every field starts empty.
        const secretHelp = keepSecrets ? "Leave blank to keep the stored value." : "";
        return (
          <Field
            name={name}
            label={field.label}
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
