// The pages say what a run looked at in the admin's words: the window, what each side listed and
// what the filters left out, and what to do when nothing was synced. The Sync page's form says
// which window each kind of run will read before the admin starts one.
import { beforeAll, describe, expect, it } from "vitest";
import type { RunScope } from "../../src/schemas/run-scope";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { api } from "../helpers";
import { internalConnection, recordRun } from "../support/run-fixture";
import { useSimulatorNetwork } from "../support/simulator-network";
import { page, pageActors } from "./page-support";

const network = useSimulatorNetwork();
let actors: Awaited<ReturnType<typeof pageActors>>;
beforeAll(async () => {
  actors = await pageActors();
});

/** The brief's example: nothing synced, every listed ticket excluded by the source's filters. */
const filteredOut: RunScope = {
  start: { since: "2026-11-01T00:00:00.000Z", from: "settings" },
  source: {
    since: "2026-12-03T14:05:00.000Z",
    fromStart: false,
    listed: 12,
    alreadyHandled: 0,
    reread: 0,
    excluded: [
      { kind: "queue", count: 9, values: ["Projects"] },
      { kind: "status", count: 3, values: ["Closed"] },
    ],
  },
  target: { since: "2026-12-03T14:06:00.000Z", fromStart: false, listed: 0, alreadyHandled: 0, reread: 0, excluded: [] },
};

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ");

describe("the run detail page", () => {
  it("explains a run that found nothing to sync, with what to do, without an error look", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-detail");
    const runId = await recordRun(connectionId, { status: "no_tickets", skipped: 0, scope: JSON.stringify(filteredOut) });
    const { status, body } = await page(actors.owner, `/runs/${runId}`);
    expect(status).toBe(200);
    const words = text(body);
    expect(words).toContain(
      "Looked for changes since 3 Dec 2026 14:05 UTC (where the last run stopped) on Request Tracker 5 “why-detail-a.sim.test” (source) — 12 tickets listed, 12 excluded: 9 on boards/queues not selected (Projects), 3 with excluded status Closed.",
    );
    expect(words).toContain("Looked for changes since 3 Dec 2026 14:06 UTC (where the last run stopped) on Request Tracker 5 “why-detail-b.sim.test” (target): no ticket changed in that window.");
    expect(words).toContain("What to do: Widen the filters in Settings, or pick a start date further back.");
    expect(body).toContain(`href="/connections/${connectionId}/settings"`);
    expect(body).toContain(`href="/connections/${connectionId}/sync#field-since"`);
    expect(body).toContain('class="badge run-no_tickets"');
    expect(body).not.toContain('class="error-explained"');
  });

  it("tells a viewer to ask an admin, without links to forms they cannot use", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-viewer");
    const runId = await recordRun(connectionId, { status: "no_tickets", scope: JSON.stringify(filteredOut) });
    const { body } = await page(actors.viewer, `/runs/${runId}`);
    expect(text(body)).toContain("Ask an admin to pick a start date further back or to widen the filters.");
    expect(body).not.toContain("sync#field-since");
  });

  it("says where a first run's window came from, and gives no advice when the run synced tickets", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-synced");
    const scope: RunScope = {
      start: { since: "2026-11-06T02:00:00.000Z", from: "default" },
      source: { since: "2026-11-06T02:00:00.000Z", fromStart: true, listed: 4, alreadyHandled: 0, reread: 0, excluded: [] },
      target: { since: "2026-11-06T02:00:00.000Z", fromStart: true, listed: 0, alreadyHandled: 0, reread: 0, excluded: [] },
    };
    const runId = await recordRun(connectionId, { status: "success", created: 4, scope: JSON.stringify(scope) });
    const words = text((await page(actors.owner, `/runs/${runId}`)).body);
    expect(words).toContain("Looked for tickets updated since 6 Nov 2026 02:00 UTC (the last 30 days: no start date is set and the connection had not run before) on Request Tracker");
    expect(words).toContain("— 4 tickets listed.");
    expect(words).not.toContain("What to do");
  });

  it("still shows a run whose stored explanation no longer parses", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-broken");
    const runId = await recordRun(connectionId, { status: "no_tickets", scope: '{"start":1}' });
    const { status, body } = await page(actors.owner, `/runs/${runId}`);
    expect(status).toBe(200);
    expect(body).not.toContain("What it looked at");
    const res = await api(`/runs/${runId}`, actors.org.token);
    expect(((await res.json()) as { scope: unknown }).scope).toBeNull();
  });
});

describe("the Sync page", () => {
  it("explains the last run's result when it found nothing to sync", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-sync");
    await recordRun(connectionId, { status: "no_tickets", scope: JSON.stringify(filteredOut) });
    const words = text((await page(actors.owner, `/connections/${connectionId}/sync`)).body);
    expect(words).toContain("Last run: No tickets found to sync");
    expect(words).toContain("12 tickets listed, 12 excluded: 9 on boards/queues not selected (Projects), 3 with excluded status Closed.");
    expect(words).toContain("What to do: Widen the filters in Settings");
  });

  it("says before a first run which window each kind of run reads: the last 30 days, plainly", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-never");
    const words = text((await page(actors.owner, `/connections/${connectionId}/sync`)).body);
    expect(words).toMatch(/Quick sync: a first run: tickets updated since \d{1,2} \w{3} \d{4} \d\d:\d\d UTC \(the last 30 days: no start date is set and the connection had not run before\)/);
    expect(words).toMatch(/Full resync: every eligible ticket updated since \d{1,2} \w{3} \d{4} \d\d:\d\d UTC \(the last 30 days: no start date is set/);
    expect(words).toContain("set a start date here or in Settings to go further back");
  });

  it("says a full resync goes back to where the first run started, and a quick one to the last run", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-first");
    await recordRun(connectionId, { status: "success", since: "2026-11-01T00:00:00.000Z", startedAt: "2026-11-20T09:00:00.000Z" });
    await recordRun(connectionId, { status: "success", since: "2026-11-01T00:00:00.000Z", startedAt: "2026-12-04T10:15:00.000Z" });
    const words = text((await page(actors.owner, `/connections/${connectionId}/sync`)).body);
    expect(words).toContain("Quick sync: changes since the last run (4 Dec 2026 10:15 UTC)");
    expect(words).toContain("Full resync: every eligible ticket updated since 1 Nov 2026 (the connection's start: where its first run began)");
  });

  it("says a full resync goes back to the start date in Settings, once one is set", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-settings");
    await recordRun(connectionId, { status: "success", since: "2026-11-01T00:00:00.000Z", startedAt: "2026-11-20T09:00:00.000Z" });
    const saved = await api(`/connections/${connectionId}`, actors.org.token, { method: "PATCH", json: { settings: { startDate: "2026-10-15" } } });
    expect(saved.status).toBe(200);
    const words = text((await page(actors.owner, `/connections/${connectionId}/sync`)).body);
    expect(words).toContain("Full resync: every eligible ticket updated since 15 Oct 2026 (the connection's start date in Settings)");
    const status = (await (await api(`/connections/${connectionId}/sync-status`, actors.org.token)).json()) as { manualWindows: { full: { since: string; from: string } } };
    expect(status.manualWindows.full).toEqual({ since: "2026-10-15T00:00:00.000Z", from: "settings" });
  });

  it("refuses a start date in Settings that is not a past day, writing nothing", async () => {
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-future");
    for (const startDate of ["2999-01-01", "yesterday", "2026-02-30"]) {
      const res = await api(`/connections/${connectionId}`, actors.org.token, { method: "PATCH", json: { settings: { startDate } } });
      expect(res.status).toBe(400);
    }
    const connection = (await (await api(`/connections/${connectionId}`, actors.org.token)).json()) as { settings: { startDate?: string } };
    expect(connection.settings.startDate).toBeUndefined();
  });
});

describe("a dry run on the Sync page", () => {
  it("shows what it looked at and what the filters left out", async () => {
    network.mount("why-dry-a.sim.test", createRequestTrackerSimulator().app);
    const target = createRequestTrackerSimulator();
    target.store.tickets.splice(0);
    network.mount("why-dry-b.sim.test", target.app);
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-dry");
    const saved = await api(`/connections/${connectionId}`, actors.org.token, { method: "PATCH", json: { side: { side: "source", settings: { filters: { queueIds: ["999"] } } } } });
    expect(saved.status).toBe(200);
    const csrf = await actors.owner.csrfFrom(`/connections/${connectionId}/sync`);
    const res = await actors.owner.post(`/connections/${connectionId}/sync/run`, { _csrf: csrf, since: "2024-01-01", mode: "quick", dryRun: "true" });
    expect(res.status).toBe(200);
    const words = text(await res.text());
    expect(words).toMatch(/Looked for tickets updated since 1 Jan 2024 \(the start date given for this run\) on Request Tracker 5 “why-dry-a\.sim\.test” \(source\) — (\d+) tickets listed, \1 excluded: \1 on boards\/queues not selected \(General, Support, Billing\)\./);
    expect(words).toContain("What to do: Widen the filters in Settings");
  });
});

describe("the connection's start date in Settings", () => {
  it("is saved from the shared settings form, and a future day is refused next to the field", async () => {
    // The Settings page reads both platforms' picklists.
    network.mount("why-form-a.sim.test", createRequestTrackerSimulator().app);
    network.mount("why-form-b.sim.test", createRequestTrackerSimulator().app);
    const connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "why-form");
    const path = `/connections/${connectionId}/settings`;
    const csrf = await actors.owner.csrfFrom(path);
    const future = await actors.owner.post(`${path}/shared`, { _csrf: csrf, startDate: "2999-01-01", manualCooldownSeconds: "60" });
    expect(future.status).toBe(400);
    expect(await future.text()).toMatch(/id="field-startDate-error">Must not be in the future/);
    const saved = await actors.owner.post(`${path}/shared`, { _csrf: csrf, startDate: "2026-10-15", manualCooldownSeconds: "60" });
    expect(saved.status).toBe(303);
    const connection = (await (await api(`/connections/${connectionId}`, actors.org.token)).json()) as { settings: { startDate?: string } };
    expect(connection.settings.startDate).toBe("2026-10-15");
    expect((await page(actors.owner, path)).body).toMatch(/name="startDate" type="date" value="2026-10-15"/);
    // Emptied, the connection's start is its first run's again.
    await actors.owner.post(`${path}/shared`, { _csrf: csrf, startDate: "", manualCooldownSeconds: "60" });
    const cleared = (await (await api(`/connections/${connectionId}`, actors.org.token)).json()) as { settings: { startDate?: string } };
    expect(cleared.settings.startDate).toBeUndefined();
  });
});
