// Webhook endpoints and secrets as the API shows them. A secret appears in one answer only: the
// one that creates it.
import { z } from "zod";

const sideSchema = z.enum(["source", "target"]);
const schemeSchema = z
  .enum(["hmac", "url-secret"])
  .describe("hmac: the platform signs each call with the secret; url-secret: it signs nothing, so the secret is part of the URL and a call is only a hint.");

export const webhookSideParamsSchema = z.object({ id: z.string().min(1).max(64), side: sideSchema });

export const rotateSecretInputSchema = z.object({
  previousSecretExpiresInSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(24 * 3600)
    .describe("How long the secrets in use keep working, so the platform can be switched over (default 24 h; 0 revokes them at once, e.g. after a leak)."),
});

export const webhookSecretInfoSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable().describe("Null for the current secret; set once a newer one replaced it."),
  lastUsedAt: z.string().nullable().describe("When a call last verified with this secret."),
});

export const webhookSideSchema = z
  .object({
    side: sideSchema,
    mine: z.boolean(),
    platform: z.string().nullable(),
    scheme: schemeSchema.nullable().describe("Null when the platform cannot call out at all."),
    configured: z.boolean().describe("Whether a secret exists, so calls are accepted."),
    url: z.string().nullable().describe("Where the platform calls (your sides only); for url-secret sides the secret follows it as one more path segment."),
    secrets: z.array(webhookSecretInfoSchema).describe("Your sides only; never the secrets themselves."),
    lastDeliveryAt: z.string().nullable(),
  })
  .meta({ id: "WebhookSide" });

export const webhooksViewSchema = z.object({ sides: z.array(webhookSideSchema) });

export const createdSecretSchema = z
  .object({
    side: sideSchema,
    scheme: schemeSchema,
    secret: z.string().describe("Shown this once: it cannot be read back."),
    url: z.string().describe("The URL to give the platform (with the secret in it for url-secret sides)."),
    createdAt: z.string(),
    previousSecretsExpireAt: z.string().nullable().describe("When the secrets replaced keep working until; null when there were none."),
    signature: z
      .object({ algorithm: z.string(), header: z.string(), encoding: z.string(), timestampHeader: z.string().nullable(), deliveryIdHeader: z.string().nullable() })
      .nullable()
      .describe("For hmac sides: how calls must be signed."),
    setup: z.object({ steps: z.array(z.string()), script: z.string().optional() }),
  })
  .meta({ id: "CreatedWebhookSecret" });

export const webhookAnswerSchema = z.object({
  accepted: z.boolean(),
  queued: z.boolean().describe("Whether a sync of the named tickets is queued."),
  runId: z.string().optional().describe("The run that syncs them, shown at GET /api/v1/runs/{id} from this answer on (queued, then what it found, \"no_tickets\" included). A run already waiting takes the call along, so calls close together name the same run."),
  duplicate: z.boolean().optional().describe("The delivery id was seen before: nothing is queued again."),
  reason: z.enum(["paused", "automatic_sync_off", "not_active", "no_tickets_named", "billing_required"]).optional(),
  message: z.string(),
});

export type WebhookSideView = z.infer<typeof webhookSideSchema>;
export type CreatedSecret = z.infer<typeof createdSecretSchema>;
export type WebhookAnswer = z.infer<typeof webhookAnswerSchema>;
