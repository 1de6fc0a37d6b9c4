// A platform's answer to a comment write is not proof the comment was kept: ServiceNow drops a
// journal field the integration user may not write and answers 200. A copy counts as synced only
// once a later listing shows it; one not there is sent once more, then reported as
// comment_not_stored, never counted as copied, and not sent again until a full resync.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { commentLinks, runItems, ticketLinks } from "../../src/db/schema";
import { runSync } from "../../src/sync/engine/run-sync";
import { DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { connectWiseToServiceNow } from "../faults/support/cw-sn-pair";
import { db, setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { engineDeps } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

type Counts = { synced: number; failed: number; unverified?: number; errors: { code: string }[] };

async function setUp(label: string) {
  // One ticket with the backlog's three notes: the description, an internal note, a reply.
  const pair = await connectWiseToServiceNow(org, network, { label, tickets: 1, sourceSettings: { ...DEMO_SIDE_SETTINGS.source, comments: { public: true, internal: true } } });
  const run = async (mode: "quick" | "full" = "quick") => {
    const result = await runSync(engineDeps(), { connectionId: pair.connectionId, mode, trigger: "manual", since: "2020-01-01T00:00:00Z" });
    const items = await db().select().from(runItems).where(eq(runItems.runId, result.runId));
    const comments = items.map((i) => (JSON.parse(i.childCounts) as { comments?: Counts }).comments).find(Boolean) ?? null;
    return { result, comments };
  };
  const journal = (element: string) => pair.sn.store.list("sys_journal_field").filter((j) => j.element === element);
  const journalWrites = () => pair.sn.store.writes.filter((w) => w.method === "PATCH" && ("work_notes" in w.body || "comments" in w.body)).length;
  const records = async () => {
    const [link] = await db().select().from(ticketLinks).where(eq(ticketLinks.connectionId, pair.connectionId));
    return db().select().from(commentLinks).where(eq(commentLinks.ticketLinkId, link!.id));
  };
  return { ...pair, run, journal, journalWrites, records };
}

describe("comment copies are verified", () => {
  it("a work note ServiceNow drops (user lacks itil) is sent once more, then reported, never counted as synced; a full resync sends it again once the role is given", async () => {
    const { sn, run, journal, journalWrites, records } = await setUp("acl-drop");
    sn.roles.revoke("itil");

    // Run 1 creates the incident and writes both notes; ServiceNow answers 200 to each. Listed
    // again, the reply is there; the work note is not.
    const first = await run();
    expect(first.comments).toMatchObject({ synced: 1, failed: 0, unverified: 1 });
    expect(journal("comments")).toHaveLength(1);
    expect(journal("work_notes")).toHaveLength(0);
    expect(journalWrites()).toBe(2);

    // Run 2: nothing changed on either ticket, yet the pair is read again: the work note is still
    // not there, is sent once more, and, not there after that either, is reported with its code.
    const second = await run();
    expect(second.comments).toMatchObject({ synced: 0, failed: 1, unverified: 0, errors: [{ code: "comment_not_stored" }] });
    expect(journalWrites()).toBe(3);
    expect((await records()).map((r) => [r.state, r.errorCode]).sort()).toEqual([["done", null], ["failed", "comment_not_stored"], ["skipped", null]]);

    // Reported once: later quick runs neither re-send nor re-report it.
    const third = await run();
    expect(third.result.status).toBe("no_tickets");
    expect(journalWrites()).toBe(3);

    // The admin gives the role back and runs a full resync: the note goes, and is counted once seen.
    sn.roles.grant("itil");
    const full = await run("full");
    expect(full.comments).toMatchObject({ synced: 1, failed: 0, unverified: 0 });
    expect(journal("work_notes")).toHaveLength(1);
    expect((await run()).result.status).toBe("no_tickets");
    expect(journal("work_notes")).toHaveLength(1);
    expect((await records()).map((r) => r.state).sort()).toEqual(["done", "done", "skipped"]);
  });

  it("a comment write answered with success and kept nothing (drop fault) is sent again and arrives once", async () => {
    const { sn, run, journal } = await setUp("drop-fault");
    sn.faults.next({ kind: "drop" }, { method: "PATCH", path: /\/api\/now\/table\/incident\// });
    const first = await run();
    expect(first.comments).toMatchObject({ synced: 1, unverified: 1, failed: 0 });
    expect(journal("comments").length + journal("work_notes").length).toBe(1);
    const second = await run();
    expect(second.comments).toMatchObject({ synced: 1, unverified: 0, failed: 0 });
    expect([journal("comments").length, journal("work_notes").length]).toEqual([1, 1]);
    // Settled: nothing more is read again or written.
    expect((await run()).result.status).toBe("no_tickets");
  });
});
