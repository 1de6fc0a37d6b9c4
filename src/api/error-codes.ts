// The closed set of API error codes and the one place that maps them to HTTP statuses. Adding a
// code means adding it here; nothing else may invent one.
import { z } from "zod";

export const API_ERROR_STATUS = {
  invalid_input: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  /** A webhook delivery whose signature (or URL secret) does not verify. */
  webhook_signature_invalid: 401,
  /** A webhook delivery signed more than five minutes from now, either way. */
  webhook_timestamp_stale: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** A change of where an account's credentials go (its base URL) without typing them again. */
  credentials_required: 400,
  already_set_up: 409,
  /** This install creates no organisations by sign-up (SIGNUP=closed, or not set up yet). */
  signup_closed: 403,
  /** This install signs up only partners holding a connection's verification code (SIGNUP=invite). */
  invitation_required: 403,
  /** No pending connection has this verification code (or another organisation already used it). */
  invitation_invalid: 400,
  /** The verification code was right but its seven days are over: the partner must create a new one. */
  invitation_expired: 410,
  initial_sync_required: 409,
  billing_required: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  not_configured: 503,
  /** Something we depend on failed for now; the caller should retry (webhook senders do). */
  temporarily_unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
export const apiErrorCodes = Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]];

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(apiErrorCodes).describe("Stable, machine-readable error code."),
      message: z.string().describe("What went wrong, for a person."),
      details: z.unknown().optional().describe("Extra facts, e.g. the invalid fields and their paths."),
      requestId: z.string().describe("Quote this id when asking for help; it is in the server log."),
    }),
  })
  .meta({ id: "Error" });

export type ErrorBody = z.infer<typeof errorBodySchema>;

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  get status(): (typeof API_ERROR_STATUS)[ApiErrorCode] {
    return API_ERROR_STATUS[this.code];
  }
}

/** The 404 used for anything not found *or not visible to the caller*: ids must not leak. */
export function notFound(what: string): ApiError {
  return new ApiError("not_found", `${what} not found.`);
}
