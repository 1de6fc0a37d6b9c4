// Keys that must never become object properties built from outside input. Assigning `__proto__`
// on a plain object replaces its prototype (and a path through it writes onto Object.prototype,
// shared by every tenant of the isolate); `constructor` and `prototype` lead to the same place.
// Forms and JSON are refused when a name holds one of them, rather than silently dropping it.
import { ApiError } from "../api/error-codes";

const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"]);

/** True for one object key (a JSON key) that is forbidden. */
export const isForbiddenKey = (key: string): boolean => FORBIDDEN_KEYS.has(key);

/** True when the name, or any of its dotted or bracketed parts (`a.b`, `a[b]`), is forbidden. */
export function isForbiddenName(name: string): boolean {
  return name.split(/[.[\]]/).some((part) => FORBIDDEN_KEYS.has(part.trim()));
}

export function forbiddenNameError(name: string): ApiError {
  return new ApiError("invalid_input", "The request holds a field name that is not allowed (__proto__, prototype or constructor).", {
    fields: [{ path: name.slice(0, 100), message: "is not an allowed field name" }],
  });
}

/** Throws `invalid_input` (400) when any key is forbidden. */
export function assertSafeNames(names: Iterable<string>): void {
  for (const name of names) if (isForbiddenName(name)) throw forbiddenNameError(name);
}
