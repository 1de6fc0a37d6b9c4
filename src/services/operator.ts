// The install's operators (OPERATOR_EMAILS): they see every organisation, its connections and its
// usage, and set its billing state. Who is one: auth/require-operator.ts (anyone else gets 404).
// An operator's change is audited in the organisation it changes and in the operator's own.
import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections, connectionSides, organisations, usageCounters, users } from "../db/schema";
import { ApiError } from "../api/error-codes";
import type { Principal } from "../auth/principal";
import { nowIso } from "../lib/time";
import { auditEntry } from "./audit";
import { billingIsActive, type BillingStatus } from "./billing-state";

export type OperatorConnection = {
  id: string;
  name: string;
  status: "pending" | "active" | "paused";
  automaticEnabled: boolean;
  /** The organisations of its sides, by name. */
  organisations: string[];
  billingOrganisationId: string | null;
  ticketsThisMonth: number;
  ticketsLastMonth: number;
};

export type OperatorOrganisation = {
  id: string;
  name: string;
  createdAt: string;
  users: number;
  billingStatus: BillingStatus;
  billingTrialEndsAt: string | null;
  /** Whether it pays for automatic sync now: active, or a trial not yet ended. */
  billingActive: boolean;
  usage: {
    /** Connections it is a side of that are accepted and not paused. */
    activeConnections: number;
    /** Tickets synced on the connections it is the billing organisation of. */
    ticketsThisMonth: number;
    ticketsLastMonth: number;
  };
  connections: OperatorConnection[];
};

export function monthOf(now: Date, back: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
}

/** Every organisation, oldest first, with its connections and usage: a few queries, whatever the size. */
export async function listOrganisationsForOperator(db: Db, now: Date = new Date()): Promise<OperatorOrganisation[]> {
  const thisMonth = monthOf(now, 0);
  const lastMonth = monthOf(now, 1);
  const [orgs, userCounts, sides, conns, usage] = await Promise.all([
    db.select().from(organisations).orderBy(organisations.createdAt, organisations.id),
    db.select({ orgId: users.orgId, n: sql<number>`count(*)` }).from(users).groupBy(users.orgId),
    db.select({ connectionId: connectionSides.connectionId, orgId: connectionSides.orgId }).from(connectionSides),
    db.select({ id: connections.id, name: connections.name, status: connections.status, automaticEnabled: connections.automaticEnabled, billingOrgId: connections.billingOrgId }).from(connections).orderBy(connections.name),
    db.select().from(usageCounters).where(and(gte(usageCounters.month, lastMonth), lte(usageCounters.month, thisMonth))),
  ]);
  const names = new Map(orgs.map((o) => [o.id, o.name]));
  const tickets = (connectionId: string, month: string) => usage.find((u) => u.connectionId === connectionId && u.month === month)?.ticketsSynced ?? 0;
  const sidesOf = (connectionId: string) => [...new Set(sides.filter((s) => s.connectionId === connectionId && s.orgId).map((s) => s.orgId!))];
  const connectionViews = conns.map((c) => ({
    view: {
      id: c.id,
      name: c.name,
      status: c.status,
      automaticEnabled: c.automaticEnabled,
      organisations: sidesOf(c.id).map((id) => names.get(id) ?? id),
      billingOrganisationId: c.billingOrgId,
      ticketsThisMonth: tickets(c.id, thisMonth),
      ticketsLastMonth: tickets(c.id, lastMonth),
    } satisfies OperatorConnection,
    orgIds: sidesOf(c.id),
  }));
  return orgs.map((org) => {
    const mine = connectionViews.filter((c) => c.orgIds.includes(org.id)).map((c) => c.view);
    const billed = connectionViews.filter((c) => c.view.billingOrganisationId === org.id).map((c) => c.view);
    return {
      id: org.id,
      name: org.name,
      createdAt: org.createdAt,
      users: userCounts.find((u) => u.orgId === org.id)?.n ?? 0,
      billingStatus: org.billingStatus,
      billingTrialEndsAt: org.billingTrialEndsAt,
      billingActive: billingIsActive(org, now.getTime()),
      usage: {
        activeConnections: mine.filter((c) => c.status === "active").length,
        ticketsThisMonth: billed.reduce((sum, c) => sum + c.ticketsThisMonth, 0),
        ticketsLastMonth: billed.reduce((sum, c) => sum + c.ticketsLastMonth, 0),
      },
      connections: mine,
    };
  });
}

export async function getOrganisationForOperator(db: Db, id: string, now: Date = new Date()): Promise<OperatorOrganisation> {
  const found = (await listOrganisationsForOperator(db, now)).find((o) => o.id === id);
  if (!found) throw new ApiError("not_found", "Organisation not found.");
  return found;
}

export type BillingChange = { status: "active" | "suspended" } | { status: "trial"; trialEndsAt: string };

export async function setBillingState(db: Db, operator: Principal, orgId: string, change: BillingChange, ip?: string | null): Promise<OperatorOrganisation> {
  const [org] = await db.select().from(organisations).where(eq(organisations.id, orgId)).limit(1);
  if (!org) throw new ApiError("not_found", "Organisation not found.");
  const trialEndsAt = change.status === "trial" ? change.trialEndsAt : null;
  if (trialEndsAt && Date.parse(trialEndsAt) <= Date.now()) {
    throw new ApiError("invalid_input", "Invalid input: trialEndsAt: must be in the future", { fields: [{ path: "trialEndsAt", message: "must be in the future" }] });
  }
  const details = { from: { status: org.billingStatus, trialEndsAt: org.billingTrialEndsAt }, to: { status: change.status, trialEndsAt } };
  const label = `${operator.userEmail} (operator)`;
  await db.batch([
    db.update(organisations).set({ billingStatus: change.status, billingTrialEndsAt: trialEndsAt, updatedAt: nowIso() }).where(eq(organisations.id, orgId)),
    // In the log of the organisation changed, which the operator may not belong to...
    auditEntry(db, { orgId, userId: null, label }, { action: "organisation.billing_changed", targetType: "organisation", targetId: orgId, details }, ip),
    // ...and in the operator's own, so an operator's actions can be read in one place.
    ...(orgId === operator.orgId
      ? []
      : [auditEntry(db, operator, { action: "operator.billing_changed", targetType: "organisation", targetId: orgId, details: { organisation: org.name, ...details } }, ip)]),
  ]);
  return getOrganisationForOperator(db, orgId);
}

