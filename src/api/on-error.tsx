// One error handler for the whole app: every failure leaves as the same JSON body, or as an HTML
// fragment with the same message when htmx asked, and carries the request id.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { ConfigError } from "../env";
import type { AppEnv } from "../app-env";
import { ApiError, type ErrorBody } from "./error-codes";
import { renderErrorFragment } from "../../views/components/error-fragment";
import { Layout } from "../../views/layout";
import { ErrorPage } from "../../views/pages/error";

/** A person's browser navigating to a page gets a page, not JSON. */
function wantsPage(c: Context<AppEnv>): boolean {
  const path = new URL(c.req.url).pathname;
  if (path.startsWith("/api/") || path.startsWith("/hooks/")) return false;
  return (c.req.header("Accept") ?? "").includes("text/html");
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof z.ZodError) return invalidInput(err);
  if (err instanceof ConfigError) return new ApiError("not_configured", err.message);
  if (err instanceof HTTPException) {
    if (err.status === 403) return new ApiError("csrf_failed", "This request did not come from a Lockstep page.");
    if (err.status === 413) return new ApiError("payload_too_large", "The request body is too large.");
    if (err.status === 401) return new ApiError("unauthenticated", "Sign in, or send an API token.");
    if (err.status === 400) return new ApiError("invalid_input", err.message || "The request is malformed.");
  }
  return new ApiError("internal_error", "Something went wrong on our side. It has been logged.");
}

export function invalidInput(err: { issues: readonly z.core.$ZodIssue[] }): ApiError {
  const fields = err.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
  const summary = fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join("; ");
  return new ApiError("invalid_input", `Invalid input: ${summary}`, { fields });
}

export function errorResponse(c: Context<AppEnv>, error: ApiError): Response | Promise<Response> {
  const requestId = c.get("requestId") ?? "unknown";
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  if (c.req.header("HX-Request") === "true") {
    // htmx swaps only 2xx bodies by default; the page's error target shows this fragment.
    c.header("HX-Retarget", "#flash");
    c.header("HX-Reswap", "innerHTML");
    return c.html(renderErrorFragment(error.message, requestId), error.status);
  }
  if (wantsPage(c)) {
    const principal = c.get("principal");
    return c.html(
      <Layout title="Error" principal={principal} csrfToken={principal?.csrfToken}>
        <ErrorPage status={error.status} message={error.message} requestId={requestId} />
      </Layout>,
      error.status,
    );
  }
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      requestId,
    },
  };
  return c.json(body, error.status);
}

export function onError(err: Error, c: Context<AppEnv>): Response | Promise<Response> {
  const error = toApiError(err);
  if (error.status >= 500) console.error(`[${c.get("requestId")}]`, err);
  return errorResponse(c, error);
}
