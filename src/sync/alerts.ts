// Alerts for a connection's admins: after ALERT_AFTER failed runs in a row, or at once when the
// credentials stop working, they are told once; when a run succeeds again they are told that
// once too. Never every five minutes. Delivery is a POST to the connection's alert webhook URL
// (email through a Worker email binding can be added beside it).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections } from "../db/schema";
import { checkBaseUrl } from "../connectors/base-url";
import type { FetchLike } from "../connectors/http-client";
import { connectionSettingsSchema } from "../schemas/connections";
import type { RunStatus } from "./engine/run-sync";

export const ALERT_AFTER = 10;

export type AlertState = { failuresInRow: number; alerted: boolean };

export type AlertEvent = { kind: "failing" | "recovered"; connectionId: string; connectionName: string; failuresInRow: number; reason: string | null; at: string };

/** The next state, and the event to send if any: a pure rule, so it is easy to see it is right. */
export function nextAlertState(state: AlertState, status: RunStatus, errorCode: string | null): { state: AlertState; send: "failing" | "recovered" | null } {
  if (status !== "failed") {
    return { state: { failuresInRow: 0, alerted: false }, send: state.alerted ? "recovered" : null };
  }
  const failuresInRow = state.failuresInRow + 1;
  const due = !state.alerted && (failuresInRow >= ALERT_AFTER || errorCode === "auth_failed");
  return { state: { failuresInRow, alerted: state.alerted || due }, send: due ? "failing" : null };
}

export async function sendAlert(db: Db, fetch: FetchLike, event: Omit<AlertEvent, "connectionName">, allowLoopbackHttp: boolean): Promise<boolean> {
  const [row] = await db.select({ name: connections.name, settings: connections.settings }).from(connections).where(eq(connections.id, event.connectionId));
  if (!row) return false;
  const { alerts } = connectionSettingsSchema.parse(JSON.parse(row.settings));
  if (!alerts.webhookUrl) return false;
  // The URL was typed by an admin: the same checks as a platform's base URL before we call it.
  const checked = checkBaseUrl(alerts.webhookUrl.replace(/[?#].*$/, ""), { allowLoopbackHttp });
  if (!checked.ok) return false;
  const payload: AlertEvent = { ...event, connectionName: row.name };
  try {
    const res = await fetch(alerts.webhookUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload), redirect: "manual", signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return res.ok;
  } catch (err) {
    console.warn(`alert for ${event.connectionId} not delivered: ${(err as Error).message}`);
    return false;
  }
}
