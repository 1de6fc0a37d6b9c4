// An organisation's billing state, as the install's operators set it, and the one rule for
// whether it pays for automatic sync: `active`, or `trial` until its end date. `none` (never set)
// and `suspended` do not.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { organisations } from "../db/schema";

export const BILLING_STATUSES = ["none", "active", "trial", "suspended"] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];

export type BillingState = { billingStatus: BillingStatus; billingTrialEndsAt: string | null };

export const BILLING_STATUS_TEXT: Record<BillingStatus, string> = { none: "Not set up", active: "Active", trial: "Trial", suspended: "Suspended" };

export function billingIsActive(state: BillingState, now: number = Date.now()): boolean {
  if (state.billingStatus === "active") return true;
  return state.billingStatus === "trial" && state.billingTrialEndsAt !== null && Date.parse(state.billingTrialEndsAt) > now;
}

/** What a person sees: the status, and for a trial its end or that it has ended. */
export function billingStateText(state: BillingState, now: number = Date.now()): string {
  if (state.billingStatus !== "trial" || !state.billingTrialEndsAt) return BILLING_STATUS_TEXT[state.billingStatus];
  const end = state.billingTrialEndsAt.slice(0, 10);
  return billingIsActive(state, now) ? `Trial until ${end}` : `Trial ended ${end}`;
}

export async function billingStateOf(db: Db, orgId: string): Promise<BillingState | null> {
  const [row] = await db
    .select({ billingStatus: organisations.billingStatus, billingTrialEndsAt: organisations.billingTrialEndsAt })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  return row ?? null;
}

export type BillingBlock = { code: "billing_required"; message: string };

const notActiveText = (state: BillingState | null) =>
  !state || state.billingStatus === "none" ? "has no billing set up" : state.billingStatus === "trial" ? `had a trial that ended ${state.billingTrialEndsAt?.slice(0, 10) ?? ""}` : "has its billing suspended";

/**
 * Why a connection's automatic sync does not run (or cannot be switched on) for want of billing,
 * said to the organisation looking, with what it can do; null when billing allows it. Only where
 * the install requires billing. While it is on, the billing organisation is the one that matters
 * (either side); while it is off, the one looking, which becomes the payer by switching it on.
 */
export async function billingBlockOf(
  db: Db,
  connection: { automaticEnabled: boolean; billingOrgId: string | null },
  viewerOrgId: string,
  options: { billingRequired: boolean; now?: number },
): Promise<BillingBlock | null> {
  if (!options.billingRequired) return null;
  const now = options.now ?? Date.now();
  if (!connection.automaticEnabled) {
    const mine = await billingStateOf(db, viewerOrgId);
    if (mine && billingIsActive(mine, now)) return null;
    return { code: "billing_required", message: `Your organisation ${notActiveText(mine)}: ask your Lockstep provider to make it active to switch on automatic sync. Manual syncs work meanwhile.` };
  }
  if (!connection.billingOrgId) {
    return { code: "billing_required", message: "Automatic sync is stopped: no organisation pays for it. Switch it off and on again so that your organisation pays for it. Manual syncs work meanwhile." };
  }
  const [payer] = await db
    .select({ name: organisations.name, billingStatus: organisations.billingStatus, billingTrialEndsAt: organisations.billingTrialEndsAt })
    .from(organisations)
    .where(eq(organisations.id, connection.billingOrgId));
  if (payer && billingIsActive(payer, now)) return null;
  const resumes = "Manual syncs still work, and automatic sync resumes where it left off, with nothing lost, once billing is active.";
  if (connection.billingOrgId === viewerOrgId) {
    return { code: "billing_required", message: `Automatic sync is stopped: your organisation, which pays for this connection, ${notActiveText(payer ?? null)}. Ask your Lockstep provider to reactivate it. ${resumes}` };
  }
  return {
    code: "billing_required",
    message: `Automatic sync is stopped: ${payer?.name ?? "the partner organisation"}, which pays for this connection, ${notActiveText(payer ?? null)}. Ask them to reactivate it with your Lockstep provider, or switch automatic sync off and on again so that your organisation pays for it. ${resumes}`,
  };
}
