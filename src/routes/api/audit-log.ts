import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { describe, query } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { listAudit } from "../../services/audit";

const auditRecordSchema = z
  .object({
    id: z.string(),
    actor: z.string().describe("Who: the user's email, marked when an API token acted."),
    action: z.string().describe("What, e.g. `user.created`."),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "AuditRecord" });

export const auditLogApi = new Hono<AppEnv>().get(
  "/audit-log",
  describe({ summary: "Read the audit log, newest first", tags: ["Audit log"], access: "admin", responses: { 200: { description: "A page of entries.", schema: pageSchema(auditRecordSchema) } } }),
  query(pageQuerySchema),
  async (c) => c.json(await listAudit(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("query"))),
);
