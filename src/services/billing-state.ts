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
