// Resolves the caller from `Authorization: Bearer <token>` or the session cookie. It never
// refuses on its own: routes decide whether they need a principal (requireAuth, requireRole).
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api/error-codes";
import { resolveToken } from "../services/api-tokens";
import { resolveSession } from "../services/sessions";
import { readSessionCookie } from "./cookies";
import { hasRole, type Role } from "./principal";

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const db = c.get("db");
  const authorization = c.req.header("Authorization");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = match?.[1] ? await resolveToken(db, match[1]) : null;
    // A bad token is refused outright rather than silently falling back to the cookie.
    if (!principal) throw new ApiError("unauthenticated", "The API token is invalid or has been revoked.");
    c.set("principal", principal);
  } else {
    const cookie = readSessionCookie(c);
    const principal = cookie ? await resolveSession(db, cookie) : null;
    if (principal) c.set("principal", principal);
  }
  await next();
});

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("principal")) throw new ApiError("unauthenticated", "Sign in, or send an API token as `Authorization: Bearer …`.");
  await next();
});

export function requireRole(role: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw new ApiError("unauthenticated", "Sign in, or send an API token as `Authorization: Bearer …`.");
    if (!hasRole(principal, role)) {
      throw new ApiError("forbidden", role === "owner" ? "Only an owner can do this." : "Your role is read-only: ask an admin.");
    }
    await next();
  });
}

/** Every state-changing method needs at least `admin`: viewers are read-only everywhere. */
export const writesNeedAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const principal = c.get("principal");
  if (principal && !["GET", "HEAD", "OPTIONS"].includes(c.req.method) && !hasRole(principal, "admin")) {
    throw new ApiError("forbidden", "Your role is read-only: ask an admin.");
  }
  await next();
});
