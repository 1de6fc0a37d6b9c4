// How a connector proves who it is, chosen by data rather than written per connector. Each style
// is one of the ways our platforms authenticate; `authorizer` turns the style into the two hooks
// the HTTP client calls: `authorize` before each request, and `renew` after a 401 (only an OAuth
// token can be renewed; a fixed key that is refused stays refused).
import { z } from "zod";
import type { FetchLike } from "../http-client";
import { HttpClient } from "../http-client";

export type AuthStyleKind = "basic" | "headers" | "bearer" | "oauth-client-credentials";

export type AuthStyle =
  /** HTTP Basic (RFC 7617), user and password encoded as UTF-8. */
  | { kind: "basic"; username: string; password: string }
  /** Fixed headers (Autotask's `UserName`/`Secret`/`ApiIntegrationCode`; ConnectWise's `clientId`). */
  | { kind: "headers"; headers: Record<string, string> }
  /** A fixed token after a scheme (`Bearer …`, RT's `token …`). */
  | { kind: "bearer"; token: string; scheme?: string }
  /**
   * OAuth 2.0 client credentials (RFC 6749 §4.4): a token from `tokenUrl`, cached until a minute
   * before it expires, renewed once when a call answers 401 (the platform may revoke a token early).
   */
  | {
      kind: "oauth-client-credentials";
      tokenUrl: string;
      /** The form fields: grant_type, client_id, client_secret, and any scope the platform wants. */
      form: Record<string, string>;
    };

/** What a token endpoint answers (RFC 6749 §5.1). A rotated refresh token is handed to `rotated`. */
const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  token_type: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});
export type TokenAnswer = z.infer<typeof tokenAnswerSchema>;

/** A token kept between calls (per client by default; tests and the DO may share one). */
export type TokenCache = {
  get(): { value: string; expiresAt: number } | null;
  set(token: { value: string; expiresAt: number } | null): void;
};

export function memoryTokenCache(): TokenCache {
  let token: { value: string; expiresAt: number } | null = null;
  return { get: () => token, set: (next) => (token = next) };
}

export type Authorizer = {
  authorize(headers: Headers): void | Promise<void>;
  /** After a 401: true when fresh credentials were obtained, so the call is worth sending once more. */
  renew(): Promise<boolean>;
};

export type AuthorizerDeps = {
  fetch: FetchLike;
  /** Parses a vendor error body, for a token endpoint's refusal. */
  vendorMessage: (status: number, body: string) => string | null;
  timeoutMs?: number;
  now?: () => number;
  cache?: TokenCache;
  /** The port for credentials the platform rotates: called with the token answer when it carries a
   * new refresh token, so the account's stored credentials are replaced (see ConnectorContext). */
  rotated?: (answer: TokenAnswer) => Promise<void>;
};

/** Base64 of UTF-8, so a non-ASCII password is sent as RFC 7617 says rather than thrown by btoa. */
export function basicCredentials(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Renew a minute early so a token never expires between check and use. */
const EARLY_MS = 60_000;
/** A token endpoint that names no lifetime: assume an hour, the common default. */
const DEFAULT_LIFETIME_S = 3600;

export function authorizer(styles: AuthStyle | AuthStyle[], deps: AuthorizerDeps): Authorizer {
  const list = Array.isArray(styles) ? styles : [styles];
  const oauth = list.find((s): s is Extract<AuthStyle, { kind: "oauth-client-credentials" }> => s.kind === "oauth-client-credentials");
  const cache = deps.cache ?? memoryTokenCache();
  const now = deps.now ?? (() => Date.now());

  async function token(style: Extract<AuthStyle, { kind: "oauth-client-credentials" }>): Promise<string> {
    const cached = cache.get();
    if (cached && cached.expiresAt - EARLY_MS > now()) return cached.value;
    const url = new URL(style.tokenUrl);
    const client = new HttpClient({ fetch: deps.fetch, baseUrl: url.origin, authorize: () => {}, vendorMessage: deps.vendorMessage, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    const { data } = await client.json("POST", url.pathname + url.search, tokenAnswerSchema, {
      body: new URLSearchParams(style.form).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    cache.set({ value: data.access_token, expiresAt: now() + (data.expires_in ?? DEFAULT_LIFETIME_S) * 1000 });
    if (data.refresh_token && deps.rotated) await deps.rotated(data);
    return data.access_token;
  }

  return {
    async authorize(headers) {
      for (const style of list) {
        switch (style.kind) {
          case "basic":
            headers.set("Authorization", basicCredentials(style.username, style.password));
            break;
          case "headers":
            for (const [name, value] of Object.entries(style.headers)) headers.set(name, value);
            break;
          case "bearer":
            headers.set("Authorization", `${style.scheme ?? "Bearer"} ${style.token}`);
            break;
          case "oauth-client-credentials":
            headers.set("Authorization", `Bearer ${await token(style)}`);
            break;
        }
      }
    },
    async renew() {
      if (!oauth || !cache.get()) return false;
      cache.set(null);
      return true;
    },
  };
}
