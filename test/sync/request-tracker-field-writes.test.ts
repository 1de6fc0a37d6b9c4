// Request Tracker answers 201/200 to a create or update whose custom field value it refused (it
// only logs it): the sync learns of it from the ticket it reads back, and says so.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { runItems } from "../../src/db/schema";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps, rtAccount } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accounts: { a: string; b: string };
let b: ReturnType<typeof createRequestTrackerSimulator>;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  accounts = { a: await addAccount(org.token, rtAccount("rt-a.sim.test")), b: await addAccount(org.token, rtAccount("rt-b.sim.test")) };
});
beforeEach(() => {
  b = createRequestTrackerSimulator();
  network.mount("rt-a.sim.test", createRequestTrackerSimulator().app);
  network.mount("rt-b.sim.test", b.app);
});

it("fails a created ticket with field_not_stored when RT refuses a custom field value it answered 201 to", async () => {
  const id = await createConnection(
    org.organisation.id,
    { source: { accountId: accounts.a, settings: { filters: { queueIds: ["3"] } } }, target: { accountId: accounts.b, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
    // A title is no Severity RT offers (Low, Medium, High, Critical): RT logs it and keeps nothing.
    { mappings: [{ sourceField: "title", targetField: "customFields.Severity", kind: "direct", direction: "source_to_target" }] },
  );
  const result = await runSync(engineDeps(), { connectionId: id, mode: "quick", trigger: "manual", since: "2024-01-01T00:00:00.000Z" });
  const failed = (await createDb(env.DB).select().from(runItems).where(eq(runItems.runId, result.runId))).filter((i) => i.outcome === "failed");
  expect(failed.length).toBeGreaterThan(0);
  for (const item of failed) {
    expect(item.errorCode).toBe("field_not_stored");
    expect(item.errorMessage).toMatch(/customFields\.Severity: wrote ".+", the target kept nothing/);
    // Created once and linked: the retry updates this ticket.
    expect(b.store.ticket(Number(item.targetTicketId))).toBeDefined();
  }
});
