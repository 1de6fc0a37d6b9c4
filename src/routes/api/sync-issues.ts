import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { describe, params, query } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { pageSchema } from "../../lib/pagination";
import { idParamSchema } from "../../schemas/common";
import { listIssues, resolveIssue, retryConnectionIssues, retryIssue } from "../../services/sync-issues";

const tags = ["Issues"];
const issueSchema = z
  .object({
    id: z.string(),
    connectionId: z.string(),
    side: z.enum(["source", "target"]),
    ticketId: z.string(),
    ticketNumber: z.string().nullable(),
    errorCode: z.string(),
    message: z.string(),
    advice: z.string().nullable(),
    occurrences: z.number().describe("Runs in which it failed."),
    status: z.enum(["open", "resolved"]),
    firstRunId: z.string().nullable(),
    lastRunId: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "SyncIssue" });

export const syncIssuesApi = new Hono<AppEnv>()
  .get(
    "/issues",
    describe({ summary: "Open per-ticket problems across runs", tags, access: "viewer", responses: { 200: { description: "A page of issues, newest first.", schema: pageSchema(issueSchema) } } }),
    query(
      z.object({
        status: z.enum(["open", "resolved"]).default("open"),
        connectionId: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().optional(),
      }),
    ),
    async (c) => c.json(await listIssues(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("query"))),
  )
  .post(
    "/issues/:id/retry",
    describe({
      summary: "Retry the ticket now",
      description: "Starts a run of the connection (manual cooldown applies); failed tickets are always retried by the next run.",
      tags,
      access: "admin",
      responses: { 202: { description: "A run is queued.", schema: z.object({ run: z.object({ id: z.string(), status: z.literal("queued") }) }) } },
      errors: ["rate_limited", "conflict"],
    }),
    params(idParamSchema),
    async (c) => {
      const answer = await retryIssue(c.env, c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.header("CF-Connecting-IP"));
      return c.json({ run: { id: answer.runId, status: "queued" as const } }, 202);
    },
  )
  .post(
    "/connections/:id/issues/retry",
    describe({
      summary: "Retry every open issue of a connection",
      description: "Starts one run of the connection, which re-reads every ticket whose sync failed (manual cooldown applies).",
      tags,
      access: "admin",
      responses: { 202: { description: "A run is queued.", schema: z.object({ run: z.object({ id: z.string(), status: z.literal("queued") }) }) } },
      errors: ["rate_limited", "conflict"],
    }),
    params(idParamSchema),
    async (c) => {
      const answer = await retryConnectionIssues(c.env, c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.header("CF-Connecting-IP"));
      return c.json({ run: { id: answer.runId, status: "queued" as const } }, 202);
    },
  )
  .post(
    "/issues/:id/resolve",
    describe({ summary: "Mark an issue resolved", tags, access: "admin", responses: { 200: { description: "Resolved.", schema: issueSchema } } }),
    params(idParamSchema),
    async (c) => c.json(await resolveIssue(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.header("CF-Connecting-IP"))),
  );
