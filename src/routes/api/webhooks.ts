// A connection's webhook endpoints: where each side's platform calls, and the secret it proves
// itself with (made, shown once, rotated with an overlap).
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params } from "../../api/openapi";
import { idParamSchema } from "../../schemas/common";
import { createdSecretSchema, rotateSecretInputSchema, webhookSideParamsSchema, webhooksViewSchema } from "../../schemas/webhooks";
import { createSecret, listWebhooks } from "../../services/webhook-secrets";

const tags = ["Webhooks"];

export const webhooksApi = new Hono<AppEnv>()
  .get(
    "/connections/:id/webhooks",
    describe({
      summary: "Webhook endpoints of a connection",
      description: "Per side: how its platform proves its calls, whether a secret is set, when each secret expires and was last used, and the last call. Never a secret.",
      tags,
      access: "viewer",
      responses: { 200: { description: "Both sides.", schema: webhooksViewSchema } },
    }),
    params(idParamSchema),
    async (c) => c.json(await listWebhooks(c.get("db"), c.get("principal")!, c.req.valid("param").id, new URL(c.req.url).origin)),
  )
  .post(
    "/connections/:id/webhooks/:side/secret",
    describe({
      summary: "Create or rotate a side's webhook secret",
      description:
        "Makes a new secret for one of your sides and answers with it, the URL to give the platform and the setup steps (for ServiceNow, the " +
        "Business Rule script). The secret is shown in this answer only. Secrets already in use keep working for " +
        "`previousSecretExpiresInSeconds` (default 24 h), so the platform can be switched over without losing a call.",
      tags,
      access: "admin",
      responses: { 201: { description: "The new secret, shown once.", schema: createdSecretSchema } },
      errors: ["conflict"],
    }),
    params(webhookSideParamsSchema),
    jsonBody(rotateSecretInputSchema),
    async (c) => {
      const config = c.get("config");
      const { id, side } = c.req.valid("param");
      const created = await createSecret({ db: c.get("db"), encryptionKey: config.encryptionKey }, c.get("principal")!, id, side, {
        origin: new URL(c.req.url).origin,
        previousSecretExpiresInSeconds: c.req.valid("json").previousSecretExpiresInSeconds,
        ip: c.req.header("CF-Connecting-IP"),
      });
      // The answer holds a secret: no cache may keep it.
      c.header("Cache-Control", "no-store");
      return c.json(created, 201);
    },
  );
