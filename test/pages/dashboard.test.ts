import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { usageCounters } from "../../src/db/schema";
import { internalConnection, recordRun } from "../support/run-fixture";
import { expectPageAndFragment, page, pageActors, writeForms } from "./page-support";

let actors: Awaited<ReturnType<typeof pageActors>>;
let connectionId: string;

beforeAll(async () => {
  actors = await pageActors();
});

describe("the dashboard", () => {
  it("guides a newcomer with no connection to the first steps", async () => {
    await expectPageAndFragment(actors.owner, "/", "let&#39;s sync your first tickets");
    const { body } = await page(actors.owner, "/");
    expect(body).toContain('href="/platform-accounts/new">Add a platform account</a>');
    const viewer = (await page(actors.viewer, "/")).body;
    expect(viewer).toContain("Your role is read-only");
    expect(viewer).not.toContain("Add a platform account");
  });

  it("shows each connection's health and 30 days of tickets synced and failed as SVG", async () => {
    connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "dash");
    const today = new Date().toISOString();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await recordRun(connectionId, { status: "success", created: 4, updated: 2, startedAt: yesterday });
    await recordRun(connectionId, { status: "failed", failed: 3, startedAt: new Date(Date.now() - 2000).toISOString() });
    await recordRun(connectionId, { status: "failed", failed: 1, startedAt: today });
    // A dry run is a plan, not work done: it counts nowhere.
    await recordRun(connectionId, { status: "success", created: 50, dryRun: true, startedAt: today });
    const { body } = await page(actors.owner, "/");
    expect(body).toContain(`href="/connections/${connectionId}"`);
    expect(body).toContain("Initial sync required");
    expect(body).toMatch(/<td class="bad">2<\/td>/);
    // Request Tracker publishes no limit: Lockstep does not pace by one, and says so.
    expect(body).toContain("Request Tracker 5: not paced (no hard limit published, about 10 requests per second)");
    const synced = /<svg id="chart-synced"[\s\S]*?<\/svg>/.exec(body)![0];
    expect(synced.match(/<rect class="chart-bar"/g)!.length).toBe(30);
    expect(synced).toContain(`data-day="${yesterday.slice(0, 10)}" data-value="6"`);
    const failed = /<svg id="chart-failed"[\s\S]*?<\/svg>/.exec(body)![0];
    expect(failed).toContain(`data-day="${today.slice(0, 10)}" data-value="4"`);
    expect(body).toContain("Tickets synced per day: <strong>6</strong> in 30 days");
  });

  it("shows another organisation nothing of ours", async () => {
    const { body } = await page(actors.outsider, "/");
    expect(body).not.toContain(connectionId);
  });
});

describe("the billing page", () => {
  it("shows the billing status and tickets synced per connection and month, read-only", async () => {
    const db = createDb(env.DB);
    const month = new Date().toISOString().slice(0, 7);
    await db.insert(usageCounters).values({ connectionId, month, ticketsSynced: 17 });
    await expectPageAndFragment(actors.owner, "/billing", "Billing and usage");
    const { body } = await page(actors.viewer, "/billing");
    expect(body).toContain("Not set up");
    expect(body).toContain("This install does not require billing");
    expect(body).toMatch(new RegExp(`<td>${month}</td><td><a href="/connections/${connectionId}">[^<]+</a></td><td>17</td>`));
    expect(writeForms(body)).toEqual([]);
    expect((await page(actors.outsider, "/billing")).body).not.toContain(connectionId);
  });
});
