// Runs and run items written straight to D1, as the engine records them, for history, run
// detail and dashboard tests that are about showing runs rather than making them.
import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client";
import { runItems, syncIssues, syncRuns, ticketLinks } from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { addAccount, createConnection, rtAccount } from "./sync-fixture";

type RunRow = typeof syncRuns.$inferInsert;
type ItemRow = typeof runItems.$inferInsert;


/** An internal connection between two Request Tracker accounts of the organisation. */
export async function internalConnection(token: string, orgId: string, name = "rt") {
  const source = await addAccount(token, rtAccount(`${name}-a.sim.test`));
  const target = await addAccount(token, rtAccount(`${name}-b.sim.test`));
  return createConnection(orgId, { source: { accountId: source }, target: { accountId: target } });
}

let clock = Date.now() - 3_600_000;

/** A finished run (newest so far unless `at` says otherwise), with its items. */
export async function recordRun(connectionId: string, run: Partial<RunRow> = {}, items: Partial<ItemRow>[] = []) {
  const db = createDb(env.DB);
  clock += 1000;
  const at = run.startedAt ? Date.parse(run.startedAt) : clock;
  const id = newId("run", at);
  await db.insert(syncRuns).values({
    id,
    connectionId,
    mode: "quick",
    trigger: "manual",
    status: "success",
    startedAt: new Date(at).toISOString(),
    finishedAt: new Date(at + 42_000).toISOString(),
    ...run,
  });
  for (const item of items) {
    await db.insert(runItems).values({ id: newId("itm"), runId: id, outcome: "updated", createdAt: new Date(at).toISOString(), ...item });
  }
  return id;
}

export async function recordLink(connectionId: string, sourceTicketId: string, targetTicketId: string) {
  const db = createDb(env.DB);
  const now = new Date().toISOString();
  const id = newId("lnk");
  await db.insert(ticketLinks).values({ id, connectionId, sourceTicketId, targetTicketId, sourceNumber: sourceTicketId, targetNumber: targetTicketId, originSide: "source", state: "linked", createdAt: now, updatedAt: now });
  return id;
}

export async function recordIssue(connectionId: string, ticketId: string, errorCode = "value_not_mapped", message = `status "Stalled" has no pair`) {
  const db = createDb(env.DB);
  const now = new Date().toISOString();
  const id = newId("iss");
  await db.insert(syncIssues).values({ id, connectionId, side: "source", ticketId, ticketNumber: ticketId, errorCode, message, occurrences: 2, status: "open", createdAt: now, updatedAt: now });
  return id;
}
