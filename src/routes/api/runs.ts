import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params, query } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { pageSchema } from "../../lib/pagination";
import { idParamSchema } from "../../schemas/common";
import { runScopeSchema } from "../../schemas/run-scope";
import { orgRunQuerySchema, planEntrySchema, runItemSchema, runQuerySchema, runSchema, startRunSchema } from "../../schemas/runs";
import { getRun, listOrgRuns, listRuns, startRun } from "../../services/runs";
import { SYNC_ERRORS } from "../../sync/engine/sync-errors";

const tags = ["Sync runs"];

export const runsApi = new Hono<AppEnv>()
  .post(
    "/connections/:id/runs",
    describe({
      summary: "Start a manual sync (or a dry run)",
      description: "202 with the queued run, shown at GET /api/v1/runs/{id} from this answer on. A run already waiting takes the request along (its id is answered; a full resync asked for makes it one). A dry run answers 200 with its plan at once and writes nothing. During the manual cooldown: 429 with Retry-After.",
      tags,
      access: "admin",
      responses: {
        202: { description: "Queued.", schema: z.object({ run: z.object({ id: z.string(), status: z.literal("queued") }) }) },
        200: { description: "Dry run: the plan.", schema: z.object({ run: z.object({ id: z.string(), status: z.string() }), plan: z.array(planEntrySchema), scope: runScopeSchema.nullable().describe("What the dry run looked at, as a run records it.") }) },
        429: { description: "Manual cooldown.", headers: { "Retry-After": "Seconds until the next manual run is allowed." } },
      },
      errors: ["rate_limited", "conflict"],
    }),
    params(idParamSchema),
    jsonBody(startRunSchema),
    async (c) => {
      const answer = await startRun(c.env, c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.valid("json"), c.req.header("CF-Connecting-IP"));
      if (answer.kind === "planned") return c.json({ run: { id: answer.runId, status: answer.status }, plan: answer.plan, scope: answer.scope }, 200);
      return c.json({ run: { id: answer.runId, status: "queued" as const } }, 202);
    },
  )
  .get(
    "/connections/:id/runs",
    describe({ summary: "A connection's runs, newest first", tags, access: "viewer", responses: { 200: { description: "A page of runs.", schema: pageSchema(runSchema) } } }),
    params(idParamSchema),
    query(runQuerySchema),
    async (c) => c.json(await listRuns(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id, c.req.valid("query"))),
  )
  .get(
    "/runs",
    describe({
      summary: "Runs of all your connections, newest first",
      description: "The sync history: filter by connection, status and period (`from`, `to`).",
      tags,
      access: "viewer",
      responses: { 200: { description: "A page of runs.", schema: pageSchema(runSchema) } },
    }),
    query(orgRunQuerySchema),
    async (c) => c.json(await listOrgRuns(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("query"))),
  )
  .get(
    "/runs/:id",
    describe({ summary: "A run with its items", tags, access: "viewer", responses: { 200: { description: "The run, every item with its outcome, error code, the vendor's message and the advice.", schema: runSchema.extend({ items: z.array(runItemSchema) }) } } }),
    params(idParamSchema),
    async (c) => c.json(await getRun(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id)),
  )
  .get(
    "/sync-error-codes",
    describe({
      summary: "The sync error codes, with what each means and what to do",
      tags,
      access: "viewer",
      responses: { 200: { description: "Every code.", schema: z.array(z.object({ code: z.string(), meaning: z.string(), advice: z.string() })) } },
    }),
    (c) => c.json(Object.entries(SYNC_ERRORS).map(([code, v]) => ({ code, ...v }))),
  );
