// Reading posted forms whose fields repeat (checkbox groups, pair rows): every value of every
// field, and small readers for the shapes forms post.
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { readFormBody } from "../../lib/form-body";

export type FormValues = Record<string, string[]>;

export async function formValues(c: Context<AppEnv>): Promise<FormValues> {
  const body = await readFormBody(c);
  const out: FormValues = Object.create(null) as FormValues;
  for (const [key, values] of Object.entries(body)) out[key] = values.filter((v): v is string => typeof v === "string");
  return out;
}

/** The field's last value, trimmed; null when empty or absent. */
export const text = (form: FormValues, name: string): string | null => form[name]?.at(-1)?.trim() || null;
/** A checkbox posted with value "true". */
export const ticked = (form: FormValues, name: string): boolean => form[name]?.includes("true") ?? false;
/** Every non-empty value of a repeated field (a checkbox group). */
export const all = (form: FormValues, name: string): string[] => (form[name] ?? []).filter((v) => v !== "");
