// The Sync page of a connection: the same services as /api/v1/connections/:id/runs, /automatic,
// /pause, /resume and /sync-status. The state card is also served alone, for htmx to poll while
// a run goes.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { getConnection } from "../../services/connections";
import { setAutomatic, setPaused } from "../../services/automatic-sync";
import { startRun } from "../../services/runs";
import { syncStatusOf } from "../../services/sync-status";
import { ConnectionSyncPage, SyncStateCard, type ManualFormValues, type PlanEntry } from "../../../views/pages/connection-sync";
import type { FieldErrors } from "../../../views/components/form";
import { actionableMessage } from "./form-errors";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";
import { sideNames } from "./side-names";
import type { RunScope } from "../../schemas/run-scope";

const ip = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? null;
const syncPath = (id: string) => `/connections/${encodeURIComponent(id)}/sync`;

const manualRunForm = z.object({
  since: z.iso
    .date("must be a date")
    .refine((d) => d <= new Date().toISOString().slice(0, 10), "must not be in the future")
    .optional(),
  mode: z.enum(["quick", "full"], "choose quick sync or full resync").default("quick"),
  dryRun: z.enum(["true", "false"]).default("false"),
});

async function statusOf(c: Context<AppEnv>, id: string) {
  const principal = signedIn(c);
  const db = c.get("db");
  const connection = await getConnection(db, scopeOf(principal), id);
  const status = await syncStatusOf(db, scopeOf(principal), id, { billingRequired: c.get("config").billingRequired });
  return { principal, connection, status };
}

async function syncPage(
  c: Context<AppEnv>,
  id: string,
  extra: { plan?: PlanEntry[]; scope?: RunScope | null; values?: ManualFormValues; errors?: FieldErrors; message?: string; status?: 400 | 409 | 429 } = {},
) {
  const { principal, connection, status } = await statusOf(c, id);
  return render(
    c,
    `Sync · ${connection.name}`,
    <ConnectionSyncPage principal={principal} connection={connection} status={status} csrf={csrfFor(c)} plan={extra.plan} scope={extra.scope} names={sideNames(connection)} values={extra.values} errors={extra.errors} message={extra.message} />,
    { active: "/connections", status: extra.status ?? 200 },
  );
}

export const connectionSyncPages = new Hono<AppEnv>()
  .get("/connections/:id/sync", (c) => syncPage(c, c.req.param("id")))
  .get("/connections/:id/sync/status", async (c) => {
    const { principal, connection, status } = await statusOf(c, c.req.param("id"));
    return render(c, `Sync · ${connection.name}`, <SyncStateCard principal={principal} connection={connection} status={status} csrf={csrfFor(c)} names={sideNames(connection)} />, { active: "/connections" });
  })
  .post("/connections/:id/sync/run", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const form = await parseForm(c, manualRunForm);
    if (!form.ok) return syncPage(c, id, { values: form.raw, errors: form.errors, message: "Please correct the fields below.", status: 400 });
    const { since, mode, dryRun } = form.data;
    const values = { since, mode };
    try {
      const answer = await startRun(c.env, c.get("db"), signedIn(c), id, { mode, since: since ? `${since}T00:00:00.000Z` : undefined, dryRun: dryRun === "true" }, ip(c));
      if (answer.kind === "planned") return syncPage(c, id, { plan: answer.plan, scope: answer.scope, values });
      return redirectWithFlash(c, syncPath(id), { kind: "success", message: mode === "full" ? "Full resync started." : "Sync started." });
    } catch (err) {
      const message = actionableMessage(err, ["conflict", "rate_limited"]);
      return syncPage(c, id, { values, message, status: err instanceof ApiError && err.code === "rate_limited" ? 429 : 409 });
    }
  })
  .post("/connections/:id/sync/automatic", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const form = await parseForm(c, z.object({ enabled: z.enum(["true", "false"]) }));
    if (!form.ok) throw new ApiError("invalid_input", "Say whether to switch automatic sync on or off.");
    const enabled = form.data.enabled === "true";
    try {
      const view = await setAutomatic(c.get("db"), signedIn(c), id, enabled, { billingRequired: c.get("config").billingRequired, ip: ip(c) });
      return redirectWithFlash(c, syncPath(id), { kind: "success", message: enabled ? `Automatic sync is on: ${view.label}.` : "Automatic sync is off." });
    } catch (err) {
      const message = actionableMessage(err, ["initial_sync_required", "billing_required", "conflict"]);
      return redirectWithFlash(c, syncPath(id), { kind: "error", message: `Automatic sync was not switched on: ${message}` });
    }
  })
  .post("/connections/:id/sync/pause", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    await setPaused(c.get("db"), signedIn(c), id, true, ip(c));
    return redirectWithFlash(c, syncPath(id), { kind: "success", message: "Paused. Changes made meanwhile are picked up after you resume." });
  })
  .post("/connections/:id/sync/resume", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    await setPaused(c.get("db"), signedIn(c), id, false, ip(c));
    return redirectWithFlash(c, syncPath(id), { kind: "success", message: "Resumed. The next run picks up every change made while paused." });
  });
