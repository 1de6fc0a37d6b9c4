// The one reader of posted forms (urlencoded or multipart): every value of every field, in an
// object without a prototype, after refusing field names that could reach Object.prototype when
// they are later turned into nested objects. Everything that reads a form body goes through here.
import type { Context } from "hono";
import { assertSafeNames } from "./safe-keys";

export type FormBody = Record<string, (string | File)[]>;

export async function readFormBody(c: Context): Promise<FormBody> {
  const parsed = await c.req.parseBody({ all: true });
  assertSafeNames(Object.keys(parsed));
  const out: FormBody = Object.create(null) as FormBody;
  for (const [key, value] of Object.entries(parsed)) out[key] = Array.isArray(value) ? value : [value];
  return out;
}

/** The field's last string value, as a form with one field of that name posts it. */
export function lastString(body: FormBody, name: string): string | undefined {
  const value = Object.hasOwn(body, name) ? body[name]?.at(-1) : undefined;
  return typeof value === "string" ? value : undefined;
}
