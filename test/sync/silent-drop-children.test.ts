// Files and time entries, like comments, count as synced only once a listing shows them: an
// upload or a time entry answered with success that the platform did not keep is sent once more
// (a file from its staged copy, not downloaded again), and reported if still not kept.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runItems } from "../../src/db/schema";
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
type Children = { attachments?: Counts; timeEntries?: Counts };

async function setUp(label: string) {
  // Four tickets: the fourth carries a document (capture-4.bin); the first one time entry, the fourth two.
  const pair = await connectWiseToServiceNow(org, network, { label, tickets: 4, sourceSettings: { ...DEMO_SIDE_SETTINGS.source, timeEntries: { enabled: true } } });
  const run = async (mode: "quick" | "full" = "quick") => {
    const result = await runSync(engineDeps(), { connectionId: pair.connectionId, mode, trigger: "manual", since: "2020-01-01T00:00:00Z" });
    const items = await db().select().from(runItems).where(eq(runItems.runId, result.runId));
    const total = (kind: keyof Children) => {
      const all = items.map((i) => (JSON.parse(i.childCounts) as Children)[kind]).filter((c): c is Counts => Boolean(c));
      return { synced: all.reduce((n, c) => n + c.synced, 0), failed: all.reduce((n, c) => n + c.failed, 0), unverified: all.reduce((n, c) => n + (c.unverified ?? 0), 0), codes: all.flatMap((c) => c.errors.map((e) => e.code)) };
    };
    return { result, attachments: total("attachments"), timeEntries: total("timeEntries") };
  };
  const uploads = () => pair.sn.faults.calls.filter((c) => c.method === "POST" && c.path.endsWith("/attachment/file")).length;
  const downloads = () => pair.cw.faults.calls.filter((c) => c.method === "GET" && /\/system\/documents\/\d+\/download$/.test(c.path)).length;
  return { ...pair, run, uploads, downloads };
}

describe("files and time entries a platform drops", () => {
  it("an upload answered 201 and not kept is uploaded once more from the staged copy, and counted once seen", async () => {
    const { sn, run, uploads, downloads } = await setUp("drop-file");
    sn.faults.next({ kind: "drop" }, { method: "POST", path: /\/attachment\/file$/ });
    const first = await run();
    expect(first.attachments).toMatchObject({ synced: 0, unverified: 1, failed: 0 });
    expect(sn.store.list("sys_attachment")).toHaveLength(0);
    const second = await run();
    expect(second.attachments).toMatchObject({ synced: 1, unverified: 0, failed: 0 });
    expect(sn.store.list("sys_attachment").map((f) => f.file_name)).toEqual(["capture-4.bin"]);
    expect([uploads(), downloads()]).toEqual([2, 1]);
    expect((await run()).result.status).toBe("no_tickets");
  });

  it("an upload dropped twice is reported as attachment_not_stored, then left alone", async () => {
    const { sn, run, uploads } = await setUp("drop-file-twice");
    sn.faults.next({ kind: "drop" }, { method: "POST", path: /\/attachment\/file$/ }).next({ kind: "drop" }, { method: "POST", path: /\/attachment\/file$/ });
    await run();
    const second = await run();
    expect(second.attachments).toMatchObject({ synced: 0, unverified: 0, failed: 1, codes: ["attachment_not_stored"] });
    expect((await run()).result.status).toBe("no_tickets");
    expect(uploads()).toBe(2);
    // A full resync tries it again.
    await run("full");
    expect(sn.store.list("sys_attachment")).toHaveLength(1);
  });

  it("a time entry answered 201 and not kept is sent once more, and counted once seen", async () => {
    const { cw, sn, run } = await setUp("drop-time");
    sn.faults.next({ kind: "drop" }, { method: "POST", path: /\/table\/task_time_worked$/ });
    const first = await run();
    expect(first.timeEntries).toMatchObject({ synced: 2, unverified: 1, failed: 0 });
    const second = await run();
    expect(second.timeEntries).toMatchObject({ synced: 1, unverified: 0, failed: 0 });
    expect(sn.store.list("task_time_worked")).toHaveLength(cw.store.timeEntries.length);
    expect((await run()).result.status).toBe("no_tickets");
  });
});
