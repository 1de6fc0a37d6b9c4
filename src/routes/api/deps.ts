import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import type { AccountDeps } from "../../services/platform-accounts";

/** What the platform-account services need, from the request's context. */
export function accountDeps(c: Context<AppEnv>): AccountDeps {
  const config = c.get("config");
  return {
    db: c.get("db"),
    encryptionKey: config.encryptionKey,
    // Plain http to loopback only while developing locally (the demo's simulators).
    allowLoopbackHttp: config.appEnv === "development",
    fetch: c.get("outboundFetch"),
  };
}
