import { beforeAll, describe, expect, it } from "vitest";
import { internalConnection, recordLink, recordRun } from "../support/run-fixture";
import { expectPageAndFragment, htmx, page, pageActors, writeForms } from "./page-support";

let actors: Awaited<ReturnType<typeof pageActors>>;
let connectionId: string;
let otherConnectionId: string;
let failedRun: string;

beforeAll(async () => {
  actors = await pageActors();
  connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "runs1");
  otherConnectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "runs2");
  await recordRun(connectionId, { status: "success", created: 3, startedAt: new Date(Date.now() - 10 * 86_400_000).toISOString() });
  await recordRun(otherConnectionId, { status: "no_tickets" });
  const link = await recordLink(connectionId, "7", "70");
  failedRun = await recordRun(connectionId, { status: "partial", created: 1, failed: 1 }, [
    { outcome: "created", sourceTicketId: "5", targetTicketId: "50", sourceNumber: "5", targetNumber: "50" },
    {
      outcome: "failed",
      ticketLinkId: link,
      sourceTicketId: "7",
      targetTicketId: "70",
      sourceNumber: "7",
      targetNumber: "70",
      errorCode: "value_not_mapped",
      errorMessage: 'status "Stalled" (stalled) has no pair in the status mapping',
      vendorMessage: null,
      childCounts: JSON.stringify({ comments: { synced: 1, failed: 1, skipped: 0, errors: [{ id: "c9", code: "validation_failed", message: "Note is too long" }] }, attachments: { synced: 0, failed: 0, skipped: 1, errors: [{ id: "a1", code: "too_large", message: "over 25 MB" }] } }),
    },
  ]);
});

describe("the history page", () => {
  it("lists the last 7 days' runs newest first, as a page and as a fragment", async () => {
    await expectPageAndFragment(actors.owner, "/runs", "Sync history");
    const { body } = await page(actors.owner, "/runs");
    expect(body).toContain(`href="/runs/${failedRun}"`);
    expect(body).toContain("Partly failed");
    expect(body).toContain("1 created · 0 updated · 0 closed · 0 skipped");
    expect(body).toContain("42 s");
    // The run of ten days ago is outside the default period.
    expect(body.match(/<tr class|<tr>/g)!.length - 1).toBe(2);
    expect(body.indexOf("badge run-partial")).toBeLessThan(body.indexOf("badge run-no_tickets"));
    const all = (await page(actors.owner, "/runs?period=all")).body;
    expect(all).toContain("3 created");
  });

  it("filters by connection (showing its tabs) and by status", async () => {
    const { body } = await page(actors.owner, `/runs?connection=${connectionId}&period=all`);
    expect(body).toContain('<nav class="connection-tabs"');
    expect(body).not.toContain("No tickets found to sync</span>");
    const partial = (await page(actors.owner, "/runs?status=no_tickets")).body;
    expect(partial).toContain("No tickets found to sync</span>");
    expect(partial).not.toContain("Partly failed</span>");
  });

  it("pages with Older runs", async () => {
    const first = (await page(actors.owner, "/runs?period=all")).body;
    expect(first).not.toContain("Older runs");
    const { body } = await page(actors.owner, "/runs?period=all&cursor=zzzz");
    expect(body).toContain("← Newest runs");
  });

  it("shows filter errors next to the filter", async () => {
    const res = await page(actors.owner, "/runs?status=exploded");
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/id="filter-status-error">Choose a status from the list/);
  });

  it("answers another organisation's connection with 404 and shows it none of these runs", async () => {
    expect((await page(actors.outsider, `/runs?connection=${connectionId}`)).status).toBe(404);
    expect((await page(actors.outsider, "/runs")).body).not.toContain(failedRun);
  });
});

describe("the run detail page", () => {
  it("shows the failing ticket with its code, message, meaning and advice, linked to the platform", async () => {
    await expectPageAndFragment(actors.owner, `/runs/${failedRun}`, "value_not_mapped");
    const { body } = await page(actors.owner, `/runs/${failedRun}`);
    expect(body).toContain("status &quot;Stalled&quot; (stalled) has no pair in the status mapping");
    expect(body).toContain("What to do:</strong> Open the connection&#39;s field mappings, add a pair for the value named in the message, then retry the ticket.");
    expect(body).toContain('href="https://runs1-a.sim.test/Ticket/Display.html?id=7"');
    expect(body).toContain('href="https://runs1-b.sim.test/Ticket/Display.html?id=70"');
    expect(body).toContain("Comments: 1 synced");
    expect(body).toContain("Note is too long");
    expect(body).toContain("Attachments: 0 synced, 1 skipped");
    expect(body).not.toContain("hx-trigger");
  });

  it("filters items by outcome", async () => {
    const { body } = await page(actors.owner, `/runs/${failedRun}?outcome=created`);
    expect(body).not.toContain("value_not_mapped</code>");
    expect(body).toContain('href="https://runs1-b.sim.test/Ticket/Display.html?id=50"');
  });

  it("polls itself while the run goes", async () => {
    const going = await recordRun(connectionId, { status: "running", phase: "syncing tickets", ticketsDone: 3, ticketsTotal: 8, finishedAt: null });
    const { body } = await page(actors.owner, `/runs/${going}`, htmx);
    expect(body).toContain('hx-trigger="every 2s"');
    expect(body).toContain('<progress id="progress-' + going + '" max="8" value="3">');
    expect(body).toContain("Syncing tickets: 3 of 8 tickets");
  });

  it("is read-only for viewers and 404 for another organisation", async () => {
    const { status, body } = await page(actors.viewer, `/runs/${failedRun}`);
    expect(status).toBe(200);
    expect(writeForms(body)).toEqual([]);
    expect((await page(actors.outsider, `/runs/${failedRun}`)).status).toBe(404);
  });
});
