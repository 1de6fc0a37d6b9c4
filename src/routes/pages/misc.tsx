// Audit log and API reference pages.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { pageQuerySchema } from "../../lib/pagination";
import { listAudit } from "../../services/audit";
import { openApiDocument } from "../api/index";
import { AuditLogPage } from "../../../views/pages/audit-log";
import { ApiReferencePage } from "../../../views/pages/api-reference";
import { render, signedIn } from "./render";

export const miscPages = new Hono<AppEnv>()
  .get("/audit-log", requireRole("admin"), async (c) => {
    const page = await listAudit(c.get("db"), scopeOf(signedIn(c)), pageQuerySchema.parse(c.req.query()));
    return render(c, "Audit log", <AuditLogPage entries={page.data} nextCursor={page.nextCursor} />, { active: "/audit-log" });
  })
  .get("/api-docs", (c) => render(c, "API reference", <ApiReferencePage document={openApiDocument()} />, { active: "/api-docs" }));
