// What a run is asked to do and what it reports: the engine's public types.
import type { RunScope } from "../../schemas/run-scope";
import type { AccountDeps } from "../../services/platform-accounts";
import type { ItemRecord } from "./apply-plan";
import type { Pacer } from "./pacing";
import type { Side } from "./types";

export type TicketHint = { side: Side; ticketId: string };

export type RunRequest = {
  connectionId: string;
  mode: "quick" | "full";
  trigger: "manual" | "automatic" | "webhook" | "retry";
  /** Where a first run starts (UTC ISO); later runs start at their cursor. */
  since?: string | undefined;
  dryRun?: boolean;
  requestedBy?: string | null;
  /** A run row already recorded as `queued` (by the Durable Object); otherwise one is made. */
  runId?: string;
  /** Its row was written when it was asked for, because its id was handed out: it is kept up to
   * date from the start and finished whatever the run finds (a cron run is otherwise recorded
   * only once it finds work). */
  recorded?: boolean;
  /** Tickets a platform said changed (webhooks): re-read by id, whatever the list says. */
  hints?: TicketHint[];
};

export type RunStatus = "success" | "partial" | "failed" | "no_tickets";
export type RunCounts = Record<ItemRecord["outcome"], number>;
export type PlanSummary = { action: string; side: Side; ticket: string; detail: string };

export type RunResult = {
  runId: string;
  status: RunStatus;
  counts: RunCounts;
  plan?: PlanSummary[];
  /** What the run looked at (dry runs answer with it; other runs record it on their row). */
  scope?: RunScope;
  /** Why the run failed, as recorded on its row. */
  error?: { code: string; message: string };
  /** Set when the run failed for a passing reason (rate limit, platform down): try again later. */
  retry?: { afterSeconds: number | null };
};

/** What a run needs: the database, credentials key and fetch, R2 to stage attachments in, and
 * (in the Durable Object) the platform accounts' shared request budgets. */
export type EngineDeps = AccountDeps & { attachments?: R2Bucket; pacer?: Pacer };
