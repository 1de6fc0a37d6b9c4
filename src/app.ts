// The Hono app: request id, config and database, security headers, the webhook receivers (which
// platforms call, so no session or CSRF applies), authentication and CSRF, then the JSON API and
// the pages. One error handler answers for all.
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env";
import { ApiError } from "./api/error-codes";
import { onError } from "./api/on-error";
import { requestId } from "./api/request-id";
import { authenticate } from "./auth/authenticate";
import { csrfProtection } from "./auth/csrf";
import { createDb } from "./db/client";
import { loadConfig } from "./env";
import { outboundFetch } from "./connectors/outbound-fetch";
import { api } from "./routes/api/index";
import { hooks } from "./routes/hooks";
import { pages } from "./routes/pages/index";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId);
  // Static files get the same headers from public/_headers (a test keeps the two equal).
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      referrerPolicy: "same-origin",
      // As frame-ancestors 'none' says, for browsers that only know the older header.
      xFrameOptions: "DENY",
    }),
  );
  // Nothing the Worker answers is for a cache to keep: new API tokens, webhook secrets and
  // invitation codes are shown once, and the rest is one tenant's data. A route that wants
  // caching sets its own Cache-Control.
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
  app.use(async (c, next) => {
    c.set("config", loadConfig(c.env));
    c.set("db", createDb(c.env.DB));
    c.set("outboundFetch", outboundFetch());
    await next();
  });
  // Platforms call these with a signature or a secret in the URL, never a session: they are
  // answered before authentication and CSRF, which would refuse or misread them.
  app.route("/hooks", hooks);
  app.use(authenticate);
  app.use(csrfProtection);

  app.route("/api/v1", api);
  // Unknown API paths answer 404 in the API's shape, never a sign-in redirect.
  app.all("/api/*", () => {
    throw new ApiError("not_found", "No such API route. See /api/v1/openapi.json.");
  });
  app.route("/", pages);

  app.notFound(() => {
    throw new ApiError("not_found", "There is nothing at this address.");
  });
  app.onError(onError);
  return app;
}
