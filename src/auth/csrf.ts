// CSRF protection for every state-changing request that a browser could be tricked into sending.
//
// 1. Requests authenticated by an API token carry no ambient authority: nothing to protect.
// 2. Requests with a session cookie must present the session's CSRF token, in the
//    `X-CSRF-Token` header (htmx sends it from `hx-headers` on <body>) or the `_csrf` form field.
// 3. Anonymous form posts (sign-in, first-run setup) use a double-submit cookie: the form field
//    must equal the random value in an HttpOnly cookie set when the form was rendered.
// 4. Anonymous JSON requests need no token: a cross-site page cannot send `application/json`
//    without a CORS preflight, which this app never grants.
// Comparisons are constant-time. A failure answers 403 `csrf_failed` before the handler runs.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api/error-codes";
import { constantTimeEqual, randomToken } from "../crypto/hash";
import { readCsrfCookie, writeCsrfCookie } from "./cookies";
import { lastString, readFormBody } from "../lib/form-body";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

function isFormLike(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "" || FORM_TYPES.includes(type);
}

export const csrfProtection = createMiddleware<AppEnv>(async (c, next) => {
  // Make an anonymous token available to forms rendered before sign-in.
  let anonymous = readCsrfCookie(c);
  if (!anonymous) {
    anonymous = randomToken();
    writeCsrfCookie(c, anonymous);
  }
  c.set("anonymousCsrf", anonymous);

  if (SAFE_METHODS.has(c.req.method)) return next();
  const principal = c.get("principal");
  if (principal?.via === "token") return next();

  const formLike = isFormLike(c.req.header("Content-Type"));
  const expected = principal?.via === "session" ? principal.csrfToken : formLike ? readCsrfCookie(c) : null;
  if (expected === null) return next();

  let presented = c.req.header("X-CSRF-Token");
  if (!presented && formLike && c.req.header("Content-Type")) {
    presented = lastString(await readFormBody(c), "_csrf");
  }
  if (!expected || !presented || !(await constantTimeEqual(expected, presented))) {
    throw new ApiError("csrf_failed", "The form has expired or did not come from Lockstep. Reload the page and try again.");
  }
  return next();
});
