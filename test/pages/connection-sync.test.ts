import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import type { Browser } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, rtAccount } from "../support/sync-fixture";
import { expectPageAndFragment, htmx, page, pageActors, writeForms } from "./page-support";

const network = useSimulatorNetwork();
let actors: Awaited<ReturnType<typeof pageActors>>;
let connectionId: string;
let a: ReturnType<typeof createRequestTrackerSimulator>;
let b: ReturnType<typeof createRequestTrackerSimulator>;

beforeAll(async () => {
  actors = await pageActors();
  const source = await addAccount(actors.org.token, rtAccount("sync-a.sim.test"));
  const target = await addAccount(actors.org.token, rtAccount("sync-b.sim.test"));
  connectionId = await createConnection(
    actors.org.organisation.id,
    { source: { accountId: source, settings: { filters: { queueIds: ["3"] } } }, target: { accountId: target, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    { mappings: [{ sourceField: "priority", targetField: "priority", kind: "direct", direction: "bidirectional" }] },
  );
});
beforeEach(() => {
  a ??= createRequestTrackerSimulator();
  b ??= createRequestTrackerSimulator();
  network.mount("sync-a.sim.test", a.app);
  network.mount("sync-b.sim.test", b.app);
});

const path = () => `/connections/${connectionId}/sync`;

async function post(browser: Browser, action: string, fields: Record<string, string>) {
  const csrf = await browser.csrfFrom(path());
  return browser.post(`${path()}${action}`, { _csrf: csrf, ...fields });
}

describe("the Sync page", () => {
  it("renders as a page and as an htmx fragment, saying an initial sync is required", async () => {
    await expectPageAndFragment(actors.owner, path(), "Initial sync required");
    const { body } = await page(actors.owner, path());
    expect(body).toContain("Cannot be switched on yet: Run a manual sync first");
    expect(body).toMatch(/<button type="submit" class="primary" disabled="" aria-describedby="automatic-blocked">Switch automatic sync on/);
  });

  it("shows a dry run's plan and writes nothing", async () => {
    const writes = a.faults.writes() + b.faults.writes();
    const res = await post(actors.owner, "/run", { since: "2024-01-01", mode: "full", dryRun: "true" });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("Dry run: what a sync would do now");
    expect(body).toMatch(/\d+ to create/);
    expect(body).toContain("Nothing was written.");
    expect(a.faults.writes() + b.faults.writes()).toBe(writes);
  });

  it("puts field errors next to the start date", async () => {
    const res = await post(actors.owner, "/run", { since: "2999-01-01", mode: "quick", dryRun: "false" });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/id="field-since-error">Must not be in the future/);
  });

  it("starts a manual sync, shows its progress bar while it goes, then its result and the cooldown", async () => {
    const started = await post(actors.owner, "/run", { since: "2024-01-01", mode: "quick", dryRun: "false" });
    expect(started.status).toBe(303);
    expect(started.headers.get("Location")).toBe(path());
    const { body: during } = await page(actors.owner, path(), htmx);
    // Either still waiting for its alarm or already going: a bar, polled every second.
    expect(during).toMatch(/<progress id="progress-run_/);
    expect(during).toContain('hx-trigger="every 1s"');
    const stub = connectionSyncStub(env, actors.org.organisation.id, connectionId);
    await runDurableObjectAlarm(stub);
    await stub.drain();
    const { body: after } = await page(actors.owner, `${path()}/status`, htmx);
    expect(after).not.toContain("hx-trigger");
    expect(after).toMatch(/Last run: <span class="badge run-success">Success<\/span>/);
    expect(after).toContain("Ready for automatic sync");
    const { body: full } = await page(actors.owner, path());
    expect(full).toContain('data-countdown-to="');
    const again = await post(actors.owner, "/run", { mode: "quick", dryRun: "false" });
    expect(again.status).toBe(429);
    expect(await again.text()).toContain("A manual sync ran moments ago; the next is allowed at");
  });

  it("switches automatic sync on once a manual run completed, and pauses and resumes", async () => {
    const on = await post(actors.owner, "/automatic", { enabled: "true" });
    expect(on.status).toBe(303);
    expect(await (await actors.owner.fetch(path(), { headers: { Accept: "text/html" } })).text()).toContain("Automatic sync is on: Running.");
    await post(actors.owner, "/pause", {});
    let body = (await page(actors.owner, path())).body;
    expect(body).toContain('<span class="sync-state sync-state-paused">Paused</span>');
    expect(body).toContain(">Resume</button>");
    await post(actors.owner, "/resume", {});
    body = (await page(actors.owner, path())).body;
    expect(body).toContain('<span class="sync-state sync-state-running">Running</span>');
  });

  it("shows viewers the status with no form, and refuses their posts", async () => {
    const { status, body } = await page(actors.viewer, path());
    expect(status).toBe(200);
    expect(body).toContain("Automatic sync");
    expect(writeForms(body)).toEqual([]);
    const csrf = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(body)![1]!;
    const res = await actors.viewer.post(`${path()}/run`, { _csrf: csrf, mode: "quick" });
    expect(res.status).toBe(403);
  });

  it("answers another organisation with 404", async () => {
    expect((await page(actors.outsider, path())).status).toBe(404);
    expect((await page(actors.outsider, `${path()}/status`)).status).toBe(404);
    const { body } = await page(actors.outsider, "/");
    const csrf = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(body)![1]!;
    expect((await actors.outsider.post(`${path()}/pause`, { _csrf: csrf })).status).toBe(404);
  });
});
