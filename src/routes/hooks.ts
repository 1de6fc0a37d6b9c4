// Webhook receivers: `POST /hooks/{connection}/{side}` for platforms that sign their calls, and
// `POST /hooks/{connection}/{side}/{secret}` for platforms that sign nothing. Mounted ahead of
// session authentication and CSRF: platforms call these, not browsers, and the signature (or the
// secret in the URL) is the only credential. Work is never done here: a verified event wakes
// the connection's Durable Object and the answer (202) goes back at once.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api/error-codes";
import { describe, params } from "../api/openapi";
import { webhookAnswerSchema } from "../schemas/webhooks";
import { connectionSyncStub, type RunAsk } from "../sync/connection-sync";
import { findEndpoint, receiveDelivery } from "../webhooks/receive";

/** Event payloads are summaries (ids and a few fields); ConnectWise's, the largest, carry the record. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const tooLarge = () => new ApiError("payload_too_large", `A webhook body may be at most ${MAX_WEBHOOK_BYTES / 1024} KiB.`);

/** The body as bytes, refused once it passes `limit` (whatever Content-Length claimed). */
export async function readCapped(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("Content-Length"));
  if (declared > limit) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

const pathSchema = z.object({
  connectionId: z.string().min(1).max(64),
  side: z.string().min(1).max(16).describe("source or target"),
});
const urlSecretPathSchema = pathSchema.extend({ urlSecret: z.string().min(1).max(128).describe("The secret, for platforms that sign nothing.") });

const doc = (withSecret: boolean) =>
  describe({
    summary: withSecret ? "Receive a platform's event (the secret in the URL)" : "Receive a platform's signed event",
    description:
      (withSecret
        ? "For platforms that sign nothing (ConnectWise callbacks, Request Tracker scrips): the URL holds the side's secret, and an event is only a hint, the ticket being re-read by id. "
        : "For platforms that sign each call (the ServiceNow Business Rule): the signature header is an HMAC of the raw body (of timestamp + body where a timestamp is signed, which must be within five minutes). ") +
      "A verified event answers 202 and queues a sync of the tickets it names. A call received before (the same signature; under a URL secret, the same body), whatever delivery id it carries, answers 200 and queues nothing. Not under /api/v1: served at /hooks.",
    tags: ["Webhooks"],
    access: "public",
    responses: {
      202: { description: "Verified; a sync is queued unless the answer says why not.", schema: webhookAnswerSchema },
      200: { description: "A delivery received before: nothing queued again.", schema: webhookAnswerSchema },
    },
    errors: ["webhook_signature_invalid", "webhook_timestamp_stale", "payload_too_large", "temporarily_unavailable"],
  });

async function receive(c: Context<AppEnv>, path: { connectionId: string; side: string; urlSecret?: string }) {
  const deps = {
    db: c.get("db"),
    encryptionKey: c.get("config").encryptionKey,
    billingRequired: c.get("config").billingRequired,
    requestRun: (createdByOrgId: string, ask: RunAsk) => connectionSyncStub(c.env, createdByOrgId, ask.connectionId).requestRun(ask),
  };
  // The endpoint first (unknown: 404), then the bytes, then the signature, then the content.
  const endpoint = await findEndpoint(deps, path.connectionId, path.side);
  const rawBody = await readCapped(c.req.raw, MAX_WEBHOOK_BYTES);
  const result = await receiveDelivery(deps, endpoint, { headers: c.req.raw.headers, rawBody, urlSecret: path.urlSecret ?? null });
  return c.json(result.body, result.status);
}

export const hooks = new Hono<AppEnv>()
  .post("/:connectionId/:side", doc(false), params(pathSchema), (c) => receive(c, c.req.valid("param")))
  .post("/:connectionId/:side/:urlSecret", doc(true), params(urlSecretPathSchema), (c) => receive(c, c.req.valid("param")))
  // Everything else under /hooks answers here, in the API's shape, before authentication could
  // turn it into a sign-in redirect: another method is 405 (whatever the path names, so nothing
  // is learnt about which endpoints exist), a POST to no receiver's path 404.
  .all("*", (c) => {
    if (c.req.method === "POST") throw new ApiError("not_found", "There is no webhook receiver at this address.");
    throw new ApiError("method_not_allowed", "Webhook receivers take POST only.", undefined, { Allow: "POST" });
  });
