// Service errors turned into what a form shows: invalid input becomes messages next to the
// fields it names; any other ApiError a person can act on becomes the form's message.
import { ApiError } from "../../api/error-codes";
import type { FieldErrors } from "../../../views/components/form";

const capitalise = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);

/**
 * Field errors of an `invalid_input` ApiError, keyed by the form's field names: `prefix` is cut
 * from each path (`side.settings.` for a side's settings) and `rename` maps what remains.
 */
export function fieldErrorsOf(err: unknown, options: { prefix?: string; rename?: (path: string) => string } = {}): FieldErrors | null {
  if (!(err instanceof ApiError) || err.code !== "invalid_input") return null;
  const fields = (err.details as { fields?: { path: string; message: string }[] } | undefined)?.fields ?? [];
  const errors: FieldErrors = {};
  for (const field of fields) {
    let path = options.prefix && field.path.startsWith(options.prefix) ? field.path.slice(options.prefix.length) : field.path;
    if (options.rename) path = options.rename(path);
    errors[path] ??= capitalise(field.message);
  }
  return errors;
}

/** The message of an ApiError a person can fix (not found, conflict); anything else is rethrown. */
export function actionableMessage(err: unknown, codes: ApiError["code"][] = ["not_found", "conflict", "forbidden"]): string {
  if (err instanceof ApiError && codes.includes(err.code)) return err.message;
  throw err;
}
