// The caller's own account. Mounted before the admin-only write rule: viewers change their own
// password too.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody } from "../../api/openapi";
import { changeOwnPasswordSchema, passwordChangeSchema } from "../../schemas/users";
import { changeOwnPassword } from "../../services/passwords";

export const accountApi = new Hono<AppEnv>().post(
  "/account/password",
  describe({
    summary: "Change your own password",
    description:
      "Needs your current password; a wrong one counts as a failed sign-in (429 with Retry-After after five). Ends your other sessions and revokes the API tokens you made, the calling one included.",
    tags: ["Users"],
    access: "viewer",
    responses: { 200: { description: "Changed.", schema: passwordChangeSchema } },
    errors: ["rate_limited"],
  }),
  jsonBody(changeOwnPasswordSchema),
  async (c) => c.json(await changeOwnPassword({ db: c.get("db"), throttle: c.env.SIGN_IN_THROTTLE }, c.get("principal")!, c.req.valid("json"), c.req.header("CF-Connecting-IP"))),
);
