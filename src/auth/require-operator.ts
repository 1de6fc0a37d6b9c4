// Operator-only routes: anyone else, signed in or not, gets the same 404 as for a route that does
// not exist, so the operator area is not even seen to exist.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { isOperator, notAnOperator } from "../services/operator";

export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  if (!isOperator(c.get("principal"), c.get("config").operatorEmails)) throw notAnOperator();
  await next();
});
