import { describe, expect, it } from "vitest";
import type { Ticket } from "../../src/connectors/canonical";
import { sha256, readAll, setupConnectWise } from "./connectwise-support";

describe("ConnectWise connector: connection and picklists", () => {
  it("tests the connection and names the company, key and ConnectWise version", async () => {
    const { client } = setupConnectWise();
    const { identity } = await client.testConnection();
    expect(identity).toBe("lockstep (API key pub-key-123) on ConnectWise PSA v2025.1.10431");
  });

  it("discovers boards, per-board statuses with the closed flag, priorities, types, companies, note types, custom fields, members and work roles", async () => {
    const { client, sim } = setupConnectWise();
    const p = await client.discover();
    expect(p.queues).toEqual([{ id: "1", name: "Service Desk" }, { id: "2", name: "Network Operations" }, { id: "3", name: "Finance Requests" }]);
    expect(p.statuses).toHaveLength(sim.store.statuses.length);
    expect(p.statuses).toContainEqual({ id: "14", name: "Resolved", queueId: "1", closed: true });
    expect(p.statuses).toContainEqual({ id: "22", name: "Investigating", queueId: "2", closed: false });
    expect(p.statuses.filter((s) => s.queueId === "3").map((s) => s.name)).toEqual(["New", "Closed"]);
    expect(p.priorities.map((x) => x.name)).toEqual(["Priority 1 - Critical", "Priority 2 - High", "Priority 3 - Normal", "Priority 4 - Low"]);
    // One ticket type; the board's types are the categories, and a select field to map.
    expect(p.ticketTypes).toEqual([{ id: "ticket", name: "Service ticket" }]);
    expect(p.categories).toContainEqual({ id: "202", name: "Network Operations / Outage" });
    expect(p.sources.map((x) => x.name)).toEqual(["Email", "Phone", "Portal", "Monitoring"]);
    expect(p.companies.map((c) => c.name)).toContain("Acme Corporation");
    expect(p.noteTypes).toEqual([
      { id: "discussion", name: "Discussion", public: true },
      { id: "internal", name: "Internal", public: false },
      { id: "resolution", name: "Resolution", public: true },
    ]);
    expect(p.customFields.slice(0, 3)).toEqual([{ id: "1", name: "Site Code", type: "text" }, { id: "2", name: "Hours Cap", type: "number" }, { id: "3", name: "VIP", type: "boolean" }]);
    expect(p.customFields.slice(3).map((f) => [f.id, f.type])).toEqual([["type", "select"], ["subType", "select"], ["item", "select"]]);
    expect(p.customFields.find((f) => f.id === "subType")!.choices).toContainEqual({ id: "1102", name: "Service Desk / Hardware" });
    expect(p.members).toContainEqual({ id: "140", name: "John Smith" });
    expect(p.workRoles.map((r) => r.name)).toEqual(["Engineer", "Senior Engineer", "Project Manager"]);
  });
});

describe("ConnectWise connector: changed tickets", () => {
  it("pages through changes with the same lastUpdated across page boundaries, each ticket once, in (updated, id) order", async () => {
    const { client, sim, sent } = setupConnectWise();
    // Seven tickets share one timestamp, so pages of 4 must split them.
    for (const id of [105, 103, 110, 108, 104, 109, 106]) sim.store.tickets.get(id)!._info.lastUpdated = "2024-03-02T12:00:00Z";
    const seen: Ticket[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client.listChanged({ since: "2024-03-01T00:00:00Z", cursor, ticketType: "ticket", pageSize: 4 });
      seen.push(...page.tickets);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(9);
    expect(seen.map((t) => t.id)).toHaveLength(36);
    expect(new Set(seen.map((t) => t.id)).size).toBe(36);
    const order = seen.map((t) => [t.updatedAt, Number(t.id)] as const);
    expect(order).toEqual([...order].sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1)));
    expect(seen.filter((t) => t.updatedAt === "2024-03-02T12:00:00Z").map((t) => t.id)).toEqual(["103", "104", "105", "106", "108", "109", "110"]);
    // What ConnectWise was asked: bracketed datetimes, the id tie-break, sorted, never page 2.
    const lists = sent.filter((r) => r.url.pathname.endsWith("/service/tickets"));
    expect(lists[0]!.url.searchParams.get("conditions")).toBe("lastUpdated >= [2024-03-01T00:00:00Z]");
    expect(lists[1]!.url.searchParams.get("conditions")).toMatch(/^\(lastUpdated > \[.+Z\] or \(lastUpdated = \[.+Z\] and id > \d+\)\)$/);
    expect(lists.every((r) => r.url.searchParams.get("orderBy") === "lastUpdated asc, id asc")).toBe(true);
  });

  it("does not skip a ticket that is updated while the pages are being read", async () => {
    const { client, sim } = setupConnectWise();
    const first = await client.listChanged({ since: "2024-03-01T00:00:00Z", cursor: null, ticketType: "ticket", pageSize: 10 });
    // A ticket not yet read moves to the end of the order; page numbers would now shift by one.
    sim.store.tickets.get(130)!._info.lastUpdated = "2025-01-01T00:00:00Z";
    const ids = first.tickets.map((t) => t.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await client.listChanged({ since: "2024-03-01T00:00:00Z", cursor, ticketType: "ticket", pageSize: 10 });
      ids.push(...page.tickets.map((t) => t.id));
      cursor = page.nextCursor;
    }
    expect(new Set(ids).size).toBe(36);
    expect(ids.at(-1)).toBe("130");
  });

  it("limits the changes to the configured boards", async () => {
    const { client } = setupConnectWise({ settings: { boardIds: [2] } });
    const page = await client.listChanged({ since: "2024-01-01T00:00:00Z", cursor: null, ticketType: "ticket" });
    expect(page.tickets).toHaveLength(12);
    expect(new Set(page.tickets.map((t) => t.queue?.name))).toEqual(new Set(["Network Operations"]));
    expect(page.nextCursor).toBeNull();
  });
});

describe("ConnectWise connector: tickets", () => {
  it("reads a ticket with its references, requester, custom fields and vendor extras", async () => {
    const { client } = setupConnectWise();
    const t = await client.getTicket("100", "ticket");
    expect(t).toMatchObject({
      id: "100", title: "Outlook keeps asking for password", status: { id: "11", name: "New" }, priority: { id: "1", name: "Priority 1 - Critical" },
      queue: { id: "1", name: "Service Desk" }, company: { id: "250", name: "Acme Corporation" }, assignee: { id: "140", name: "John Smith" },
      requester: { id: "300", name: "Ada Lovelace", email: "ada.lovelace@acmecorp.example" }, customFields: { "1": "SITE-100", "2": 4, "3": true },
      createdAt: "2024-03-01T08:00:00Z", updatedAt: "2024-03-01T09:30:00Z", updatedBy: "jsmith", closed: false, partnerReference: null,
    });
    expect(t.extra).toMatchObject({ type: { id: 101, name: "Incident" }, severity: "Low", impact: "Medium", recordType: "ServiceTicket" });
  });

  it("writes the source and category defaults, and categorisation mapped as select fields, as references", async () => {
    const { client, sim } = setupConnectWise();
    const created = await client.createTicket("ticket", {
      title: "New laptop", queueId: "1", statusId: "11", priorityId: "3", companyId: "250", sourceId: "3", categoryId: "102",
      customFields: { subType: "1102", item: "1201", "1": "SITE-7" },
    });
    expect(sim.store.tickets.get(Number(created.id))).toMatchObject({ source: { id: 3, name: "Portal" }, type: { id: 102, name: "Service Request" }, subType: { id: 1102 }, item: { id: 1201 } });
    expect(created.customFields).toMatchObject({ type: "102", subType: "1102", item: "1201", "1": "SITE-7" });
    const moved = await client.updateTicket(created.id, "ticket", { customFields: { type: "101" } });
    expect(moved.customFields.type).toBe("101");
    // A type of another board is refused by ConnectWise, loudly (400), never dropped.
    await expect(client.updateTicket(created.id, "ticket", { customFields: { type: "202" } })).rejects.toMatchObject({ kind: "validation" });
  });

  it("creates a ticket on a board with status, priority, company, contact and type, and keeps a long title whole in the description", async () => {
    const { client, sim } = setupConnectWise();
    const longTitle = `Email outage for the whole Leeds office after the migration weekend — users cannot send or receive mail (${"x".repeat(20)})`;
    const created = await client.createTicket("ticket", {
      title: longTitle, description: "Started 08:10.", queueId: "2", statusId: "22", priorityId: "2", companyId: "251", requester: { id: "302", name: null, email: null },
      partnerReference: "INC0042", extra: { type: { id: 202 } },
    });
    const stored = sim.store.tickets.get(Number(created.id))!;
    expect(stored.summary).toHaveLength(100);
    expect(stored.summary.endsWith("…")).toBe(true);
    expect(stored.initialDescription).toBe(`Title: ${longTitle}\n\nStarted 08:10.`);
    expect(stored).toMatchObject({ board: { id: 2 }, status: { id: 22, name: "Investigating" }, priority: { id: 2 }, company: { id: 251 }, contact: { id: 302, name: "Hank Scorpio" }, type: { id: 202, name: "Outage" }, externalXRef: "INC0042" });
    expect(created.status).toEqual({ id: "22", name: "Investigating" });
  });

  it("refuses a status from another board with ConnectWise's validation message", async () => {
    const { client } = setupConnectWise();
    const failure = client.createTicket("ticket", { title: "Wrong status", queueId: "2", statusId: "11", companyId: "250" });
    await expect(failure).rejects.toMatchObject({ kind: "validation", vendorMessage: "ticket object is invalid: Service Status 11 not found for Service Board 2" });
  });

  it("updates only the changed fields with a JSON Patch", async () => {
    const { client, sim, sent } = setupConnectWise();
    const before = structuredClone(sim.store.tickets.get(101)!);
    const updated = await client.updateTicket("101", "ticket", { priorityId: "4", statusId: "22" });
    const patch = sent.find((r) => r.method === "PATCH")!;
    expect(patch.url.pathname).toBe("/v4_6_release/apis/3.0/service/tickets/101");
    expect(JSON.parse(patch.body!)).toEqual([{ op: "replace", path: "status", value: { id: 22 } }, { op: "replace", path: "priority", value: { id: 4 } }]);
    const after = sim.store.tickets.get(101)!;
    expect({ ...after, status: before.status, priority: before.priority, _info: before._info }).toEqual(before);
    expect(updated.priority).toEqual({ id: "4", name: "Priority 4 - Low" });
    expect(updated.updatedBy).toBe("lockstep-api");
  });

  it("changes one custom field and sends the others back unchanged", async () => {
    const { client, sent } = setupConnectWise();
    const updated = await client.updateTicket("100", "ticket", { customFields: { "2": 7.5 } });
    expect(JSON.parse(sent.find((r) => r.method === "PATCH")!.body!)).toEqual([{ op: "replace", path: "customFields", value: [{ id: 1, value: "SITE-100" }, { id: 2, value: 7.5 }, { id: 3, value: true }] }]);
    expect(updated.customFields).toMatchObject({ "1": "SITE-100", "2": 7.5, "3": true });
  });

  it("closes a ticket through a closed status of its board", async () => {
    const { client } = setupConnectWise();
    const closed = await client.updateTicket("100", "ticket", { statusId: "15" });
    expect(closed.closed).toBe(true);
    expect(closed.extra).toMatchObject({ closedBy: "lockstep-api" });
  });

  it("writes the partner reference and finds the ticket by it again", async () => {
    const { client, sent } = setupConnectWise();
    await client.updateTicket("107", "ticket", { partnerReference: 'INC "0099"' });
    const found = await client.findByPartnerReference("ticket", 'INC "0099"');
    expect(found?.id).toBe("107");
    expect(sent.at(-1)!.url.searchParams.get("conditions")).toBe('externalXRef = "INC \\"0099\\""');
    expect(await client.findByPartnerReference("ticket", "INC-NOPE")).toBeNull();
  });
});

describe("ConnectWise connector: notes, documents, time, contacts", () => {
  it("lists notes with their kind and visibility, and adds public, internal and resolution notes with ConnectWise's flags", async () => {
    const { client, sent } = setupConnectWise();
    const existing = await client.listComments("100", "ticket");
    expect(existing.map((c) => [c.kind, c.public])).toEqual([["discussion", true], ["internal", false]]);
    const pub = await client.addComment("100", "ticket", { body: "<p>We are on it.</p>", format: "html", public: true });
    const internal = await client.addComment("100", "ticket", { body: "Needs a reboot window.", format: "text", public: false });
    const resolution = await client.addComment("100", "ticket", { body: "Fixed.", format: "text", public: true, kind: "resolution" });
    const posted = sent.filter((r) => r.method === "POST").map((r) => JSON.parse(r.body!));
    expect(posted).toEqual([
      { text: "We are on it.", detailDescriptionFlag: true },
      { text: "Needs a reboot window.", internalAnalysisFlag: true },
      { text: "Fixed.", resolutionFlag: true },
    ]);
    expect([pub, internal, resolution].map((c) => [c.kind, c.public, c.author?.name])).toEqual([["discussion", true, "Lockstep Integration"], ["internal", false, "Lockstep Integration"], ["resolution", true, "Lockstep Integration"]]);
    expect((await client.listComments("100", "ticket")).map((c) => c.body).slice(-3)).toEqual(["We are on it.", "Needs a reboot window.", "Fixed."]);
  });

  it("uploads a document as a multipart stream and downloads the identical bytes", async () => {
    const { client } = setupConnectWise();
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) % 251);
    const uploaded = await client.uploadAttachment("101", "ticket", { fileName: "capture.png", contentType: "image/png", size: bytes.length, body: new Response(bytes).body! });
    expect(uploaded).toMatchObject({ fileName: "capture.png", size: 300_000, contentType: "image/png" });
    const listed = await client.listAttachments("101", "ticket");
    expect(listed.map((a) => a.fileName)).toEqual(["capture.png"]);
    const download = await client.downloadAttachment("101", "ticket", listed[0]!);
    expect(download.contentType).toBe("image/png");
    expect(download.size).toBe(300_000);
    expect(await sha256(await readAll(download.body))).toBe(await sha256(bytes));
  });

  it("lists a seeded document with its size and a content type from its name", async () => {
    const { client } = setupConnectWise();
    const [doc] = await client.listAttachments("100", "ticket");
    expect(doc).toMatchObject({ fileName: "log-100.txt", contentType: "text/plain", size: 34 });
    const download = await client.downloadAttachment("100", "ticket", doc!);
    expect(new TextDecoder().decode(await readAll(download.body))).toBe("Log excerpt for ticket 100\nline 2\n");
  });

  it("lists and adds time entries charged to the ticket", async () => {
    const { client, sent } = setupConnectWise();
    expect(await client.listTimeEntries!("100", "ticket")).toEqual([
      expect.objectContaining({ start: "2024-03-01T08:10:00Z", minutes: 45, member: { id: "140", name: "John Smith", email: null }, workRole: { id: "1", name: "Engineer" }, notes: "Remote session with user." }),
    ]);
    const added = await client.addTimeEntry!("100", "ticket", { start: "2024-05-02T09:00:00.000Z", minutes: 90, memberId: "141", workRoleId: "2", notes: "On site." });
    expect(added).toMatchObject({ start: "2024-05-02T09:00:00Z", minutes: 90, member: { id: "141" }, workRole: { id: "2", name: "Senior Engineer" }, notes: "On site." });
    expect(added.extra).toMatchObject({ actualHours: 1.5, chargeToType: "ServiceTicket", chargeToId: 100 });
    expect(sent.find((r) => r.url.pathname.endsWith("/time/entries") && r.method === "GET")!.url.searchParams.get("conditions")).toBe('chargeToId=100 and chargeToType="ServiceTicket"');
    expect(await client.listTimeEntries!("100", "ticket")).toHaveLength(2);
  });

  it("keeps a time entry copy's reference in its Internal Notes, out of the notes people read, and reads it back", async () => {
    const { client, sim } = setupConnectWise();
    const added = await client.addTimeEntry!("100", "ticket", { start: "2024-05-02T09:00:00.000Z", minutes: 30, memberId: "141", workRoleId: null, notes: "Swapped the drive.", reference: "tel_01abc" });
    expect(added).toMatchObject({ notes: "Swapped the drive.", reference: "tel_01abc" });
    const stored = sim.store.timeEntries.find((e) => String(e.id) === added.id)!;
    expect(stored).toMatchObject({ notes: "Swapped the drive.", internalNotes: "Lockstep ref tel_01abc" });
    const listed = await client.listTimeEntries!("100", "ticket");
    expect(listed.find((e) => e.id === added.id)).toMatchObject({ notes: "Swapped the drive.", reference: "tel_01abc" });
    // An entry a person logged carries no reference, whatever its internal notes say.
    expect(listed.find((e) => e.id !== added.id)!.reference).toBeNull();
  });

  it("finds a contact by email, whatever the case, and answers null for an unknown address", async () => {
    const { client } = setupConnectWise();
    expect(await client.findContactByEmail("Grace.Hopper@AcmeCorp.example")).toEqual({ id: "301", name: "Grace Hopper", email: "grace.hopper@acmecorp.example" });
    expect(await client.findContactByEmail("nobody@acmecorp.example")).toBeNull();
  });
});
