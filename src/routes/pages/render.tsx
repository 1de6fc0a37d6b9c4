// Page plumbing shared by every page route: render inside the layout with the caller's CSRF
// token, carry one flash message across a redirect, parse forms with the API's zod schemas.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Child } from "hono/jsx";
import type { z } from "zod";
import type { AppEnv } from "../../app-env";
import { lastString, readFormBody, type FormBody } from "../../lib/form-body";
import type { Principal } from "../../auth/principal";
import { isOperator } from "../../auth/require-operator";
import { Layout, type LayoutProps } from "../../../views/layout";
import type { FieldErrors } from "../../../views/components/form";

const FLASH_COOKIE = "lockstep_flash";

export function csrfFor(c: Context<AppEnv>): string {
  return c.get("principal")?.csrfToken ?? c.get("anonymousCsrf") ?? "";
}

type Flash = NonNullable<LayoutProps["flash"]>;

export function render(
  c: Context<AppEnv>,
  title: string,
  body: Child,
  options: { active?: string; status?: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 429 | 500 | 503; flash?: Flash } = {},
) {
  c.header("Cache-Control", "no-store");
  // htmx asked for this view: answer the same component without the frame, so one view serves
  // both the full page and the fragment swapped into it. A carried flash waits for a full page.
  if (isFragmentRequest(c)) {
    const flash = options.flash;
    return c.html(
      <>
        {body}
        {flash ? (
          <div id="flash" aria-live="polite" hx-swap-oob="true">
            <div class={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>{flash.message}</div>
          </div>
        ) : null}
      </>,
      options.status ?? 200,
    );
  }
  let flash = options.flash;
  const carried = getCookie(c, FLASH_COOKIE);
  if (!flash && carried) {
    try {
      flash = JSON.parse(carried) as Flash;
    } catch {
      // A mangled flash cookie is not worth an error page.
    }
  }
  if (carried) deleteCookie(c, FLASH_COOKIE, { path: "/" });
  const props: LayoutProps = { title, principal: c.get("principal"), csrfToken: c.get("principal")?.csrfToken, flash, children: body };
  if (options.active) props.active = options.active;
  if (isOperator(c.get("principal"), c.get("config").operatorEmails)) props.operator = true;
  return c.html(<Layout {...props} />, options.status ?? 200);
}

/** An htmx request for part of a page (a boosted link wants the whole page). */
export function isFragmentRequest(c: Context<AppEnv>): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-Boosted") !== "true";
}

/** Redirect after a successful form post (POST/redirect/GET), with a message for the next page. */
export function redirectWithFlash(c: Context<AppEnv>, location: string, flash: Flash) {
  setCookie(c, FLASH_COOKIE, JSON.stringify(flash), { path: "/", httpOnly: true, sameSite: "Lax", maxAge: 60 });
  if (c.req.header("HX-Request") === "true") {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}

/** Pages need a signed-in user; anyone else is sent to sign in and brought back afterwards. */
export const requireSignedIn = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("principal")?.via === "session") return next();
  const url = new URL(c.req.url);
  const location = `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
  if (c.req.header("HX-Request") === "true") {
    c.header("HX-Redirect", location);
    return c.body(null, 401);
  }
  return c.redirect(location, 303);
});

export function signedIn(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new Error("requireSignedIn must run before this handler");
  return principal;
}

/**
 * Turns `a.b=1` form fields into `{a:{b:"1"}}`, so forms and JSON share one schema. Every object
 * is prototype-less, and readFormBody has already refused names that are `__proto__` & co.
 */
function nest(fields: FormBody): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, values] of Object.entries(fields)) {
    const value = values.at(-1);
    if (key === "_csrf" || typeof value !== "string") continue;
    const parts = key.split(".");
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const child = Object.hasOwn(node, part) ? node[part] : undefined;
      // `a=1` and `a.b=2` in one form: the nested name wins, as it would as a JSON key.
      node = (typeof child === "object" && child !== null ? child : (node[part] = Object.create(null))) as Record<string, unknown>;
    }
    const leaf = parts.at(-1)!;
    // An empty optional field means "not given", as an absent JSON key would.
    if (value !== "") node[leaf] = value;
  }
  return out;
}

export async function parseForm<T extends z.ZodType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<{ ok: true; data: z.output<T> } | { ok: false; errors: FieldErrors; raw: Record<string, string> }> {
  const body = await readFormBody(c);
  const raw: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of Object.keys(body)) {
    const value = lastString(body, key);
    if (value !== undefined) raw[key] = value;
  }
  const result = schema.safeParse(nest(body));
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) errors[issue.path.map(String).join(".")] ??= formMessage(issue);
  return { ok: false, errors, raw };
}

/** An empty field reaches the schema as absent: say it is required, not "received undefined". */
function formMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return "Is required";
  return capitalise(issue.message);
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
