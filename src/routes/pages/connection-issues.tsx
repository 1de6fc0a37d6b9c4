// A connection's issues page: the same services as /api/v1/issues, retry and resolve.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { findVisibleConnection } from "../../services/connections";
import { getIssue, listIssues, resolveIssue, retryConnectionIssues, retryIssue } from "../../services/sync-issues";
import { ticketPageLinker } from "../../services/ticket-pages";
import { ConnectionIssuesPage } from "../../../views/pages/connection-issues";
import { actionableMessage } from "./form-errors";
import { csrfFor, redirectWithFlash, render, signedIn } from "./render";

const ip = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? null;
const issuesQuery = z.object({ status: z.enum(["open", "resolved"]).catch("open"), cursor: z.string().max(64).optional() });
const RETRYING = "Retrying: a run re-reads every ticket that failed. Its progress shows below.";

/** Starting a run can meet the cooldown or a paused connection: said in the flash, not an error page. */
async function startedOrSaid(c: Context<AppEnv>, connectionId: string, start: () => Promise<unknown>) {
  try {
    await start();
    return redirectWithFlash(c, `/connections/${connectionId}/sync`, { kind: "success", message: RETRYING });
  } catch (err) {
    return redirectWithFlash(c, `/connections/${connectionId}/issues`, { kind: "error", message: actionableMessage(err, ["rate_limited", "conflict"]) });
  }
}

export const connectionIssuePages = new Hono<AppEnv>()
  .get("/connections/:id/issues", async (c) => {
    const principal = signedIn(c);
    const db = c.get("db");
    const visible = await findVisibleConnection(db, scopeOf(principal), c.req.param("id"));
    const query = issuesQuery.parse(c.req.query());
    const page = await listIssues(db, scopeOf(principal), { status: query.status, connectionId: visible.row.id, limit: 50, cursor: query.cursor });
    const pageOf = await ticketPageLinker(db, visible, []);
    const issues = page.data.map((i) => ({ ...i, ticketUrl: pageOf({ side: i.side, id: i.ticketId, number: i.ticketNumber, linkId: null }) }));
    return render(
      c,
      `Issues · ${visible.row.name}`,
      <ConnectionIssuesPage principal={principal} connection={{ id: visible.row.id, name: visible.row.name }} issues={issues} status={query.status} nextCursor={page.nextCursor} csrf={csrfFor(c)} />,
      { active: "/connections" },
    );
  })
  .post("/connections/:id/issues/retry", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    // Someone else's connection is a 404 page, not a flash on a page that does not exist.
    await findVisibleConnection(c.get("db"), scopeOf(signedIn(c)), id);
    return startedOrSaid(c, id, () => retryConnectionIssues(c.env, c.get("db"), signedIn(c), id, ip(c)));
  })
  .post("/issues/:id/retry", requireRole("admin"), async (c) => {
    const issueId = c.req.param("id");
    const { connectionId } = await getIssue(c.get("db"), scopeOf(signedIn(c)), issueId);
    return startedOrSaid(c, connectionId, () => retryIssue(c.env, c.get("db"), signedIn(c), issueId, ip(c)));
  })
  .post("/issues/:id/resolve", requireRole("admin"), async (c) => {
    const issue = await resolveIssue(c.get("db"), signedIn(c), c.req.param("id"), ip(c));
    return redirectWithFlash(c, `/connections/${issue.connectionId}/issues`, { kind: "success", message: `Ticket ${issue.ticketNumber ?? issue.ticketId} marked resolved.` });
  });
