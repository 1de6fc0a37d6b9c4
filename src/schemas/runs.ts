import { z } from "zod";
import { runScopeSchema } from "./run-scope";

export const startRunSchema = z.object({
  mode: z
    .enum(["quick", "full"])
    .default("quick")
    .describe(
      "quick: changes since the last run (a side never read yet starts at the connection's start); " +
        "full: re-read every eligible ticket updated since the connection's start, and repair. " +
        "The connection's start is `since` if given, else the start date in the connection's settings (`settings.startDate`), " +
        "else where the connection's first run started; only a connection that has never run falls back to the last 30 days.",
    ),
  since: z.iso
    .datetime()
    .optional()
    .describe("Overrides the connection's start for this run (UTC ISO-8601): where a first run, or a full resync, starts reading. A quick run's sides that were read before continue where the last run stopped."),
  dryRun: z.boolean().default(false).describe("Plan only: show what would be created, updated and closed, writing nothing."),
});

export const runQuerySchema = z.object({
  status: z.enum(["queued", "running", "success", "partial", "failed", "no_tickets"]).optional(),
  from: z.iso.datetime().optional().describe("Runs started at or after (UTC)."),
  to: z.iso.datetime().optional().describe("Runs started before (UTC)."),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(64).optional(),
});

const childCountsSchema = z.object({
  synced: z.number(),
  failed: z.number(),
  skipped: z.number(),
  unverified: z.number().optional().describe("Copies written whose platform answered but that no later read has shown yet: not counted as synced; the next run checks them (absent on items from before this count existed)."),
  errors: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })).describe("Why each failed or skipped one did."),
});

export const orgRunQuerySchema = runQuerySchema.extend({
  connectionId: z.string().min(1).max(64).optional().describe("Only this connection's runs."),
});

const counts = { created: z.number(), updated: z.number(), closed: z.number(), skipped: z.number(), failed: z.number() };

export const runSchema = z
  .object({
    id: z.string(),
    connectionId: z.string(),
    mode: z.enum(["quick", "full"]),
    trigger: z.string(),
    dryRun: z.boolean(),
    status: z.string(),
    phase: z.string().nullable(),
    ticketsDone: z.number(),
    ticketsTotal: z.number().nullable(),
    ...counts,
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    advice: z.string().nullable(),
    scope: runScopeSchema
      .nullable()
      .describe("What the run looked at: the window on each side, how many tickets were listed, and how many the filters left out, by filter. Null for runs that stopped before reading, or recorded before runs kept it."),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "SyncRun" });

export const runItemSchema = z
  .object({
    id: z.string(),
    outcome: z.enum(["created", "updated", "closed", "skipped", "failed"]),
    sourceTicketId: z.string().nullable(),
    targetTicketId: z.string().nullable(),
    sourceNumber: z.string().nullable(),
    targetNumber: z.string().nullable(),
    reason: z.string().nullable().describe("Why it was skipped, or for a failed ticket what became of its comments, attachments and time entries (they still travel for a linked pair whose fields failed; they wait when the copy could not be created)."),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    vendorMessage: z.string().nullable(),
    advice: z.string().nullable().describe("What to do about the error code."),
    sourceUrl: z.string().nullable().describe("The ticket's own page on the source platform; only where the source side is yours."),
    targetUrl: z.string().nullable().describe("The ticket's own page on the target platform; only where the target side is yours."),
    children: z
      .object({ comments: childCountsSchema, attachments: childCountsSchema, timeEntries: childCountsSchema })
      .partial()
      .describe("Comments, attachments and time entries of this ticket handled by the run; attachments may be skipped (too large, type filtered out)."),
    conflicts: z.array(z.object({ field: z.string(), sourceValue: z.string().nullable(), targetValue: z.string().nullable(), winner: z.string(), policy: z.string() })),
  })
  .meta({ id: "RunItem" });

export const planEntrySchema = z.object({ action: z.string(), side: z.enum(["source", "target"]), ticket: z.string(), detail: z.string() });
