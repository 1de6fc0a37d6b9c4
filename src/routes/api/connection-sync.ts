// Automatic sync, pause and resume of a connection.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params } from "../../api/openapi";
import { idParamSchema } from "../../schemas/common";
import { setAutomatic, setPaused } from "../../services/automatic-sync";
import { syncStatusOf } from "../../services/sync-status";
import { syncStatusSchema } from "../../schemas/overview";
import { scopeOf } from "../../auth/principal";

const tags = ["Sync runs"];
const automaticViewSchema = z.object({
  enabled: z.boolean(),
  state: z.enum(["pending_acceptance", "initial_sync_required", "ready", "running", "paused", "billing_required"]),
  label: z.string().describe("As the pages show it: Initial sync required, Ready for automatic sync, Running, Paused."),
  billingOrganisationId: z.string().nullable(),
});

export const connectionSyncApi = new Hono<AppEnv>()
  .get(
    "/connections/:id/sync-status",
    describe({
      summary: "Where the connection's syncing stands",
      description: "The state label, why automatic sync cannot be switched on (if so), the manual cooldown, the run under way with its progress, the last run, and when an automatic run last looked and found nothing.",
      tags,
      access: "viewer",
      responses: { 200: { description: "The sync status.", schema: syncStatusSchema } },
    }),
    params(idParamSchema),
    async (c) => c.json(await syncStatusOf(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id, { billingRequired: c.get("config").billingRequired })),
  )
  .put(
    "/connections/:id/automatic",
    describe({
      summary: "Switch automatic sync on or off",
      description: "409 initial_sync_required until a manual run has completed; 409 billing_required where the install requires billing and yours is not active. Your organisation becomes the connection's billing organisation.",
      tags,
      access: "admin",
      responses: { 200: { description: "The new state.", schema: automaticViewSchema } },
      errors: ["initial_sync_required", "billing_required", "conflict"],
    }),
    params(idParamSchema),
    jsonBody(z.object({ enabled: z.boolean() })),
    async (c) =>
      c.json(
        await setAutomatic(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.valid("json").enabled, {
          billingRequired: c.get("config").billingRequired,
          ip: c.req.header("CF-Connecting-IP"),
        }),
      ),
  )
  .post(
    "/connections/:id/pause",
    describe({ summary: "Pause a connection", description: "Nothing runs while paused; changes made meanwhile are picked up after resuming.", tags, access: "admin", responses: { 200: { description: "Paused.", schema: automaticViewSchema } }, errors: ["conflict"] }),
    params(idParamSchema),
    async (c) => c.json(await setPaused(c.get("db"), c.get("principal")!, c.req.valid("param").id, true, c.req.header("CF-Connecting-IP"))),
  )
  .post(
    "/connections/:id/resume",
    describe({ summary: "Resume a paused connection", tags, access: "admin", responses: { 200: { description: "Resumed.", schema: automaticViewSchema } }, errors: ["conflict"] }),
    params(idParamSchema),
    async (c) => c.json(await setPaused(c.get("db"), c.get("principal")!, c.req.valid("param").id, false, c.req.header("CF-Connecting-IP"))),
  );
