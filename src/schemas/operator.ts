import { z } from "zod";

const connectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(["pending", "active", "paused"]),
  automaticEnabled: z.boolean(),
  organisations: z.array(z.string()).describe("Names of the organisations of its sides."),
  billingOrganisationId: z.string().nullable().describe("The organisation that pays for its automatic sync."),
  ticketsThisMonth: z.number().int(),
  ticketsLastMonth: z.number().int(),
});

export const billingStatusSchema = z.enum(["none", "active", "trial", "suspended"]);

export const operatorOrganisationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    users: z.number().int(),
    billingStatus: billingStatusSchema.describe("`none` until an operator sets it."),
    billingTrialEndsAt: z.string().nullable(),
    billingActive: z.boolean().describe("Whether it pays for automatic sync now: `active`, or `trial` before its end."),
    usage: z.object({
      activeConnections: z.number().int().describe("Connections it is a side of, accepted and not paused."),
      ticketsThisMonth: z.number().int().describe("Tickets synced this calendar month (UTC) on connections it is the billing organisation of."),
      ticketsLastMonth: z.number().int(),
    }),
    connections: z.array(connectionSchema),
  })
  .meta({ id: "OperatorOrganisation" });

export const billingChangeSchema = z
  .object({
    status: z.enum(["active", "trial", "suspended"]),
    trialEndsAt: z
      .union([z.iso.date(), z.iso.datetime()], { error: "must be a date (YYYY-MM-DD) or an ISO date-time" })
      .optional()
      .describe("Required for `trial`: the last day of the trial (a date means until the end of that day, UTC)."),
  })
  .refine((v) => v.status !== "trial" || v.trialEndsAt !== undefined, { path: ["trialEndsAt"], message: "is required for a trial" })
  .refine((v) => v.status === "trial" || v.trialEndsAt === undefined, { path: ["trialEndsAt"], message: "is only for a trial" });

export type BillingChangeInput = z.infer<typeof billingChangeSchema>;

/** A trial date means until the end of that day, UTC. */
export function trialEndOf(input: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(input) ? `${input}T23:59:59.999Z` : new Date(input).toISOString();
}
