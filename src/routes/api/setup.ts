import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody } from "../../api/openapi";
import { setupResultSchema, setupSchema } from "../../schemas/setup";
import { setUp } from "../../services/setup";

export const setupApi = new Hono<AppEnv>().post(
  "/setup",
  describe({
    summary: "First-run setup",
    description: "Creates the first organisation, its owner and an API token. Answers 409 once done.",
    tags: ["Setup"],
    access: "public",
    responses: { 201: { description: "Set up; the token is shown only now.", schema: setupResultSchema } },
    errors: ["already_set_up"],
  }),
  jsonBody(setupSchema),
  async (c) => {
    const result = await setUp(c.get("db"), c.req.valid("json"), { ip: c.req.header("CF-Connecting-IP") });
    return c.json({ token: result.token, organisation: result.organisation, owner: result.owner }, 201);
  },
);
