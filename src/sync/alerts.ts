// Alerts for a connection's admins: after ALERT_AFTER failed runs in a row, or at once when the
// credentials stop working, they are told once; when a run succeeds again they are told that
// once too. Never every five minutes. Delivery: an email through Cloudflare's email binding where
// the install has one (to the connection's alert addresses, or else to the owners and admins of
// both organisations), and a POST to the connection's alert webhook URL where one is set.
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections, connectionSides, users } from "../db/schema";
import { checkBaseUrl } from "../connectors/base-url";
import type { FetchLike } from "../connectors/http-client";
import { connectionSettingsSchema } from "../schemas/connections";
import { SYNC_ERRORS, type SyncErrorCode } from "./engine/sync-errors";
import type { RunStatus } from "./engine/run-sync";

export const ALERT_AFTER = 10;

export type AlertState = { failuresInRow: number; alerted: boolean };

export type AlertEvent = { kind: "failing" | "recovered"; connectionId: string; connectionName: string; failuresInRow: number; reason: string | null; at: string };

export type AlertChannels = {
  fetch: FetchLike;
  allowLoopbackHttp: boolean;
  /** Present where the install has an email binding and a sender address. */
  email?: { binding: SendEmail; from: string } | undefined;
};

export type AlertDelivery = { webhook: boolean; emailedTo: string[] };

/** The next state, and the event to send if any: a pure rule, so it is easy to see it is right. */
export function nextAlertState(state: AlertState, status: RunStatus, errorCode: string | null): { state: AlertState; send: "failing" | "recovered" | null } {
  if (status !== "failed") {
    return { state: { failuresInRow: 0, alerted: false }, send: state.alerted ? "recovered" : null };
  }
  const failuresInRow = state.failuresInRow + 1;
  const due = !state.alerted && (failuresInRow >= ALERT_AFTER || errorCode === "auth_failed");
  return { state: { failuresInRow, alerted: state.alerted || due }, send: due ? "failing" : null };
}

export async function sendAlert(db: Db, channels: AlertChannels, event: Omit<AlertEvent, "connectionName">): Promise<AlertDelivery> {
  const delivery: AlertDelivery = { webhook: false, emailedTo: [] };
  const [row] = await db.select({ name: connections.name, settings: connections.settings }).from(connections).where(eq(connections.id, event.connectionId));
  if (!row) return delivery;
  const { alerts } = connectionSettingsSchema.parse(JSON.parse(row.settings));
  const payload: AlertEvent = { ...event, connectionName: row.name };
  if (channels.email) {
    const to = alerts.emails.length ? alerts.emails : await adminEmails(db, event.connectionId);
    if (to.length) {
      try {
        await channels.email.binding.send({ from: channels.email.from, to, subject: subjectOf(payload), text: textOf(payload) });
        delivery.emailedTo = to;
      } catch (err) {
        console.warn(`alert email for ${event.connectionId} not sent: ${(err as Error).message}`);
      }
    }
  }
  if (alerts.webhookUrl) delivery.webhook = await postWebhook(channels, alerts.webhookUrl, payload);
  return delivery;
}

/** Owners and admins of the organisations on either side of the connection. */
async function adminEmails(db: Db, connectionId: string): Promise<string[]> {
  const sides = await db.select({ orgId: connectionSides.orgId }).from(connectionSides).where(and(eq(connectionSides.connectionId, connectionId), isNotNull(connectionSides.orgId)));
  const orgIds = [...new Set(sides.map((s) => s.orgId!))];
  if (!orgIds.length) return [];
  const rows = await db.select({ email: users.email }).from(users).where(and(inArray(users.orgId, orgIds), inArray(users.role, ["owner", "admin"])));
  return [...new Set(rows.map((r) => r.email))].slice(0, 50);
}

function subjectOf(event: AlertEvent): string {
  return event.kind === "failing" ? `Lockstep: "${event.connectionName}" is failing` : `Lockstep: "${event.connectionName}" is syncing again`;
}

function textOf(event: AlertEvent): string {
  if (event.kind === "recovered") return `The connection "${event.connectionName}" completed a run at ${event.at} and is syncing again.\n`;
  const advice = event.reason && event.reason in SYNC_ERRORS ? SYNC_ERRORS[event.reason as SyncErrorCode].advice : null;
  return [
    `The connection "${event.connectionName}" has failed ${event.failuresInRow} run${event.failuresInRow === 1 ? "" : "s"} in a row (last at ${event.at}).`,
    event.reason ? `Reason: ${event.reason}.` : null,
    advice ? `What to do: ${advice}` : null,
    "You will be told once more, when it recovers.",
  ]
    .filter(Boolean)
    .join("\n");
}

async function postWebhook(channels: AlertChannels, url: string, payload: AlertEvent): Promise<boolean> {
  // The URL was typed by an admin: the same checks as a platform's base URL before we call it.
  const checked = checkBaseUrl(url.replace(/[?#].*$/, ""), { allowLoopbackHttp: channels.allowLoopbackHttp });
  if (!checked.ok) return false;
  try {
    const res = await channels.fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload), redirect: "manual", signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return res.ok;
  } catch (err) {
    console.warn(`alert for ${payload.connectionId} not delivered: ${(err as Error).message}`);
    return false;
  }
}
