// Automatic sync and pausing. Automatic sync needs a completed manual run ("Initial sync
// required" until then) and, where the install requires billing, an organisation whose billing
// is active; the organisation that switches it on becomes the connection's billing organisation.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections } from "../db/schema";
import { ApiError } from "../api/error-codes";
import { scopeOf, type Principal } from "../auth/principal";
import { nowIso } from "../lib/time";
import { findVisibleConnection, connectionAudit, refuseEnded } from "./connections";
import { billingBlockOf } from "./billing-state";

// How often the cron wakes connections: wrangler.toml's crons, every 5 minutes on the clock's
// 5-minute marks (`npm start` drives the demo's on the same marks).
export const AUTOMATIC_INTERVAL_MS = 5 * 60_000;

/** The cron's next tick after `now`. */
export function nextAutomaticCheck(now: number): string {
  return new Date(Math.floor(now / AUTOMATIC_INTERVAL_MS) * AUTOMATIC_INTERVAL_MS + AUTOMATIC_INTERVAL_MS).toISOString();
}

/** `billing_required`: switched on, but its billing organisation is not active where the install
 * requires billing (services/billing-state.ts); the cron skips it until it is. */
export type SyncState = "pending_acceptance" | "initial_sync_required" | "ready" | "running" | "paused" | "billing_required";

export const SYNC_STATE_LABELS: Record<SyncState, string> = {
  pending_acceptance: "Waiting for the partner to accept",
  initial_sync_required: "Initial sync required",
  ready: "Ready for automatic sync",
  running: "Running",
  paused: "Paused",
  billing_required: "Stopped: billing required",
};

export function syncStateOf(row: Pick<typeof connections.$inferSelect, "status" | "automaticEnabled" | "initialSyncCompletedAt">): SyncState {
  if (row.status === "pending") return "pending_acceptance";
  if (row.status === "paused") return "paused";
  if (!row.initialSyncCompletedAt) return "initial_sync_required";
  return row.automaticEnabled ? "running" : "ready";
}

export type AutomaticView = { enabled: boolean; state: SyncState; label: string; billingOrganisationId: string | null };

function view(row: typeof connections.$inferSelect): AutomaticView {
  const state = syncStateOf(row);
  return { enabled: row.automaticEnabled, state, label: SYNC_STATE_LABELS[state], billingOrganisationId: row.billingOrgId };
}

export async function setAutomatic(
  db: Db,
  actor: Principal,
  id: string,
  enabled: boolean,
  options: { billingRequired: boolean; ip?: string | null },
): Promise<AutomaticView> {
  const visible = await findVisibleConnection(db, scopeOf(actor), id);
  const row = visible.row;
  if (enabled) refuseEnded(row);
  if (enabled) {
    if (row.status === "pending") throw new ApiError("conflict", "The partner has not accepted this connection yet.");
    if (!row.initialSyncCompletedAt) {
      throw new ApiError("initial_sync_required", "Run a manual sync first: automatic sync starts once one has completed.");
    }
    // Switching on makes the actor's organisation the payer: its own billing must be active.
    const block = await billingBlockOf(db, { automaticEnabled: false, billingOrgId: null }, actor.orgId, { billingRequired: options.billingRequired });
    if (block) throw new ApiError("billing_required", block.message);
  }
  const changes = { automaticEnabled: enabled, updatedAt: nowIso(), ...(enabled ? { billingOrgId: actor.orgId } : {}) };
  await db.batch([
    db.update(connections).set(changes).where(eq(connections.id, id)),
    ...connectionAudit(db, actor, visible.orgIds, { action: enabled ? "connection.automatic_on" : "connection.automatic_off", targetType: "connection", targetId: id }, options.ip),
  ]);
  return view({ ...row, ...changes });
}

export async function setPaused(db: Db, actor: Principal, id: string, paused: boolean, ip?: string | null): Promise<AutomaticView> {
  const visible = await findVisibleConnection(db, scopeOf(actor), id);
  if (visible.row.status === "pending") throw new ApiError("conflict", "The partner has not accepted this connection yet.");
  refuseEnded(visible.row);
  const status = paused ? ("paused" as const) : ("active" as const);
  const changes = { status, updatedAt: nowIso() };
  await db.batch([
    db.update(connections).set(changes).where(and(eq(connections.id, id))),
    ...connectionAudit(db, actor, visible.orgIds, { action: paused ? "connection.paused" : "connection.resumed", targetType: "connection", targetId: id }, ip),
  ]);
  return view({ ...visible.row, ...changes });
}
