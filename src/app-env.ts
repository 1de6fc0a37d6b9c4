import type { AppConfig } from "./env";
import type { Db } from "./db/client";
import type { Principal } from "./auth/principal";
import type { FetchLike } from "./connectors/http-client";

/** What every handler can read from the context. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: AppConfig;
    db: Db;
    /** Set when the request carries a valid session cookie or API token. */
    principal?: Principal;
    /** How connectors reach platforms: the global fetch, or the demo's in-process simulators. */
    outboundFetch: FetchLike;
    /** The anonymous double-submit CSRF token (pages shown before sign-in). */
    anonymousCsrf?: string;
  };
};
