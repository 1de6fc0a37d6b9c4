// A full resync re-reads every eligible ticket on both sides and compares the tickets themselves,
// not only what changed: fields that drifted apart unseen are brought back in step, a pair whose
// link was lost is linked again by its partner reference, and nothing is created twice.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import { ticketLinks } from "../../src/db/schema";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { runSync } from "../../src/sync/engine/run-sync";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps, rtAccount } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accounts: { a: string; b: string };
beforeAll(async () => {
  org = await setupFirstOrganisation();
  accounts = { a: await addAccount(org.token, rtAccount("rt-a.sim.test")), b: await addAccount(org.token, rtAccount("rt-b.sim.test")) };
});

describe("a full resync", () => {
  it("repairs drifted fields and lost links without creating anything twice", async () => {
    // The platforms' clocks an hour behind: every stamp is settled by the time a run lists it, as
    // it would be between five-minute runs (not within the same second, as in a fast test).
    const clock = () => Math.floor(Date.now() / 1000) - 3_600;
    const a = createRequestTrackerSimulator({ clock });
    const b = createRequestTrackerSimulator({ clock });
    b.store.tickets.splice(0);
    network.mount("rt-a.sim.test", a.app);
    network.mount("rt-b.sim.test", b.app);
    const connectionId = await createConnection(
      org.organisation.id,
      { source: { accountId: accounts.a, settings: { filters: { queueIds: ["3"] } } }, target: { accountId: accounts.b, settings: { defaults: { queueId: "1", statusId: "new", priorityId: "0" } } } },
      {
        mappings: [
          { sourceField: "title", targetField: "title", kind: "direct", direction: "source_to_target" },
          { sourceField: "priority", targetField: "priority", kind: "direct", direction: "bidirectional", conflictPolicy: "source_wins" },
        ],
      },
    );
    const run = (mode: "quick" | "full") => runSync(engineDeps(), { connectionId, mode, trigger: "manual", since: "2024-01-01T00:00:00Z" });
    const first = await run("quick");
    const copies = b.store.tickets.length;
    expect(first.counts.created).toBe(copies);
    expect(copies).toBeGreaterThan(3);
    // Our own write-backs (the partner reference on each original) come back once as changes.
    expect((await run("quick")).counts).toMatchObject({ created: 0, updated: 0 });

    // Edits nobody saw: the platform kept the old update time (a restore, a direct database fix).
    // The title only travels from source to target.
    const [drifted, unlinked] = b.store.tickets;
    drifted!.Subject = "Edited behind our back";
    const db = createDb(env.DB);
    await db.delete(ticketLinks).where(and(eq(ticketLinks.connectionId, connectionId), eq(ticketLinks.targetTicketId, String(unlinked!.id))));

    // A quick run sees no change, so it cannot know.
    const second = await run("quick");
    expect(second.counts).toMatchObject({ created: 0, updated: 0 });
    expect(drifted!.Subject).toBe("Edited behind our back");

    const full = await run("full");
    expect(full.status).toBe("success");
    expect(full.counts.created).toBe(1); // the unlinked pair, linked again rather than copied
    expect(b.store.tickets).toHaveLength(copies);
    const links = await db.select().from(ticketLinks).where(eq(ticketLinks.connectionId, connectionId));
    expect(links).toHaveLength(copies);
    expect(links.find((l) => l.targetTicketId === String(unlinked!.id))?.state).toBe("linked");
    const original = a.store.tickets.find((t) => String(t.id) === links.find((l) => l.targetTicketId === String(drifted!.id))!.sourceTicketId)!;
    const repaired = b.store.ticket(drifted!.id)!;
    // The one-way title is put back.
    expect(repaired.Subject).toBe(original.Subject);

    // And then it is quiet again.
    expect((await run("quick")).counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
  });
});
