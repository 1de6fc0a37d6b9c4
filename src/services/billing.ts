// Billing and usage as an organisation sees it: its billing status, whether this install needs
// one for automatic sync, which connections it pays for (it switched their automatic sync on),
// and tickets synced per connection per month, the count billing is based on.
import { and, desc, eq, gte, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections, connectionSides, organisations, usageCounters } from "../db/schema";
import type { OrgScope } from "../auth/principal";
import { billingIsActive, type BillingStatus } from "./billing-state";

export const USAGE_MONTHS = 12;

export type BillingView = {
  billingStatus: BillingStatus;
  billingTrialEndsAt: string | null;
  billingActive: boolean;
  billingRequired: boolean;
  /** Connections whose automatic sync this organisation switched on, and so pays for. */
  billedConnections: { id: string; name: string; automaticEnabled: boolean }[];
  /** Tickets synced per connection and month (YYYY-MM), newest month first. */
  usage: { connectionId: string; connectionName: string; month: string; ticketsSynced: number; billedToYou: boolean }[];
};

function monthsAgo(now: Date, months: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1)).toISOString().slice(0, 7);
}

export async function billingOf(db: Db, scope: OrgScope, options: { billingRequired: boolean; now?: Date }): Promise<BillingView> {
  const [org] = await db
    .select({ billingStatus: organisations.billingStatus, billingTrialEndsAt: organisations.billingTrialEndsAt })
    .from(organisations)
    .where(eq(organisations.id, scope.orgId));
  const mine = db.select({ id: connectionSides.connectionId }).from(connectionSides).where(eq(connectionSides.orgId, scope.orgId));
  const visible = await db
    .select({ id: connections.id, name: connections.name, automaticEnabled: connections.automaticEnabled, billingOrgId: connections.billingOrgId })
    .from(connections)
    .where(inArray(connections.id, mine))
    .orderBy(connections.name);
  const names = new Map(visible.map((c) => [c.id, c]));
  const usage = await db
    .select()
    .from(usageCounters)
    .where(and(inArray(usageCounters.connectionId, mine), gte(usageCounters.month, monthsAgo(options.now ?? new Date(), USAGE_MONTHS - 1))))
    .orderBy(desc(usageCounters.month), usageCounters.connectionId);
  return {
    billingStatus: org?.billingStatus ?? "none",
    billingTrialEndsAt: org?.billingTrialEndsAt ?? null,
    billingActive: org ? billingIsActive(org, (options.now ?? new Date()).getTime()) : false,
    billingRequired: options.billingRequired,
    billedConnections: visible.filter((c) => c.billingOrgId === scope.orgId).map(({ id, name, automaticEnabled }) => ({ id, name, automaticEnabled })),
    usage: usage.map((u) => ({
      connectionId: u.connectionId,
      connectionName: names.get(u.connectionId)?.name ?? u.connectionId,
      month: u.month,
      ticketsSynced: u.ticketsSynced,
      billedToYou: names.get(u.connectionId)?.billingOrgId === scope.orgId,
    })),
  };
}
