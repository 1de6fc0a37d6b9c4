import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import type { ConnectorClient } from "../../src/connectors/contract";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { api, Browser, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps, rtAccount } from "../support/sync-fixture";

// A linked pair whose fields fail (a status with no pair) still carries its comments: they do not
// depend on the field. The item says both, in the API and on the run page.
const network = useSimulatorNetwork();
const SINCE = "2024-01-01T00:00:00.000Z";
/** "rejected" has no pair: a ticket moved to it fails with value_not_mapped. */
const STATUS_PAIRS = ["new", "open", "stalled", "resolved"].map((s) => ({ sourceValue: s, targetValue: s }));

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let a: ReturnType<typeof createRequestTrackerSimulator>;
let b: ReturnType<typeof createRequestTrackerSimulator>;
let accounts: { a: string; b: string };
beforeAll(async () => {
  org = await setupFirstOrganisation();
  accounts = { a: await addAccount(org.token, rtAccount("rt-fa.sim.test")), b: await addAccount(org.token, rtAccount("rt-fb.sim.test")) };
});
beforeEach(() => {
  a = createRequestTrackerSimulator();
  b = createRequestTrackerSimulator();
  network.mount("rt-fa.sim.test", a.app);
  network.mount("rt-fb.sim.test", b.app);
});

const client = (host: string): ConnectorClient =>
  requestTrackerConnector.create({
    fetch: (input, init) => fetch(input, init),
    config: { baseUrl: `https://${host}`, credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" }, settings: requestTrackerConnector.settingsSchema.parse({}) },
  });

const connection = () =>
  createConnection(
    org.organisation.id,
    {
      source: { accountId: accounts.a, settings: { filters: { queueIds: ["3"] } } },
      target: { accountId: accounts.b, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } },
    },
    { mappings: [{ sourceField: "status", targetField: "status", kind: "value", direction: "bidirectional", valuePairs: STATUS_PAIRS }] },
  );

const run = (connectionId: string) => runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: SINCE });

type ApiItem = { outcome: string; sourceTicketId: string | null; targetTicketId: string | null; errorCode: string | null; reason: string | null; children: { comments?: { synced: number } } };
const itemsOf = async (runId: string) => ((await (await api(`/runs/${runId}`, org.token)).json()) as { items: ApiItem[] }).items;

describe("a linked ticket that fails on one field", () => {
  it("still carries its comments, and its item says both the failure and the comments", async () => {
    const id = await connection();
    await run(id);
    const listed = await client("rt-fa.sim.test").listChanged({ since: SINCE, cursor: null, ticketType: "ticket", pageSize: 100 });
    const source = listed.tickets.find((t) => t.queue?.id === "3" && t.status?.id !== "rejected")!;
    const copy = (await client("rt-fb.sim.test").findByPartnerReference("ticket", source.number))!;
    expect(copy).not.toBeNull();

    await client("rt-fa.sim.test").updateTicket(source.id, "ticket", { statusId: "rejected" });
    await client("rt-fa.sim.test").addComment(source.id, "ticket", { body: "Customer sent the logs", format: "text", public: true });
    const result = await run(id);
    expect(result.status).toBe("partial");

    const copies = (await client("rt-fb.sim.test").listComments(copy.id, "ticket")).filter((c) => c.body.includes("Customer sent the logs"));
    expect(copies).toHaveLength(1);
    expect((await client("rt-fb.sim.test").getTicket(copy.id, "ticket")).status?.id).not.toBe("rejected");

    const item = (await itemsOf(result.runId)).find((i) => i.sourceTicketId === source.id)!;
    expect(item).toMatchObject({ outcome: "failed", errorCode: "value_not_mapped", targetTicketId: copy.id, children: { comments: { synced: 1 } } });
    expect(item.reason).toMatch(/fields were not synced; its comments, attachments and time entries still travel/);

    const browser = new Browser();
    await browser.signIn(org.email);
    const html = await (await browser.fetch(`/runs/${result.runId}?outcome=failed`, { headers: { Accept: "text/html" } })).text();
    expect(html).toContain("value_not_mapped");
    expect(html).toContain("Comments: 1 synced");
    expect(html).toContain("still travel");

    // The ticket is retried next run: the comment is not carried twice.
    await run(id);
    expect((await client("rt-fb.sim.test").listComments(copy.id, "ticket")).filter((c) => c.body.includes("Customer sent the logs"))).toHaveLength(1);
  });

  it("that was never created says its comments wait for the copy", async () => {
    const listed = await client("rt-fa.sim.test").listChanged({ since: SINCE, cursor: null, ticketType: "ticket", pageSize: 100 });
    const source = listed.tickets.find((t) => t.queue?.id === "3")!;
    await client("rt-fa.sim.test").updateTicket(source.id, "ticket", { statusId: "rejected" });
    await client("rt-fa.sim.test").addComment(source.id, "ticket", { body: "Before any copy", format: "text", public: true });
    const id = await connection();
    const result = await run(id);
    const item = (await itemsOf(result.runId)).find((i) => i.sourceTicketId === source.id)!;
    expect(item).toMatchObject({ outcome: "failed", errorCode: "value_not_mapped", children: {} });
    expect(item.reason).toMatch(/Not created, so its comments, attachments and time entries wait for the copy/);
  });
});
