// What a run looked at: the window it read on each side, how many tickets each side listed, and
// how many the filters left out and why. Recorded on the run (a JSON column), so a run that finds
// nothing to sync can say why in the admin's words instead of leaving them guessing.
import { z } from "zod";

/** Why a listed ticket was not carried over, one code per filter or rule. */
export const exclusionKindSchema = z
  .enum(["queue", "ticket_type", "status", "field", "bidirectional_off", "bidirectional_filter", "created_by_sync", "unlinked"])
  .describe(
    "queue: its board/queue/group is not selected; ticket_type: its type is not synced; status: its status is excluded; " +
      "field: it fails the side's field filter; bidirectional_off: a target ticket while bi-directional creation is off; " +
      "bidirectional_filter: a target ticket failing the bi-directional creation filter; created_by_sync: a target ticket " +
      "made by this sync from a source ticket (link the pair instead); unlinked: its pair was unlinked.",
  );
export type ExclusionKind = z.infer<typeof exclusionKindSchema>;

export const startSourceSchema = z
  .enum(["requested", "settings", "first_run", "default"])
  .describe(
    "requested: the start date given for this run; settings: the connection's start date in Settings; first_run: where the " +
      "connection's first run started; default: none of these yet, so the last 30 days.",
  );
export type StartSource = z.infer<typeof startSourceSchema>;

/** At most this many distinct values (board or status names) are kept per exclusion. */
export const EXCLUSION_VALUES = 5;

export const exclusionSchema = z.object({
  kind: exclusionKindSchema,
  count: z.number().int().min(0),
  values: z.array(z.string().max(200)).max(EXCLUSION_VALUES).describe("Up to five of the values that excluded them (board names, statuses…)."),
});
export type Exclusion = z.infer<typeof exclusionSchema>;

export const sideScopeSchema = z.object({
  since: z.string().nullable().describe("Changes were looked for since this instant (UTC); null when the run stopped before reading this side."),
  fromStart: z.boolean().describe("True when `since` is the connection's start (the side's first run, or a full resync); false when it is where the last run stopped."),
  listed: z.number().int().min(0).describe("Tickets the platform listed as changed in the window."),
  alreadyHandled: z.number().int().min(0).describe("Listed tickets the previous run had already handled (the two-minute overlap)."),
  reread: z.number().int().min(0).describe("Tickets read again by id: failed last time, or named by a webhook."),
  excluded: z.array(exclusionSchema).describe("Tickets the filters left out, by filter."),
});
export type SideScope = z.infer<typeof sideScopeSchema>;

export const runScopeSchema = z
  .object({
    start: z.object({ since: z.string(), from: startSourceSchema }).describe("The connection's start used by sides read from the start."),
    source: sideScopeSchema,
    target: sideScopeSchema,
  })
  .meta({ id: "RunScope" });
export type RunScope = z.infer<typeof runScopeSchema>;

/** A run's stored scope, or null where there is none or it no longer parses (an older shape):
 * a run's history must show even when its explanation cannot. */
export function storedRunScope(text: string | null): RunScope | null {
  if (!text) return null;
  try {
    const parsed = runScopeSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Which window each kind of manual run will read, said before the admin starts one. */
export const manualWindowsSchema = z
  .object({
    quick: z.object({
      lastRunAt: z.string().nullable().describe("When the connection last ran (or last checked for changes); null before its first run."),
      since: z.string().describe("Before the first run: where it starts (the connection's start)."),
      from: startSourceSchema,
    }),
    full: z.object({ since: z.string().describe("A full resync reads every eligible ticket updated since this instant."), from: startSourceSchema }),
  })
  .describe("The windows a manual run uses when no start date is given: a start date given with the run replaces `since`.");
export type ManualWindows = z.infer<typeof manualWindowsSchema>;
