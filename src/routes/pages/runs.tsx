// Sync history and run detail: the same services as GET /api/v1/runs and /api/v1/runs/:id.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { scopeOf } from "../../auth/principal";
import { getConnection, listConnections } from "../../services/connections";
import { getRun, listOrgRuns } from "../../services/runs";
import { RunsPage, PERIODS, type Period } from "../../../views/pages/runs";
import { OUTCOMES, RunDetailPage } from "../../../views/pages/run-detail";
import { sideNames } from "./side-names";
import { RUN_STATUS_TEXT } from "../../../views/components/run-bits";
import type { FieldErrors } from "../../../views/components/form";
import { render, signedIn } from "./render";

const PERIOD_HOURS: Record<Period, number | null> = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24, "90d": 90 * 24, all: null };
const PAGE_SIZE = 25;

const historyQuery = z.object({
  connection: z.string().max(64).optional(),
  status: z.enum(Object.keys(RUN_STATUS_TEXT) as [string, ...string[]], "choose a status from the list").optional(),
  period: z.enum(Object.keys(PERIODS) as [Period, ...Period[]], "choose a period from the list").default("7d"),
  cursor: z.string().max(64).optional(),
});

/** Query parameters from a GET form: an empty select means "any". */
function given(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ""));
}

export const runPages = new Hono<AppEnv>()
  .get("/runs", async (c) => {
    const principal = signedIn(c);
    const scope = scopeOf(principal);
    const db = c.get("db");
    const connections = (await listConnections(db, scope, { limit: 200 })).data.map((x) => ({ id: x.id, name: x.name }));
    const parsed = historyQuery.safeParse(given(c.req.query()));
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) errors[issue.path.join(".")] ??= issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
      return render(c, "Sync history", <RunsPage runs={[]} nextCursor={null} filters={{ period: "7d" }} connections={connections} errors={errors} />, { active: "/runs", status: 400 });
    }
    const filters = parsed.data;
    // Another organisation's connection (or none) answers 404, as the API does.
    const current = filters.connection ? await getConnection(db, scope, filters.connection) : undefined;
    const hours = PERIOD_HOURS[filters.period];
    const page = await listOrgRuns(db, scope, {
      connectionId: filters.connection,
      status: filters.status,
      from: hours === null ? undefined : new Date(Date.now() - hours * 3_600_000).toISOString(),
      limit: PAGE_SIZE,
      cursor: filters.cursor,
    });
    return render(
      c,
      current ? `History · ${current.name}` : "Sync history",
      <RunsPage runs={page.data} nextCursor={page.nextCursor} filters={filters} connections={connections} current={current ? { id: current.id, name: current.name } : undefined} paged={filters.cursor !== undefined} />,
      { active: "/runs" },
    );
  })
  .get("/runs/:id", async (c) => {
    const scope = scopeOf(signedIn(c));
    const run = await getRun(c.get("db"), scope, c.req.param("id"));
    const connection = await getConnection(c.get("db"), scope, run.connectionId);
    const outcome = z.enum(OUTCOMES).optional().catch(undefined).parse(c.req.query("outcome"));
    return render(c, `Run · ${connection.name}`, <RunDetailPage run={run} connectionName={connection.name} outcome={outcome} names={sideNames(connection)} canAdmin={signedIn(c).role !== "viewer"} />, { active: "/runs" });
  });
