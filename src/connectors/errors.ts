// Every vendor failure becomes a ConnectorError of one kind, carrying the vendor's own message
// (the admin acts on it) and, for rate limits, when to try again.
export type ConnectorErrorKind =
  | "auth"
  | "permission"
  | "not_found"
  | "validation"
  | "rate_limited"
  | "transient"
  | "invalid_response";

export class ConnectorError extends Error {
  override name = "ConnectorError";
  constructor(
    readonly kind: ConnectorErrorKind,
    /** The vendor's message, verbatim where it gave one. */
    readonly vendorMessage: string,
    readonly details: { status?: number; retryAfterSeconds?: number; method?: string; url?: string } = {},
  ) {
    super(`${kind}: ${vendorMessage}`);
  }

  /** Worth retrying later (after `retryAfterSeconds` where given). */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "transient";
  }
}

/** The kind an HTTP status means, before any vendor-specific nuance. */
export function kindForStatus(status: number): ConnectorErrorKind {
  if (status === 401) return "auth";
  if (status === 403) return "permission";
  if (status === 404 || status === 410) return "not_found";
  if (status === 429) return "rate_limited";
  if (status === 408 || status >= 500) return "transient";
  return "validation";
}

/**
 * Stored credentials whose account row no longer names the platform and base URL they were
 * entered for (they are bound together when encrypted): nothing is sent, and the admin is told to
 * enter them again. An auth failure for the sync engine, so runs say so and resume once fixed.
 */
export class CredentialsUnbound extends ConnectorError {
  override name = "CredentialsUnbound";
  constructor() {
    super("auth", "The stored credentials were not entered for this base URL and platform: enter them again on the platform account.");
  }
}
