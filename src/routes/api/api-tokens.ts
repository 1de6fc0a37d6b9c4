import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params, query } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { idParamSchema } from "../../schemas/common";
import { apiTokenSchema, createApiTokenSchema, createdApiTokenSchema } from "../../schemas/api-tokens";
import { createApiToken, listTokens, revokeApiToken } from "../../services/api-tokens";

const tags = ["API tokens"];

export const apiTokensApi = new Hono<AppEnv>()
  .get(
    "/tokens",
    describe({ summary: "List API tokens", tags, access: "admin", responses: { 200: { description: "A page of tokens (never the secrets).", schema: pageSchema(apiTokenSchema) } } }),
    query(pageQuerySchema),
    async (c) => c.json(await listTokens(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("query"))),
  )
  .post(
    "/tokens",
    describe({ summary: "Create an API token", description: "The token is in this response only.", tags, access: "admin", responses: { 201: { description: "Created.", schema: createdApiTokenSchema } } }),
    jsonBody(createApiTokenSchema),
    async (c) => c.json(await createApiToken(c.get("db"), c.get("principal")!, c.req.valid("json"), c.req.header("CF-Connecting-IP")), 201),
  )
  .delete(
    "/tokens/:id",
    describe({ summary: "Revoke an API token", tags, access: "admin", responses: { 204: { description: "Revoked; it is refused from now on." } } }),
    params(idParamSchema),
    async (c) => {
      await revokeApiToken(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.header("CF-Connecting-IP"));
      return c.body(null, 204);
    },
  );
