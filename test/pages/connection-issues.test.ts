import { beforeAll, describe, expect, it } from "vitest";
import { internalConnection, recordIssue } from "../support/run-fixture";
import { expectPageAndFragment, page, pageActors, writeForms } from "./page-support";

let actors: Awaited<ReturnType<typeof pageActors>>;
let connectionId: string;
let issueId: string;

beforeAll(async () => {
  actors = await pageActors();
  connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "issues");
  issueId = await recordIssue(connectionId, "12");
});

const path = () => `/connections/${connectionId}/issues`;

describe("the Issues page", () => {
  it("lists open issues with the advice and the ticket's page, as a page and a fragment", async () => {
    await expectPageAndFragment(actors.owner, path(), "value_not_mapped");
    const { body } = await page(actors.owner, path());
    expect(body).toContain("What to do:</strong> Open the connection&#39;s field mappings");
    expect(body).toContain('href="https://issues-a.sim.test/Ticket/Display.html?id=12"');
    expect(body).toContain(">Retry all now</button>");
    expect(body).toContain(`action="/issues/${issueId}/retry"`);
    expect(body).toMatch(new RegExp(`action="/issues/${issueId}/resolve" class="inline" data-confirm="Mark the problem with ticket 12 resolved`));
  });

  it("says why a retry cannot start (the connection is paused) instead of failing", async () => {
    const csrf = await actors.owner.csrfFrom(path());
    await actors.owner.post(`/connections/${connectionId}/sync/pause`, { _csrf: csrf });
    const res = await actors.owner.post(`/issues/${issueId}/retry`, { _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(path());
    expect((await page(actors.owner, path())).body).toContain("This connection is paused; resume it to sync.");
    await actors.owner.post(`/connections/${connectionId}/sync/resume`, { _csrf: csrf });
  });

  it("marks an issue resolved, after which it is listed under Resolved", async () => {
    const other = await recordIssue(connectionId, "13", "missing_default", "No default priority for the target side");
    const csrf = await actors.owner.csrfFrom(path());
    const res = await actors.owner.post(`/issues/${other}/resolve`, { _csrf: csrf });
    expect(res.status).toBe(303);
    const open = (await page(actors.owner, path())).body;
    expect(open).toContain("Ticket 13 marked resolved.");
    expect(open).not.toContain(`id="issue-${other}"`);
    const resolved = (await page(actors.owner, `${path()}?status=resolved`)).body;
    expect(resolved).toContain(`id="issue-${other}"`);
    expect(resolved).toContain(`by ${actors.org.email}`);
    expect(writeForms(resolved)).toEqual([]);
  });

  it("gives viewers no retry or resolve, and another organisation 404", async () => {
    const { body } = await page(actors.viewer, path());
    expect(body).toContain("value_not_mapped");
    expect(writeForms(body)).toEqual([]);
    expect((await page(actors.outsider, path())).status).toBe(404);
    const csrf = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec((await page(actors.outsider, "/")).body)![1]!;
    expect((await actors.outsider.post(`/issues/${issueId}/resolve`, { _csrf: csrf })).status).toBe(404);
    expect((await actors.outsider.post(`/issues/${issueId}/retry`, { _csrf: csrf })).status).toBe(404);
  });
});
