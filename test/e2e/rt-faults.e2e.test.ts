// Faults through the real runtime: RT refusing Lockstep's password, and RT B going away in the
// middle of a run. Checked, like everything in this suite, through RT's own REST2.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addRtAccount, ok, waitForRun } from "./support/lockstep-api";
import { RT_PORTS, RT_ROOT_PASSWORD, RT_STATE_DIR, rt } from "./support/processes";
import { RtServer, sha256, type RtFile } from "./support/rt-client";

const a = new RtServer("a");
const b = new RtServer("b");
const STATUSES = ["new", "open", "stalled", "resolved", "rejected"];

let connectionId: string;
let sourceAccountId: string;
const since = new Date(Date.now() - 60_000).toISOString();
const created: { id: string; file: RtFile }[] = [];

async function newTicket(subject: string) {
  const file: RtFile = { name: `trace-${created.length + 1}.bin`, type: "application/octet-stream", bytes: new Uint8Array(randomBytes(256 * 1024)) };
  const id = await a.createTicket({ Queue: "Support", Subject: subject, Requestor: "alice@customer.test", Content: `About ${subject}.`, ContentType: "text/plain" });
  await a.message(id, "correspond", `Public update on ${subject}`, [file]);
  created.push({ id, file });
  return id;
}

const startRun = async () => (await ok<{ run: { id: string } }>("POST", `/connections/${connectionId}/runs`, { mode: "quick", since }, 202)).run.id;

describe("faults between two real RT servers", () => {
  beforeAll(async () => {
    rt("up");
    const token = readFileSync(path.join(RT_STATE_DIR, "lockstep.token"), "utf8").trim();
    const source = await addRtAccount({ name: "RT A (faults)", port: RT_PORTS.a, queues: ["Support"], credentials: { kind: "basic", username: "lockstep", password: RT_ROOT_PASSWORD } });
    const target = await addRtAccount({ name: "RT B (faults)", port: RT_PORTS.b, queues: ["Partner Escalations"], credentials: { kind: "token", token, username: "lockstep" } });
    sourceAccountId = source.id;
    const queueOf = (p: typeof source.picklists, name: string) => p.queues.find((q) => q.name === name)!.id;
    connectionId = (await ok<{ id: string }>("POST", "/connections", { name: "Faults (RT)", role: "source", platformAccountId: source.id, partnerAccountId: target.id }, 201)).id;
    await ok("PATCH", `/connections/${connectionId}`, { settings: { manualCooldownSeconds: 0 } });
    await ok("PATCH", `/connections/${connectionId}`, { side: { side: "source", settings: { filters: { queueIds: [queueOf(source.picklists, "Support")] } } } });
    await ok("PATCH", `/connections/${connectionId}`, {
      side: { side: "target", settings: { defaults: { queueId: queueOf(target.picklists, "Partner Escalations"), statusId: "new", priorityId: "0" } } },
    });
    await ok("PUT", `/connections/${connectionId}/mappings`, {
      mappings: [
        { sourceField: "title", targetField: "title", direction: "source_to_target", kind: "direct" },
        { sourceField: "status", targetField: "status", direction: "bidirectional", kind: "value", valuePairs: STATUSES.map((s) => ({ sourceValue: s, targetValue: s })) },
        { sourceField: "priority", targetField: "priority", direction: "bidirectional", kind: "direct" },
      ],
    });
  });
  // Whatever happened, B is left running for whatever comes next.
  afterAll(() => rt("start", "b"));
  let failed = false;
  beforeEach((ctx) => { if (failed) ctx.skip(); });
  afterEach((ctx) => { if (ctx.task.result?.state === "fail") failed = true; });

  it("fails the run with the auth advice when RT refuses the password, and works again once it is fixed", async () => {
    await newTicket("Refused at first");
    await ok("PATCH", `/platform-accounts/${sourceAccountId}`, { credentials: { password: "not-the-password" } });
    const test = await ok<{ ok: boolean; message: string }>("POST", `/platform-accounts/${sourceAccountId}/test`, undefined);
    expect(test.ok).toBe(false);
    expect(test.message).toMatch(/^Test failed: /);

    const run = await waitForRun(await startRun());
    const codes = await ok<{ code: string; advice: string }[]>("GET", "/sync-error-codes", undefined);
    expect(run, JSON.stringify(run)).toMatchObject({ status: "failed", errorCode: "auth_failed", created: 0 });
    expect(run.advice).toBe(codes.find((c) => c.code === "auth_failed")!.advice);
    expect(await b.search("Queue = 'Partner Escalations'")).toEqual([]);

    await ok("PATCH", `/platform-accounts/${sourceAccountId}`, { credentials: { password: RT_ROOT_PASSWORD } });
    expect(await ok<{ ok: boolean }>("POST", `/platform-accounts/${sourceAccountId}/test`, undefined)).toMatchObject({ ok: true });
  });

  it("reports a run cut short by RT B stopping, and the next run completes with no duplicate", async () => {
    for (let i = 1; i <= 6; i++) await newTicket(`Outage ticket ${i}`);
    const runId = await startRun();
    // Stop B as soon as the run has written its first ticket there.
    const deadline = Date.now() + 120_000;
    while ((await b.search("Queue = 'Partner Escalations'")).length === 0) {
      if (Date.now() > deadline) throw new Error("the run wrote nothing to B within 120 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    rt("stop", "b");
    const cut = await waitForRun(runId);
    expect(cut.status, JSON.stringify(cut)).toMatch(/^(partial|failed)$/);
    expect(cut.created).toBeLessThan(created.length);

    rt("start", "b");
    const after = await waitForRun(await startRun());
    expect(after, JSON.stringify(after)).toMatchObject({ status: "success", failed: 0 });

    for (const ticket of created) {
      const copies = await b.byPartnerReference(ticket.id);
      expect(copies, `copies of A's ticket ${ticket.id}`).toHaveLength(1);
      const messages = await b.messages(copies[0]!);
      expect(messages.filter((m) => m.text.includes(`Public update on`)), `replies on B's ${copies[0]}`).toHaveLength(1);
      const files = messages.flatMap((m) => m.files).filter((f) => f.name === ticket.file.name);
      expect(files, `${ticket.file.name} on B's ${copies[0]}`).toHaveLength(1);
      expect(sha256(await b.download(files[0]!.id))).toBe(sha256(ticket.file.bytes));
    }
  });
});
