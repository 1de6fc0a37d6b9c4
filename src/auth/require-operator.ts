// Operator-only routes: anyone else, signed in or not, gets the same 404 as for a route that does
// not exist, so the operator area is not even seen to exist.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api/error-codes";
import type { Principal } from "./principal";

export function isOperator(principal: Pick<Principal, "userEmail"> | undefined, operatorEmails: readonly string[]): boolean {
  return Boolean(principal && operatorEmails.includes(principal.userEmail.toLowerCase()));
}

/** The one answer a non-operator gets, the same as for a route that does not exist. */
export const notAnOperator = () => new ApiError("not_found", "Not found.");

export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  if (!isOperator(c.get("principal"), c.get("config").operatorEmails)) throw notAnOperator();
  await next();
});
