// Keys a request names that its schema does not know. zod drops them quietly, so a typo
// (`dryrun` for `dryRun`, `statusID` in a side's defaults) used to be answered 200 and do nothing:
// the admin believed a setting was saved that no run would ever see. The API refuses such a body
// instead, naming each unknown key and the one it probably meant.
//
// The walk follows the schema beside the value. Stored settings keep parsing leniently (a key a
// later version drops must not break a saved connection); only what a caller sends is held to
// the schema's exact shape.
import type { z } from "zod";
import { invalidInput } from "./on-error";

export type UnknownKey = { path: (string | number)[]; key: string; suggestion: string | null };

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** The schema a value of `schema` is checked against once wrappers (optional, default…) are off. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"].includes(def.type)) current = def.innerType as z.ZodType;
    else if (def.type === "pipe") current = def.in as z.ZodType;
    else if (def.type === "lazy") current = (def.getter as () => z.ZodType)();
    else return current;
  }
  return current;
}

/** Every key the object schemas of `schema` (all options of a union) accept, or null for any key. */
function knownKeysOf(schema: z.ZodType): { keys: Map<string, z.ZodType[]>; open: boolean } | null {
  const def = defOf(unwrap(schema));
  if (def.type === "object") {
    const shape = def.shape as Record<string, z.ZodType>;
    const catchall = def.catchall as z.ZodType | undefined;
    // A catch-all of `unknown`/`any` (z.looseObject) takes any key; `never` (z.strictObject) none.
    const open = catchall !== undefined && defOf(catchall).type !== "never";
    return { keys: new Map(Object.entries(shape).map(([k, v]) => [k, [v]])), open };
  }
  if (def.type === "union") {
    const merged = new Map<string, z.ZodType[]>();
    let any = false;
    for (const option of def.options as z.ZodType[]) {
      const known = knownKeysOf(option);
      if (!known) continue;
      any = true;
      if (known.open) return { keys: merged, open: true };
      for (const [k, v] of known.keys) merged.set(k, [...(merged.get(k) ?? []), ...v]);
    }
    return any ? { keys: merged, open: false } : null;
  }
  if (def.type === "intersection") {
    const left = knownKeysOf(def.left as z.ZodType);
    const right = knownKeysOf(def.right as z.ZodType);
    if (!left || !right) return left ?? right;
    const keys = new Map(left.keys);
    for (const [k, v] of right.keys) keys.set(k, [...(keys.get(k) ?? []), ...v]);
    return { keys, open: left.open || right.open };
  }
  return null;
}

/** The known key an unknown one most likely meant: the same letters in another case, a key it
 * begins (`manualCooldown` for `manualCooldownSeconds`), or one or two letters off. */
function suggest(key: string, known: Iterable<string>): string | null {
  const lower = key.toLowerCase().replace(/[_-]/g, "");
  let best: { key: string; distance: number } | null = null;
  for (const candidate of known) {
    const other = candidate.toLowerCase().replace(/[_-]/g, "");
    const prefix = Math.min(lower.length, other.length) >= 4 && (other.startsWith(lower) || lower.startsWith(other));
    const distance = other === lower ? 0 : prefix ? 1 : editDistance(lower, other);
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key ?? null;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** Unknown keys in `value` as `schema` reads it, deepest paths included. Iterative: a deeply
 * nested body cannot exhaust the stack. */
export function unknownKeys(schema: z.ZodType, value: unknown): UnknownKey[] {
  const found: UnknownKey[] = [];
  const pending: { schemas: z.ZodType[]; value: unknown; path: (string | number)[] }[] = [{ schemas: [schema], value, path: [] }];
  while (pending.length && found.length < 50) {
    const { schemas, value: current, path } = pending.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (Array.isArray(current)) {
      const elements = schemas.map(unwrap).map(defOf).filter((d) => d.type === "array").map((d) => d.element as z.ZodType);
      if (elements.length) current.forEach((item, i) => pending.push({ schemas: elements, value: item, path: [...path, i] }));
      continue;
    }
    const records = schemas.map(unwrap).map(defOf).filter((d) => d.type === "record");
    if (records.length) {
      for (const [k, v] of Object.entries(current)) pending.push({ schemas: records.map((d) => d.valueType as z.ZodType), value: v, path: [...path, k] });
      continue;
    }
    const known = schemas.map(knownKeysOf);
    // A schema that is not an object (z.unknown, a free-form value) checks nothing beneath it.
    if (known.some((k) => k === null || k.open)) continue;
    const keys = new Map<string, z.ZodType[]>();
    for (const k of known) for (const [name, inner] of k!.keys) keys.set(name, [...(keys.get(name) ?? []), ...inner]);
    for (const [k, v] of Object.entries(current)) {
      const inner = keys.get(k);
      if (inner) pending.push({ schemas: inner, value: v, path: [...path, k] });
      else found.push({ path: [...path, k], key: k, suggestion: suggest(k, keys.keys()) });
    }
  }
  return found.sort((a, b) => a.path.join(".").localeCompare(b.path.join(".")));
}

/** Refuses `input` when it names a key `schema` does not know: such a key would do nothing.
 * `prefix` places the keys in the whole request (`settings`, `side.settings`). */
export function refuseUnknownKeys(schema: z.ZodType, input: unknown, prefix: (string | number)[] = []): void {
  const unknown = unknownKeys(schema, input);
  if (!unknown.length) return;
  throw invalidInput({
    issues: unknown.map((u) => ({
      code: "unrecognized_keys" as const,
      keys: [u.key],
      path: [...prefix, ...u.path],
      input: undefined,
      message: `\`${u.key}\` is not a field here, so it would do nothing${u.suggestion ? `; did you mean \`${u.suggestion}\`?` : ""}`,
    })),
  });
}
