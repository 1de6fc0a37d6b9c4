import { beforeEach, describe, expect, it } from "vitest";
import type { ConnectorClient } from "../../src/connectors/contract";
import { ConnectorError } from "../../src/connectors/errors";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { settingsSchema, type Credentials } from "../../src/connectors/request-tracker/config";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { SEED_START, SHARED_UPDATED } from "../../src/simulators/request-tracker/seed";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();
const BASE = "https://rt.sim.test";
const TOKEN: Credentials = { kind: "token", token: "1-20-lockstep-sim-token", username: "lockstep" };
let sim: ReturnType<typeof createRequestTrackerSimulator>;

function connect(credentials: Credentials = TOKEN, settings: Partial<ReturnType<typeof settingsSchema.parse>> = {}): ConnectorClient {
  return requestTrackerConnector.create({ fetch: (input, init) => fetch(input, init), config: { baseUrl: BASE, credentials, settings: settingsSchema.parse(settings) } });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

beforeEach(() => {
  sim = createRequestTrackerSimulator();
  network.mount("rt.sim.test", sim.app);
});

describe("connecting and discovering", () => {
  it("proves a token works and names the integration user", async () => {
    expect(await connect().testConnection()).toEqual({ identity: "Lockstep Integration (lockstep)" });
  });

  it("accepts Basic auth with the user's password", async () => {
    const client = connect({ kind: "basic", username: "lockstep", password: "lockstep-password" });
    expect((await client.testConnection()).identity).toContain("lockstep");
  });

  it("lists queues, lifecycle statuses with closed flags, named priorities, both note kinds, custom fields and agents", async () => {
    const picklists = await connect().discover();
    expect(picklists.queues.map((q) => q.name)).toEqual(["General", "Support", "Billing", "Internal"]);
    expect(picklists.statuses.filter((s) => s.closed).map((s) => s.id)).toEqual(["resolved", "rejected", "deleted"]);
    expect(picklists.statuses.filter((s) => !s.closed).map((s) => s.id)).toEqual(["new", "open", "stalled"]);
    expect(picklists.priorities).toEqual([{ id: "0", name: "Low" }, { id: "50", name: "Medium" }, { id: "100", name: "High" }]);
    expect(picklists.noteTypes).toEqual([{ id: "correspond", name: "Reply (correspond)", public: true }, { id: "comment", name: "Comment (internal)", public: false }]);
    expect(picklists.customFields).toEqual([
      // Keyed by name: tickets carry their custom fields by name, and mappings store this id.
      { id: "Severity", name: "Severity", type: "select", options: ["Low", "Medium", "High", "Critical"] },
      { id: "Tags", name: "Tags", type: "text" },
    ]);
    expect(picklists.members.map((m) => m.id)).toEqual(["root", "lockstep", "alice", "bob"]);
    expect(picklists.ticketTypes).toEqual([{ id: "ticket", name: "Ticket" }]);
    expect(picklists.companies).toEqual([]);
  });
});

describe("listing changed tickets", () => {
  it("pages by (LastUpdated, id) and sees every ticket once, even when several share one second across pages", async () => {
    const client = connect();
    const since = new Date(SEED_START * 1000).toISOString();
    const sharedIso = new Date(SHARED_UPDATED * 1000).toISOString().replace(".000", "");
    const seen: { id: string; updatedAt: string }[] = [];
    const pageOfShared = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client.listChanged({ since, cursor, ticketType: "ticket", pageSize: 4 });
      seen.push(...page.tickets.map((t) => ({ id: t.id, updatedAt: t.updatedAt })));
      if (page.tickets.some((t) => t.updatedAt === sharedIso)) pageOfShared.add(pages);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    // The tickets sharing one second really do straddle a page boundary.
    expect(pageOfShared.size).toBeGreaterThan(1);
    const expected = sim.store.tickets
      .filter((t) => t.Queue !== 5 && t.Status !== "deleted")
      .sort((a, b) => a.LastUpdated - b.LastUpdated || a.id - b.id)
      .map((t) => String(t.id));
    expect(pages).toBeGreaterThan(3);
    expect(seen.map((t) => t.id)).toEqual(expected);
    expect(new Set(seen.map((t) => t.id)).size).toBe(seen.length);
    expect(seen.filter((t) => t.updatedAt === sharedIso).length).toBeGreaterThanOrEqual(4);
  });

  it("names a ticket whose history could not be read as unread, and still returns the rest of the page", async () => {
    const since = new Date(SEED_START * 1000).toISOString();
    const all = await connect().listChanged({ since, cursor: null, ticketType: "ticket", pageSize: 100 });
    const victim = all.tickets[1]!.id;
    sim.faults.next({ kind: "status", status: 503 }, { method: "GET", path: new RegExp(`/ticket/${victim}/history$`) });
    const page = await connect().listChanged({ since, cursor: null, ticketType: "ticket", pageSize: 100 });
    expect(page.unread).toEqual([victim]);
    expect(page.tickets.map((t) => t.id)).toEqual(all.tickets.map((t) => t.id).filter((id) => id !== victim));
    // A refusal of the credentials is not passing: it still fails the call.
    sim.faults.next({ kind: "status", status: 401 }, { method: "GET", path: new RegExp(`/ticket/${victim}/history$`) });
    expect((await failure(connect().listChanged({ since, cursor: null, ticketType: "ticket", pageSize: 100 }))).kind).toBe("auth");
  });

  it("limits the listing to the configured queues", async () => {
    const page = await connect(TOKEN, { queues: ["Billing"] }).listChanged({ since: new Date(SEED_START * 1000).toISOString(), cursor: null, ticketType: "ticket", pageSize: 100 });
    expect(page.tickets.length).toBeGreaterThan(0);
    expect(new Set(page.tickets.map((t) => t.queue?.name))).toEqual(new Set(["Billing"]));
  });

  it("sends TicketSQL RT can parse and the simulator refuses what RT would refuse", async () => {
    const res = await fetch(`${BASE}/REST/2.0/tickets?query=${encodeURIComponent("Bogus = 'x'")}`, { headers: { Authorization: "token 1-20-lockstep-sim-token" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("Bogus");
  });
});

describe("reading and writing tickets", () => {
  it("reads a ticket with queue, requester, owner, priority name, custom fields and description", async () => {
    const ticket = await connect().getTicket("1", "ticket");
    expect(ticket).toMatchObject({
      id: "1", title: "Printer on 3rd floor jams (#1)", status: { id: "new", name: "new" }, queue: { id: "1", name: "General" },
      requester: { id: "carol@acme.example", name: "Carol Customer", email: "carol@acme.example" }, assignee: { id: "root", name: "root" },
      priority: { id: "0", name: "Low" }, partnerReference: "PARTNER-1000", customFields: { Severity: "Low", Tags: "vip" }, closed: false,
    });
    expect(ticket.description).toContain("Printer on 3rd floor jams");
    expect(ticket.extra.rtAdditionalRequestors).toEqual([{ id: "dave@globex.example", Name: "dave@globex.example", EmailAddress: "dave@globex.example", RealName: "Dave Doe" }]);
  });

  it("creates a ticket in a queue with requester, owner, priority and partner reference, then finds it by that reference", async () => {
    const client = connect();
    const created = await client.createTicket("ticket", {
      title: "Synced from partner", description: "Body text", queueId: "Support", statusId: "open", priorityId: "50", assigneeId: "alice",
      requester: { id: "carol@acme.example", name: "Carol Customer", email: "carol@acme.example" }, partnerReference: "CW-777", customFields: { Severity: "High" },
    });
    expect(created).toMatchObject({ title: "Synced from partner", description: "Body text", queue: { name: "Support" }, status: { id: "open" }, priority: { id: "50", name: "Medium" }, assignee: { id: "alice" }, requester: { email: "carol@acme.example" }, partnerReference: "CW-777", customFields: { Severity: "High" } });
    // An address RT does not know is not sent: RT would create a user, and Lockstep never creates contacts.
    const users = sim.store.users.length;
    const unknown = await client.createTicket("ticket", { title: "Unknown requester", queueId: "Support", statusId: "new", requester: { id: null, name: "Nina New", email: "nina@new.example" } });
    expect(unknown.requester?.email ?? null).not.toBe("nina@new.example");
    expect(sim.store.users.length).toBe(users);
    const found = await client.findByPartnerReference("ticket", "CW-777");
    expect(found?.id).toBe(created.id);
    expect(await client.findByPartnerReference("ticket", "CW-000")).toBeNull();
  });

  it("creates a ticket with one call when the write says all RT keeps, and returns what RT then shows", async () => {
    const client = connect();
    await client.createTicket("ticket", { title: "Warm-up", queueId: "3", statusId: "new", priorityId: "0" });
    sim.faults.calls.length = 0;
    const created = await client.createTicket("ticket", {
      title: "Disk full", description: "Line one\nLine two", queueId: "3", statusId: "open", priorityId: "60",
      requester: { id: "carol@acme.example", name: "Carol Customer", email: "carol@acme.example" }, partnerReference: "CW-4242",
    });
    // The queue list was read once for the first create; this one is the POST alone.
    expect(sim.faults.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /REST/2.0/ticket"]);
    const read = await connect().getTicket(created.id, "ticket");
    for (const field of ["id", "number", "title", "description", "status", "priority", "queue", "requester", "assignee", "partnerReference", "closed", "updatedBy"] as const) {
      expect(created[field], field).toEqual(read[field]);
    }
    expect(created.extra.rtRawPriority).toBe(60);
    expect(Math.abs(Date.parse(created.createdAt) - Date.parse(read.createdAt))).toBeLessThanOrEqual(2_000);
  });

  it("reads a created ticket back when RT may have changed what was written", async () => {
    const client = connect();
    sim.faults.calls.length = 0;
    // An owner may be refused without failing the create, and a custom field RT cannot find is only logged.
    const created = await client.createTicket("ticket", { title: "Owned", description: "Body", queueId: "Support", statusId: "new", priorityId: "0", assigneeId: "alice", customFields: { Nonexistent: "x" } });
    expect(sim.faults.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /REST/2.0/ticket", "GET /REST/2.0/tickets"]);
    expect(created).toMatchObject({ description: "Body", assignee: { id: "alice" }, queue: { id: "3", name: "Support" } });
    expect(created.customFields.Nonexistent).toBeUndefined();
  });

  it("refuses a source, category or company, which RT tickets do not have, rather than dropping it", async () => {
    const client = connect();
    await expect(client.updateTicket("1000", "ticket", { companyId: "250" })).rejects.toMatchObject({ kind: "validation" });
    // Nor can RT change a description (its first message) after the create.
    await expect(client.updateTicket("1000", "ticket", { description: "Rewritten" })).rejects.toMatchObject({ kind: "validation" });
    await expect(client.createTicket("ticket", { title: "x", description: "y", queueId: "Support", statusId: "new", priorityId: "0", sourceId: "email" })).rejects.toMatchObject({ kind: "validation" });
    await expect(client.updateTicket("1000", "ticket", { categoryId: "network" })).rejects.toMatchObject({ kind: "validation" });
  });

  it("updates only the changed fields and closes with a resolved status", async () => {
    const client = connect();
    const updated = await client.updateTicket("2", "ticket", { title: "Renamed", statusId: "resolved" });
    expect(sim.store.writeBodies.at(-1)).toEqual({ method: "PUT", path: "/REST/2.0/ticket/2", body: { Subject: "Renamed", Status: "resolved" } });
    expect(updated).toMatchObject({ title: "Renamed", status: { id: "resolved" }, closed: true, updatedBy: "lockstep" });
  });

  it("reports a refused change as a validation error with RT's message", async () => {
    const err = await failure(connect().updateTicket("2", "ticket", { statusId: "bogus" }));
    expect(err.kind).toBe("validation");
    expect(err.vendorMessage).toContain("isn't a valid status");
  });

  it("reports a partner reference RT did not keep (its custom field missing) instead of passing it over", async () => {
    const err = await failure(connect(TOKEN, { partnerReferenceField: "Partner Ticket" }).updateTicket("2", "ticket", { partnerReference: "CW-1" }));
    expect(err.kind).toBe("validation");
    const written = await connect().updateTicket("2", "ticket", { partnerReference: "CW-2" });
    expect(written.partnerReference).toBe("CW-2");
  });
});

describe("comments and time", () => {
  it("lists replies as public and comments as internal, with RT's kinds and authors", async () => {
    const comments = await connect().listComments("1", "ticket");
    expect(comments.map((c) => [c.kind, c.public, c.format])).toEqual([["correspond", true, "html"], ["comment", false, "text"]]);
    expect(comments[0]).toMatchObject({ body: "<p>We are looking into it.</p>", author: { id: "alice", name: "Alice Agent" } });
  });

  it("adds a public reply through /correspond and an internal note through /comment, one call each", async () => {
    const client = connect();
    await client.listComments("3", "ticket");
    sim.faults.calls.length = 0;
    const reply = await client.addComment("3", "ticket", { body: "Fixed it", format: "text", public: true });
    const note = await client.addComment("3", "ticket", { body: "<b>internal</b>", format: "html", public: false });
    expect(sim.faults.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /REST/2.0/ticket/3/correspond", "POST /REST/2.0/ticket/3/comment"]);
    expect([reply.kind, reply.public, note.kind, note.public, note.format]).toEqual(["correspond", true, "comment", false, "html"]);
    // The same client lists them: what it read before the writes is not reused.
    const listed = await client.listComments("3", "ticket");
    expect(listed.slice(-2).map((c) => [c.id, c.body, c.kind, c.author?.id])).toEqual([[reply.id, "Fixed it", "correspond", "lockstep"], [note.id, "<b>internal</b>", "comment", "lockstep"]]);
  });

  it("reads a ticket's description, comments and time from its history and message texts, once", async () => {
    const client = connect();
    sim.faults.calls.length = 0;
    const ticket = await client.getTicket("4", "ticket");
    const comments = await client.listComments("4", "ticket");
    const entries = await client.listTimeEntries!("4", "ticket");
    expect(sim.faults.calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual(["GET /REST/2.0/ticket/4/attachments", "GET /REST/2.0/ticket/4/history", "GET /REST/2.0/tickets"]);
    // The same as a client that reads each on its own.
    const fresh = () => connect();
    expect(ticket.description).toBe((await fresh().getTicket("4", "ticket")).description);
    expect(comments).toEqual(await fresh().listComments("4", "ticket"));
    expect(entries).toEqual(await fresh().listTimeEntries!("4", "ticket"));
    expect(ticket.description).not.toBe("");
    expect(entries.length).toBeGreaterThan(0);
  });

  it("reads a message's text without downloading the files it carries", async () => {
    const txn = sim.store.addTransaction({ ticketId: 3, Type: "Comment", Created: sim.store.now(), Creator: sim.store.userByKey("lockstep")!.id });
    const file = { name: "capture.bin", type: "application/octet-stream", bytes: crypto.getRandomValues(new Uint8Array(60_000)) };
    sim.store.addMessage(txn, { subject: "Logs", content: "Logs attached.", contentType: "text/plain", files: [file] });
    let received = 0;
    const client = requestTrackerConnector.create({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        received += (await res.clone().arrayBuffer()).byteLength;
        return res;
      },
      config: { baseUrl: BASE, credentials: TOKEN, settings: settingsSchema.parse({}) },
    });
    const comments = await client.listComments("3", "ticket");
    expect(comments.at(-1)).toMatchObject({ id: String(txn.id), body: "Logs attached.", kind: "comment" });
    // RT puts a listed part's whole body in the JSON: asking for every part would bring the file too.
    expect(received).toBeLessThan(file.bytes.byteLength);
  });

  it("records time as TimeTaken on a comment and lists it with its author", async () => {
    const client = connect();
    const entry = await client.addTimeEntry!("4", "ticket", { start: "2024-03-01T10:00:00Z", minutes: 45, memberId: null, workRoleId: null, notes: "Remote session" });
    expect(entry).toMatchObject({ minutes: 45, notes: "Remote session", member: { id: "lockstep" }, workRole: null });
    const entries = await client.listTimeEntries!("4", "ticket");
    expect(entries.at(-1)).toMatchObject({ id: entry.id, minutes: 45, notes: "Remote session" });
    expect(sim.store.ticket(4)!.TimeWorked).toBe(45 + 30);
  });

  it("ends a time entry copy's comment with a short reference, and reads it back apart from the notes", async () => {
    const client = connect();
    const copy = await client.addTimeEntry!("4", "ticket", { start: "2024-03-01T10:00:00Z", minutes: 20, memberId: null, workRoleId: null, notes: "Reset the VPN", reference: "tel_01xyz" });
    const bare = await client.addTimeEntry!("4", "ticket", { start: "2024-03-01T11:00:00Z", minutes: 10, memberId: null, workRoleId: null, notes: "", reference: "tel_01abc" });
    const texts = sim.store.attachments.filter((a) => a.ContentType === "text/plain").map((a) => new TextDecoder().decode(a.Content));
    expect(texts).toContain("Reset the VPN\n[Lockstep tel_01xyz]");
    expect(texts).toContain("[Lockstep tel_01abc]");
    const entries = await client.listTimeEntries!("4", "ticket");
    expect(entries.find((e) => e.id === copy.id)).toMatchObject({ notes: "Reset the VPN", reference: "tel_01xyz" });
    expect(entries.find((e) => e.id === bare.id)).toMatchObject({ notes: "", reference: "tel_01abc" });
    expect(entries.filter((e) => e.id !== copy.id && e.id !== bare.id).every((e) => e.reference === null)).toBe(true);
    // The copies are time, not comments to carry back; a person's time comment still is one.
    const mine = await client.addTimeEntry!("4", "ticket", { start: "2024-03-01T12:00:00Z", minutes: 5, memberId: null, workRoleId: null, notes: "Called the user" });
    const comments = await client.listComments("4", "ticket");
    expect(comments.map((c) => c.id)).toContain(mine.id);
    expect(comments.map((c) => c.id)).not.toContain(copy.id);
    expect(comments.map((c) => c.id)).not.toContain(bare.id);
  });
});

describe("attachments", () => {
  const sha256 = async (bytes: Uint8Array) => Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
  const streamOf = (bytes: Uint8Array) => new ReadableStream<Uint8Array>({ start(c) { c.enqueue(bytes.slice(0, 1000)); c.enqueue(bytes.slice(1000)); c.close(); } });

  it("uploads a file as a stream and downloads the identical bytes", async () => {
    const client = connect();
    const bytes = crypto.getRandomValues(new Uint8Array(40_000));
    const uploaded = await client.uploadAttachment("7", "ticket", { fileName: "report.pdf", contentType: "application/pdf", size: bytes.byteLength, body: streamOf(bytes) });
    expect(uploaded).toMatchObject({ fileName: "report.pdf", contentType: "application/pdf", size: 40_000 });
    const listed = await client.listAttachments("7", "ticket");
    expect(listed.map((a) => a.fileName)).toEqual(["screenshot-7.png", "report.pdf"]);
    const download = await client.downloadAttachment("7", "ticket", uploaded);
    const got = new Uint8Array(await new Response(download.body).arrayBuffer());
    expect([download.contentType, download.size]).toEqual(["application/pdf", 40_000]);
    expect(await sha256(got)).toBe(await sha256(bytes));
  });

  it("lists only real files, not the text parts of messages", async () => {
    const listed = await connect().listAttachments("1", "ticket");
    expect(listed.map((a) => [a.fileName, a.contentType, a.size])).toEqual([["screenshot-1.png", "image/png", 2048]]);
  });

  it("refuses a file over RT's attachment limit before sending it", async () => {
    const err = await failure(connect(TOKEN, { maxAttachmentBytes: 10 }).uploadAttachment("5", "ticket", { fileName: "big.bin", contentType: "application/octet-stream", size: 11, body: streamOf(new Uint8Array(11)) }));
    expect(err.kind).toBe("validation");
    expect(sim.faults.writes()).toBe(0);
  });
});

describe("contacts", () => {
  it("finds a user by e-mail address, whatever its case, and returns null for an unknown address", async () => {
    const client = connect();
    expect(await client.findContactByEmail("Erin@Initech.example")).toEqual({ id: "erin@initech.example", name: "Erin Example", email: "erin@initech.example" });
    expect(await client.findContactByEmail("nobody@nowhere.example")).toBeNull();
  });
});

describe("failures", () => {
  it("turns a wrong token into an auth error carrying RT's message", async () => {
    const err = await failure(connect({ kind: "token", token: "wrong", username: "lockstep" }).testConnection());
    expect([err.kind, err.vendorMessage]).toEqual(["auth", "Unauthorized"]);
  });

  it("turns a ticket the user may not see into a permission error", async () => {
    const hidden = sim.store.tickets.find((t) => t.Queue === 5)!;
    const err = await failure(connect().updateTicket(String(hidden.id), "ticket", { title: "x" }));
    expect([err.kind, err.vendorMessage]).toEqual(["permission", "Forbidden"]);
  });

  it("reports a 429 from a proxy as rate limited with its Retry-After", async () => {
    sim.faults.next({ kind: "status", status: 429, retryAfter: "30" });
    const err = await failure(connect().getTicket("1", "ticket"));
    expect([err.kind, err.details.retryAfterSeconds]).toEqual(["rate_limited", 30]);
  });

  it("reports a 500 as transient", async () => {
    sim.faults.next({ kind: "status", status: 500 });
    expect((await failure(connect().getTicket("1", "ticket"))).kind).toBe("transient");
  });

  it("reports a malformed body as an invalid response", async () => {
    sim.faults.next({ kind: "malformed" });
    expect((await failure(connect().getTicket("1", "ticket"))).kind).toBe("invalid_response");
  });

  it("gives up on a hanging server after the configured timeout", async () => {
    sim.faults.next({ kind: "hang" });
    const err = await failure(connect(TOKEN, { timeoutMs: 50 }).getTicket("1", "ticket"));
    expect(err.kind).toBe("transient");
    expect(err.vendorMessage).toContain("No answer");
  });

  it("reports a ticket that does not exist as not found", async () => {
    expect((await failure(connect().getTicket("9999", "ticket"))).kind).toBe("not_found");
  });
});
