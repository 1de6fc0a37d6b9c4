// What the dashboard, billing and sync status operations answer. The services return exactly these.
import { z } from "zod";
import { manualWindowsSchema, runScopeSchema } from "./run-scope";

const runProgressSchema = z.object({
  id: z.string(),
  mode: z.enum(["quick", "full"]),
  trigger: z.string(),
  status: z.string(),
  phase: z.string().nullable(),
  ticketsDone: z.number(),
  ticketsTotal: z.number().nullable(),
  created: z.number(),
  updated: z.number(),
  closed: z.number(),
  skipped: z.number(),
  failed: z.number(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const syncStatusSchema = z
  .object({
    state: z.enum(["pending_acceptance", "initial_sync_required", "ready", "running", "paused", "billing_required"]),
    label: z.string().describe("As the pages show it: Initial sync required, Ready for automatic sync, Running, Paused, Stopped: billing required."),
    automaticEnabled: z.boolean(),
    billingOrganisation: z
      .object({ name: z.string(), yours: z.boolean() })
      .nullable()
      .describe("The organisation (either side) that pays for this connection's automatic sync: the one that last switched it on. Null until someone has."),
    automaticBlockedBy: z
      .object({ code: z.enum(["pending_acceptance", "initial_sync_required", "billing_required"]), message: z.string().describe("What stands in the way, and what to do.") })
      .nullable()
      .describe(
        "Why automatic sync cannot be switched on now, or, while it is on, why it does not run: `billing_required` where the install requires billing and the connection's billing organisation (either side) is not active; null when nothing stands in its way.",
      ),
    manualCooldownSeconds: z.number(),
    nextManualRunAt: z.string().nullable().describe("When the next manual run is allowed, while the cooldown lasts."),
    activeRun: runProgressSchema.nullable().describe("The run waiting or going, with phase and tickets done of total."),
    lastRun: runProgressSchema
      .extend({ scope: runScopeSchema.nullable().describe("What the run looked at and what the filters left out (as in the run's detail).") })
      .nullable(),
    manualWindows: manualWindowsSchema,
    lastCheckedAt: z.string().nullable().describe("When an automatic run last looked for changes and found none (such runs leave no history row)."),
    lastAutomaticCheckAt: z.string().nullable().describe("When an automatic run last looked for changes, whether it found some (a run in the history) or none."),
    nextAutomaticCheckAt: z
      .string()
      .nullable()
      .describe("When the next automatic run looks (the cron runs every 5 minutes, on the clock's 5-minute marks); null while automatic sync is off or the connection paused."),
  })
  .meta({ id: "SyncStatus" });

export const dashboardSchema = z
  .object({
    connections: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        status: z.enum(["pending", "active", "paused"]),
        syncState: syncStatusSchema.shape.state,
        syncLabel: z.string(),
        lastRun: z.object({ id: z.string(), status: z.string(), startedAt: z.string(), finishedAt: z.string().nullable(), failed: z.number() }).nullable(),
        activeRun: z.object({ id: z.string(), status: z.string(), phase: z.string().nullable(), ticketsDone: z.number(), ticketsTotal: z.number().nullable() }).nullable(),
        failuresInRow: z.number().describe("Finished runs that failed in a row, newest first (at most 10)."),
        backlog: z.number().describe("Tickets waiting: failed ones retried by the next run, plus what is left of the run under way."),
        openIssues: z.number(),
        apiBudgets: z
          .array(
            z.object({
              side: z.enum(["source", "target"]),
              platform: z.string(),
              requests: z.number(),
              perSeconds: z.number(),
              used: z.number().nullable().describe("Calls reserved in the current window; null where Lockstep does not pace by this budget (no hard limit published)."),
              source: z.string(),
            }),
          )
          .describe("The request budget of each of your sides' platforms, published or assumed, and how much of it is used."),
      }),
    ),
    daily: z.array(z.object({ day: z.string(), synced: z.number(), failed: z.number() })).describe("The last 30 UTC days, oldest first."),
  })
  .meta({ id: "Dashboard" });

export const billingSchema = z
  .object({
    billingStatus: z.enum(["none", "active", "trial", "suspended"]).describe("Set by the install's operators; `none` until then."),
    billingTrialEndsAt: z.string().nullable().describe("When a trial ends."),
    billingActive: z.boolean().describe("Whether your organisation pays for automatic sync now: `active`, or `trial` before its end."),
    billingRequired: z.boolean().describe("Whether this install needs active billing for automatic sync (of the connections an organisation pays for)."),
    billedConnections: z.array(z.object({ id: z.string(), name: z.string(), automaticEnabled: z.boolean() })),
    usage: z
      .array(z.object({ connectionId: z.string(), connectionName: z.string(), month: z.string(), ticketsSynced: z.number(), billedToYou: z.boolean() }))
      .describe("Tickets synced per connection and month (YYYY-MM), the last 12 months, newest first."),
  })
  .meta({ id: "Billing" });
