// Cookie names and attributes. Over https the session cookie takes the `__Host-` prefix (which
// requires Secure and forbids Domain); on http://localhost browsers drop Secure cookies, so the
// local development server uses a plain name without Secure.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { IDLE_SECONDS, ABSOLUTE_SECONDS } from "../services/sessions";

function isSecure(c: Context): boolean {
  const url = new URL(c.req.url);
  return !(url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
}

export function sessionCookieName(c: Context): string {
  return isSecure(c) ? "__Host-lockstep_session" : "lockstep_session";
}

export function csrfCookieName(c: Context): string {
  return isSecure(c) ? "__Host-lockstep_csrf" : "lockstep_csrf";
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, sessionCookieName(c));
}

export function writeSessionCookie(c: Context, token: string) {
  setCookie(c, sessionCookieName(c), token, {
    httpOnly: true,
    secure: isSecure(c),
    sameSite: "Lax",
    path: "/",
    // The server-side row decides when the session really ends; the cookie just must outlive it.
    maxAge: Math.max(IDLE_SECONDS, ABSOLUTE_SECONDS),
  });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, sessionCookieName(c), { path: "/", secure: isSecure(c) });
}

export function readCsrfCookie(c: Context): string | undefined {
  return getCookie(c, csrfCookieName(c));
}

export function writeCsrfCookie(c: Context, value: string) {
  setCookie(c, csrfCookieName(c), value, { httpOnly: true, secure: isSecure(c), sameSite: "Lax", path: "/" });
}
