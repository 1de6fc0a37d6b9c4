import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody } from "../../api/openapi";
import { signupResultSchema, signupSchema } from "../../schemas/signup";
import { signUp } from "../../services/signup";

export const signupApi = new Hono<AppEnv>().post(
  "/signup",
  describe({
    summary: "Sign up an organisation",
    description:
      "Creates an organisation other than the first, its owner and an API token, as setup does. The install's SIGNUP " +
      "variable decides who may: `invite` (the default) only with a pending connection's verification code, `open` " +
      "anyone, `closed` no one. A code used here is reserved for the organisation it created, which then accepts the " +
      "connection with its own platform account. At most ten sign-ups an hour per client address.",
    tags: ["Setup"],
    access: "public",
    responses: { 201: { description: "Signed up; the token is shown only now.", schema: signupResultSchema } },
    errors: ["conflict", "signup_closed", "invitation_required", "invitation_invalid", "invitation_expired", "rate_limited"],
  }),
  jsonBody(signupSchema),
  async (c) => {
    const deps = { db: c.get("db"), throttle: c.env.SIGN_IN_THROTTLE, mode: c.get("config").signup, operatorEmails: c.get("config").operatorEmails };
    const result = await signUp(deps, c.req.valid("json"), { ip: c.req.header("CF-Connecting-IP") });
    return c.json({ token: result.token, organisation: result.organisation, owner: result.owner, invitation: result.invitation }, 201);
  },
);
