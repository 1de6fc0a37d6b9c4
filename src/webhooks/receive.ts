// One webhook delivery, from the platform's call to the Durable Object's queue. The order is the
// security: find the endpoint, verify the raw bytes, only then parse, then the replay cache, then
// wake the connection's Durable Object. Nothing is recorded or queued for a delivery that fails
// verification. The event only names tickets: the run re-reads each by id with our own
// credentials, so even a genuine payload's content is never trusted.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections, connectionSides, organisations, platformAccounts } from "../db/schema";
import { ApiError, notFound } from "../api/error-codes";
import { invalidInput } from "../api/on-error";
import { connectorFor } from "../connectors/registry";
import type { ConnectorWebhook, WebhookScheme } from "../connectors/contract";
import { liveSecrets, markSecretUsed } from "../services/webhook-secrets";
import type { RunAnswer, RunAsk } from "../sync/connection-sync";
import type { WebhookAnswer } from "../schemas/webhooks";
import { firstDelivery, forgetDelivery } from "./replay-cache";
import { verifyDelivery } from "./verify";
import { billingIsActive } from "../services/billing-state";

type Side = "source" | "target";

export type WebhookEndpoint = {
  connectionId: string;
  side: Side;
  createdByOrgId: string;
  status: "pending" | "active" | "paused";
  automaticEnabled: boolean;
  /** Whether the connection's billing organisation pays for automatic sync now. */
  billingActive: boolean;
  scheme: WebhookScheme;
  webhook: ConnectorWebhook;
  secrets: { id: string; secret: string }[];
};

export type ReceiveDeps = {
  db: Db;
  encryptionKey: string;
  /** Asks the connection's Durable Object for a run (`connectionSyncStub(...).requestRun`). */
  requestRun: (createdByOrgId: string, ask: RunAsk) => Promise<RunAnswer>;
  /** BILLING_REQUIRED: webhook runs are automatic sync, and stop with it when nobody pays. */
  billingRequired?: boolean;
  now?: () => number;
};

const nothingHere = () => notFound("Webhook endpoint");

/**
 * The endpoint a URL names, with its live secrets. Unknown connections, sides, platforms that
 * cannot call out and sides without a secret all answer the same 404: a caller learns nothing.
 */
export async function findEndpoint(deps: Pick<ReceiveDeps, "db" | "encryptionKey">, connectionId: string, side: string): Promise<WebhookEndpoint> {
  if (side !== "source" && side !== "target") throw nothingHere();
  const [row] = await deps.db
    .select({
      createdByOrgId: connections.createdByOrgId,
      status: connections.status,
      automaticEnabled: connections.automaticEnabled,
      platform: platformAccounts.platform,
      billingStatus: organisations.billingStatus,
      billingTrialEndsAt: organisations.billingTrialEndsAt,
    })
    .from(connectionSides)
    .innerJoin(connections, eq(connections.id, connectionSides.connectionId))
    .innerJoin(platformAccounts, eq(platformAccounts.id, connectionSides.platformAccountId))
    .leftJoin(organisations, eq(organisations.id, connections.billingOrgId))
    .where(and(eq(connectionSides.connectionId, connectionId), eq(connectionSides.side, side)))
    .limit(1);
  const connector = row ? connectorFor(row.platform) : null;
  if (!row || !connector?.webhook || !connector.facts.webhooks) throw nothingHere();
  const secrets = await liveSecrets(deps.db, deps.encryptionKey, connectionId, side);
  if (!secrets.length) throw nothingHere();
  const billingActive = row.billingStatus !== null && billingIsActive({ billingStatus: row.billingStatus, billingTrialEndsAt: row.billingTrialEndsAt });
  return { connectionId, side, createdByOrgId: row.createdByOrgId, status: row.status, automaticEnabled: row.automaticEnabled, billingActive, scheme: connector.facts.webhooks, webhook: connector.webhook, secrets };
}

function parseEvent(webhook: ConnectorWebhook, rawBody: Uint8Array): string[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(rawBody));
  } catch {
    throw new ApiError("invalid_input", "The body is not JSON.");
  }
  const parsed = webhook.ticketIds.safeParse(json);
  if (!parsed.success) throw invalidInput(parsed.error);
  return [...new Set(parsed.data)];
}

export type ReceiveResult = { status: 200 | 202; body: WebhookAnswer };

export async function receiveDelivery(
  deps: ReceiveDeps,
  endpoint: WebhookEndpoint,
  delivery: { headers: Headers; rawBody: Uint8Array; urlSecret: string | null },
): Promise<ReceiveResult> {
  const { db } = deps;
  const now = deps.now?.() ?? Date.now();
  // 1. Verify the bytes as received, before anything reads them.
  const verdict = await verifyDelivery(endpoint.scheme, delivery, endpoint.secrets, now);
  if (!verdict.ok) {
    console.warn(`webhook refused: ${endpoint.connectionId}/${endpoint.side} (${verdict.reason})`);
    throw verdict.reason === "stale"
      ? new ApiError("webhook_timestamp_stale", "The signed timestamp is more than five minutes from our clock; check the platform's clock.")
      : new ApiError("webhook_signature_invalid", "The signature does not match this endpoint's secret.");
  }
  // 2. Only a verified body is parsed.
  const ticketIds = parseEvent(endpoint.webhook, delivery.rawBody);
  // 3. A delivery seen before (the same MAC, or under a URL secret the same body) queues nothing,
  //    whatever delivery id it carries. It answers 200, not an error: a platform retrying a call
  //    whose answer it lost must stop retrying, and a replaying attacker gains nothing.
  if (!(await firstDelivery(db, endpoint.connectionId, endpoint.side, verdict.replayKey, now))) {
    return { status: 200, body: { accepted: false, queued: false, duplicate: true, message: "This delivery was received before; nothing more is queued." } };
  }
  await markSecretUsed(db, verdict.secretId, new Date(now).toISOString());
  // 4. Wake the connection, unless nothing may run: the next run after resuming (or the next
  //    manual run) finds the change through the change cursor, so nothing is lost.
  const skip = (reason: NonNullable<WebhookAnswer["reason"]>, message: string): ReceiveResult => ({ status: 202, body: { accepted: true, queued: false, reason, message } });
  if (endpoint.status === "paused") return skip("paused", "The connection is paused; the change is picked up after it resumes.");
  if (endpoint.status !== "active") return skip("not_active", "The connection is not active yet.");
  if (!endpoint.automaticEnabled) return skip("automatic_sync_off", "Automatic sync is off; the change is picked up by the next manual run.");
  if (deps.billingRequired && !endpoint.billingActive) {
    return skip("billing_required", "Automatic sync is stopped: the connection's billing organisation is not active. The change is picked up by the next manual run, or once billing is active again.");
  }
  if (!ticketIds.length) return skip("no_tickets_named", "The event names no ticket; nothing to sync.");
  let answer: RunAnswer;
  try {
    answer = await deps.requestRun(endpoint.createdByOrgId, {
      connectionId: endpoint.connectionId,
      mode: "quick",
      trigger: "webhook",
      hints: ticketIds.map((ticketId) => ({ side: endpoint.side, ticketId })),
    });
  } catch (err) {
    console.error("webhook could not queue a run", err);
    // Not queued, so not received either: the platform's retry must be taken.
    await forgetDelivery(db, endpoint.connectionId, endpoint.side, verdict.replayKey);
    throw new ApiError("temporarily_unavailable", "The sync could not be queued; try again shortly.");
  }
  if (answer.kind === "queued") {
    return { status: 202, body: { accepted: true, queued: true, runId: answer.runId, message: `A sync of ${ticketIds.length === 1 ? "the ticket" : `${ticketIds.length} tickets`} is queued.` } };
  }
  return skip("paused", "The connection is paused; the change is picked up after it resumes.");
}
