// Lockstep under `wrangler dev` between two real Request Tracker 5 servers, as two organisations:
// Northwind (RT A, the source) invites Contoso, which signs up with the code, adds its own RT B
// and accepts. Set up through the JSON API only; every check reads RT through its own REST2.
// The steps build on one another, in order.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { addRtAccount, manualRun, ok, waitForRun, type Run } from "./support/lockstep-api";
import { RT_PORTS, RT_ROOT_PASSWORD, RT_STATE_DIR, rt } from "./support/processes";
import { RtServer, sha256, type RtFile } from "./support/rt-client";

const a = new RtServer("a");
const b = new RtServer("b");
const STATUSES = ["new", "open", "stalled", "resolved", "rejected"];

const UNICODE_SUBJECT = "Überweisung fehlgeschlagen — 请求失败 ✓ 🚀";
const HTML_DESCRIPTION = [
  "The portal shows <script>alert(\"x\")</script> & a <b>bold</b> error.",
  "Steps: 1 < 2 > 0 'quoted' \"double\" &amp; literal",
  "",
  "    indented line, then a blank line above",
  "Ünïcödé line: 日本語 ✓",
].join("\n");
const BIG_FILE: RtFile = { name: "capture.bin", type: "application/octet-stream", bytes: new Uint8Array(randomBytes(3 * 1024 * 1024)) };
const TEXT_FILE: RtFile = { name: "Prüfbericht ✓.txt", type: "text/plain", bytes: new TextEncoder().encode("Prüfbericht\nZeile 2 <ok> & fine\n") };

let connectionId: string;
/** The partner organisation's (Contoso's) API token. */
let partnerToken: string;
let since: string;
const tickets = { unicode: "", printer: "", copyOfUnicode: "", copyOfPrinter: "" };

/** Every ticket in B's receiving queue. */
const ticketsOnB = () => b.search("Queue = 'Partner Escalations'");

describe("two Request Tracker 5 servers in step through wrangler dev", () => {
  beforeAll(() => rt("up"));
  // Each step builds on the one before: after a failure the rest would only repeat it.
  let failed = false;
  beforeEach((ctx) => { if (failed) ctx.skip(); });
  afterEach((ctx) => { if (ctx.task.result?.state === "fail") failed = true; });

  it("pairs two organisations by code, each with its own server: accounts with Basic and token auth, Test connection, picklists", async () => {
    const token = readFileSync(path.join(RT_STATE_DIR, "lockstep.token"), "utf8").trim();
    const source = await addRtAccount({
      name: "RT A (Northwind)", port: RT_PORTS.a, queues: ["Support"],
      credentials: { kind: "basic", username: "lockstep", password: RT_ROOT_PASSWORD },
    });
    const invitation = await ok<{ id: string; verificationCode: string }>("POST", "/connections", { name: "Northwind ⇄ Contoso (RT)", role: "source", platformAccountId: source.id }, 201);
    connectionId = invitation.id;
    // Contoso signs up with the code Northwind gave it, adds its own server and accepts.
    const contoso = await ok<{ token: string }>("POST", "/signup", {
      organisation: { name: "Contoso" },
      owner: { name: "Casey Contoso", email: "casey@contoso.e2e.test", password: "plum orbit lantern meadow" },
      code: invitation.verificationCode,
    }, 201, null);
    partnerToken = contoso.token;
    const target = await addRtAccount({
      name: "RT B (Contoso)", port: RT_PORTS.b, queues: ["Partner Escalations"],
      credentials: { kind: "token", token, username: "lockstep" },
    }, partnerToken);
    await ok("POST", "/connections/accept", { code: invitation.verificationCode, platformAccountId: target.id }, 200, partnerToken);
    // Northwind never sees Contoso's account.
    const seenByNorthwind = await ok<{ status: string; sides: { side: string; account: unknown }[] }>("GET", `/connections/${connectionId}`, undefined);
    expect(seenByNorthwind.status).toBe("active");
    expect(seenByNorthwind.sides.find((s) => s.side === "target")?.account).toBeNull();
    for (const account of [source, target]) {
      expect(account.test).toMatchObject({ ok: true, message: "Connection tested", identity: "Lockstep Integration (lockstep)" });
      expect(account.picklists.queues.map((q) => q.name)).toEqual(expect.arrayContaining(["Support", "Partner Escalations"]));
      expect(account.picklists.customFields).toEqual(expect.arrayContaining([
        expect.objectContaining({ name: "Impact", type: "select", options: expect.arrayContaining(["One user", "Department", "Everyone"]) }),
        expect.objectContaining({ name: "Asset Tag", type: "text" }),
      ]));
    }
    const queueId = (picklists: typeof source.picklists, name: string) => picklists.queues.find((q) => q.name === name)!.id;

    await ok("PATCH", `/connections/${connectionId}`, {
      settings: { manualCooldownSeconds: 0, description: { fields: ["requester", "priority", "customFields.Asset Tag"], separator: "----" } },
    });
    await ok("PATCH", `/connections/${connectionId}`, {
      side: {
        side: "source",
        settings: {
          filters: { queueIds: [queueId(source.picklists, "Support")] },
          comments: { public: true, internal: true },
          attachments: { enabled: true },
        },
      },
    });
    // Each organisation sets its own side: Contoso the receiving one.
    await ok("PATCH", `/connections/${connectionId}`, {
      side: {
        settings: {
          defaults: { queueId: queueId(target.picklists, "Partner Escalations"), statusId: "new", priorityId: "0" },
          comments: { public: true, internal: true },
          attachments: { enabled: true },
        },
      },
    }, 200, partnerToken);
    await ok("PUT", `/connections/${connectionId}/mappings`, {
      mappings: [
        { sourceField: "title", targetField: "title", direction: "source_to_target", kind: "direct" },
        { sourceField: "status", targetField: "status", direction: "bidirectional", kind: "value", valuePairs: STATUSES.map((s) => ({ sourceValue: s, targetValue: s })) },
        { sourceField: "priority", targetField: "priority", direction: "bidirectional", kind: "direct" },
        {
          sourceField: "customFields.Impact", targetField: "customFields.Impact", direction: "source_to_target", kind: "value",
          valuePairs: ["One user", "Department", "Everyone"].map((v) => ({ sourceValue: v, targetValue: v })),
        },
        { sourceField: "customFields.Asset Tag", targetField: "customFields.Asset Tag", direction: "bidirectional", kind: "direct" },
      ],
    });
  });

  it("copies new tickets to B with subject, built description, requester, queue, status, priority and custom fields", async () => {
    since = new Date(Date.now() - 60_000).toISOString();
    tickets.unicode = await a.createTicket({
      Queue: "Support", Subject: UNICODE_SUBJECT, Requestor: "alice@customer.test", Priority: 50, Status: "open",
      Content: HTML_DESCRIPTION, ContentType: "text/plain", CustomFields: { Impact: "Department", "Asset Tag": "LAP-0042" },
    });
    tickets.printer = await a.createTicket({
      Queue: "Support", Subject: "Printer on fire", Requestor: "bob@only-a.test", Priority: 100,
      Content: "Smoke from tray 2.", ContentType: "text/plain", CustomFields: { Impact: "Everyone" },
    });
    // A ticket in another queue stays on A.
    const elsewhere = await a.createTicket({ Queue: "General", Subject: "Not for the partner", Content: "internal only", ContentType: "text/plain" });
    await a.message(tickets.unicode, "correspond", "Thanks — we are on it ✓\nSecond line <i>kept</i> as text.");
    await a.message(tickets.unicode, "comment", "Internal: check the VPN logs & the proxy.");
    await a.message(tickets.unicode, "comment", "Logs attached.", [BIG_FILE, TEXT_FILE]);

    const run = await manualRun(connectionId, since);
    expect(run, JSON.stringify(run)).toMatchObject({ status: "success", created: 2, failed: 0 });

    const [copyOfUnicode] = await b.byPartnerReference(tickets.unicode);
    const [copyOfPrinter] = await b.byPartnerReference(tickets.printer);
    expect(copyOfUnicode).toBeDefined();
    expect(copyOfPrinter).toBeDefined();
    tickets.copyOfUnicode = copyOfUnicode!;
    tickets.copyOfPrinter = copyOfPrinter!;
    expect(await b.byPartnerReference(elsewhere)).toEqual([]);
    expect((await ticketsOnB()).sort()).toEqual([tickets.copyOfUnicode, tickets.copyOfPrinter].sort());

    const copy = await b.ticket(tickets.copyOfUnicode);
    expect(copy).toMatchObject({ subject: UNICODE_SUBJECT, queue: "Partner Escalations", status: "open", priority: 50, requestors: ["alice@customer.test"] });
    expect(copy.cf("Impact")).toBe("Department");
    expect(copy.cf("Asset Tag")).toBe("LAP-0042");
    expect(await b.description(tickets.copyOfUnicode)).toBe(
      ["Requester: Alice Customer <alice@customer.test>", "Priority: Medium", "Asset Tag: LAP-0042", "----", HTML_DESCRIPTION].join("\n"),
    );

    const printer = await b.ticket(tickets.copyOfPrinter);
    expect(printer).toMatchObject({ subject: "Printer on fire", queue: "Partner Escalations", status: "new", priority: 100 });
    expect(printer.cf("Impact")).toBe("Everyone");
    // Bob exists only on A: never created on B, named in the description instead.
    expect(printer.requestors).not.toContain("bob@only-a.test");
    expect(await b.description(tickets.copyOfPrinter)).toBe(["Requester: bob@only-a.test", "Priority: High", "----", "Smoke from tray 2."].join("\n"));

    // Each side names the other's ticket.
    expect((await a.ticket(tickets.unicode)).cf("Partner Reference")).toBe(tickets.copyOfUnicode);
    expect((await b.ticket(tickets.copyOfUnicode)).cf("Partner Reference")).toBe(tickets.unicode);
  });

  it("copies public replies as correspond and internal notes as comment, and files byte for byte", async () => {
    const messages = await b.messages(tickets.copyOfUnicode);
    const replies = messages.filter((m) => m.text.includes("Thanks — we are on it ✓"));
    expect(replies.map((m) => m.type)).toEqual(["Correspond"]);
    expect(replies[0]!.text).toContain("Second line <i>kept</i> as text.");
    const internal = messages.filter((m) => m.text.includes("Internal: check the VPN logs & the proxy."));
    expect(internal.map((m) => m.type)).toEqual(["Comment"]);

    const files = messages.flatMap((m) => m.files.map((f) => ({ ...f, type: m.type })));
    for (const original of [BIG_FILE, TEXT_FILE]) {
      const copies = files.filter((f) => f.name === original.name);
      expect(copies, `${original.name} on B: ${JSON.stringify(files)}`).toHaveLength(1);
      // A file is never made public by the copy.
      expect(copies[0]!.type).toBe("Comment");
      expect(sha256(await b.download(copies[0]!.id))).toBe(sha256(original.bytes));
    }
  });

  it("brings B's changes to bidirectional fields back to A, and leaves one-way fields alone", async () => {
    await b.update(tickets.copyOfUnicode, { Status: "stalled", Priority: 100, Subject: "Renamed on B", CustomFields: { "Asset Tag": "LAP-0099" } });
    await b.message(tickets.copyOfUnicode, "correspond", "Partner here: replaced the cable ✓");
    const run = await manualRun(connectionId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: "success", created: 0, failed: 0 });

    const back = await a.ticket(tickets.unicode);
    expect(back).toMatchObject({ status: "stalled", priority: 100, subject: UNICODE_SUBJECT });
    expect(back.cf("Asset Tag")).toBe("LAP-0099");
    const replies = (await a.messages(tickets.unicode)).filter((m) => m.text.includes("Partner here: replaced the cable ✓"));
    expect(replies.map((m) => m.type)).toEqual(["Correspond"]);
  });

  it("closes B's copy when A's ticket is resolved", async () => {
    await a.update(tickets.printer, { Status: "resolved" });
    const run = await manualRun(connectionId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: "success", created: 0, closed: 1, failed: 0 });
    expect((await b.ticket(tickets.copyOfPrinter)).status).toBe("resolved");
  });

  it("changes nothing on a second and a third run", async () => {
    const snapshot = async () => ({
      onB: (await ticketsOnB()).sort(),
      messagesA: (await a.messages(tickets.unicode)).map((m) => m.txnId),
      messagesB: (await b.messages(tickets.copyOfUnicode)).map((m) => m.txnId),
      printerB: (await b.messages(tickets.copyOfPrinter)).map((m) => m.txnId),
      tickets: (await Promise.all([a.ticket(tickets.unicode), a.ticket(tickets.printer), b.ticket(tickets.copyOfUnicode), b.ticket(tickets.copyOfPrinter)]))
        .map(({ cf, ...t }) => ({ ...t, impact: cf("Impact"), assetTag: cf("Asset Tag"), partner: cf("Partner Reference") })),
    });
    const before = await snapshot();
    const runs = [await manualRun(connectionId), await manualRun(connectionId)];
    // What RT shows first: a difference there says what was written.
    expect(await snapshot()).toEqual(before);
    for (const run of runs) {
      expect(run.status, JSON.stringify(run)).toMatch(/^(success|no_tickets)$/);
      expect(run, JSON.stringify(run)).toMatchObject({ created: 0, updated: 0, closed: 0, failed: 0 });
    }
  });

  it("syncs on its own through the cron once automatic sync is on", async () => {
    await ok("PUT", `/connections/${connectionId}/automatic`, { enabled: true });
    const fresh = await a.createTicket({ Queue: "Support", Subject: "Raised while nobody watched", Requestor: "alice@customer.test", Content: "Cron, please.", ContentType: "text/plain" });
    const runsBefore = (await ok<{ data: Run[] }>("GET", `/connections/${connectionId}/runs?limit=200`, undefined)).data.map((r) => r.id);

    const cron = await fetch(`${inject("lockstepUrl")}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
    expect(cron.status).toBe(200);
    let automatic: Run | undefined;
    const deadline = Date.now() + 60_000;
    while (!automatic && Date.now() < deadline) {
      const runs = (await ok<{ data: Run[] }>("GET", `/connections/${connectionId}/runs?limit=200`, undefined)).data;
      automatic = runs.find((r) => !runsBefore.includes(r.id) && r.trigger === "automatic");
      if (!automatic) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(automatic, "the cron started no run").toBeDefined();
    const done = await waitForRun(automatic!.id);
    expect(done, JSON.stringify(done)).toMatchObject({ status: "success", created: 1 });
    const [copy] = await b.byPartnerReference(fresh);
    expect((await b.ticket(copy!)).subject).toBe("Raised while nobody watched");
    await ok("PUT", `/connections/${connectionId}/automatic`, { enabled: false });
  });
});
