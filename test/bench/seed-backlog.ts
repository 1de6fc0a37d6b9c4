// The benchmark's source backlog written straight into a simulator's store: N tickets, each
// created with a description and given three comments (a public one, an internal one, a public
// one), one in ten with a 200 KB file. The records are the ones the simulators' POST handlers
// make for the calls the benchmark used to send through the connector (same fields, flags,
// authors and message parts), so the sync sees the same backlog; only the minutes of HTTP and
// simulator work it took to build 5,000 of them are gone. Times are spread over the past day, as
// a backlog's are. Deterministic apart from the clock: ticket i is always the same.
import { cwTimestamp, type ConnectWiseStore, type CwTicket } from "../../src/simulators/connectwise/store";
import type { RequestTrackerStore, RtTicket } from "../../src/simulators/request-tracker/store";

export const FILE_BYTES = 200 * 1024;
export const COMMENTS_PER_TICKET = 3;
const FILE_EVERY = 10;
/** Seconds between two tickets' creation, and between a ticket's messages. */
const TICKET_SPACING_S = 10;
const MESSAGE_SPACING_S = 60;

/** A file's bytes: the same for the same ticket. */
export function fileBytes(i: number): Uint8Array {
  const bytes = new Uint8Array(FILE_BYTES);
  for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 31 + j) & 0xff;
  return bytes;
}

const hasFile = (i: number) => i % FILE_EVERY === 0;
/** The second ticket i was created at (epoch seconds), the whole backlog inside the last day. */
const createdAt = (start: number, i: number) => start + i * TICKET_SPACING_S;
const backlogStart = (count: number) => Math.floor(Date.now() / 1000) - count * TICKET_SPACING_S - 86_400;

/**
 * ConnectWise Service Desk tickets as `POST /service/tickets` makes them from the connector's
 * create (summary, board, status New, a priority, the first company, one of `requesters`
 * contacts, the description as the first Discussion note), three notes as `POST .../notes` makes
 * them (Discussion, Internal, Discussion, by the API member), and a document as
 * `POST /system/documents` makes it. Returns the requesters used.
 */
export function seedConnectWiseBacklog(store: ConnectWiseStore, count: number, requesters = 4): number {
  store.tickets.clear();
  store.notes.splice(0);
  store.documents.clear();
  store.timeEntries.splice(0);
  const api = store.members.find((m) => m.identifier === "lockstep-api")!;
  const by = api.identifier;
  const member = { id: api.id, identifier: api.identifier, name: `${api.firstName} ${api.lastName}` };
  const board = store.boards[0]!;
  const status = store.status(board.id, 11)!;
  const company = store.companies[0]!;
  const contacts = store.contacts.slice(0, requesters);
  const start = backlogStart(count);
  const stamp = (seconds: number) => cwTimestamp(new Date(seconds * 1000));
  for (let i = 0; i < count; i++) {
    const created = createdAt(start, i);
    const priority = store.priorities.find((p) => p.id === 1 + (i % 4))!;
    const contact = contacts[i % contacts.length]!;
    const description = `Line one of ${i}\nLine two`;
    const ticket: CwTicket = {
      id: store.nextId("ticket"),
      summary: `Printer ${i} jams`,
      recordType: "ServiceTicket",
      board: { id: board.id, name: board.name },
      status: { id: status.id, name: status.name },
      priority: { id: priority.id, name: priority.name },
      company: { id: company.id, identifier: company.identifier, name: company.name },
      contact: { id: contact.id, name: `${contact.firstName} ${contact.lastName}` },
      contactName: `${contact.firstName} ${contact.lastName}`,
      initialDescription: description,
      closedFlag: false,
      customFields: store.customFieldDefs.map((d) => ({ ...d })),
      _info: { lastUpdated: stamp(created), updatedBy: by, dateEntered: stamp(created), enteredBy: by },
    };
    store.tickets.set(ticket.id, ticket);
    // ConnectWise turns the initial description into the ticket's first Discussion note.
    store.notes.push({
      id: store.nextId("note"), ticketId: ticket.id, text: description, detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false,
      dateCreated: stamp(created), createdBy: by, internalFlag: false, externalFlag: true, _info: { lastUpdated: stamp(created), updatedBy: by },
    });
    for (let c = 0; c < COMMENTS_PER_TICKET; c++) {
      const at = stamp(created + (c + 1) * MESSAGE_SPACING_S);
      const internal = c === 1;
      store.notes.push({
        id: store.nextId("note"), ticketId: ticket.id, text: `Comment ${c} on ${i}`, detailDescriptionFlag: !internal, internalAnalysisFlag: internal, resolutionFlag: false,
        member: { ...member }, dateCreated: at, createdBy: by, internalFlag: internal, externalFlag: !internal, _info: { lastUpdated: at, updatedBy: by },
      });
      // A note touches its ticket.
      ticket._info.lastUpdated = at;
    }
    if (hasFile(i)) {
      const id = store.nextId("document");
      const at = stamp(created + (COMMENTS_PER_TICKET + 1) * MESSAGE_SPACING_S);
      const fileName = `log-${i}.bin`;
      const bytes = fileBytes(i);
      store.documents.set(id, {
        recordType: "Ticket", recordId: ticket.id, bytes, contentType: "application/octet-stream",
        info: {
          id, title: fileName, fileName, serverFileName: `${id}-${fileName}`, owner: by, linkFlag: false, imageFlag: false, publicFlag: false,
          readOnlyFlag: false, size: bytes.length, urlFlag: false, guid: crypto.randomUUID(), _info: { lastUpdated: at, updatedBy: by, dateEntered: at },
        },
      });
    }
  }
  return contacts.length;
}

/**
 * Request Tracker tickets in queue `queue` as `POST /ticket` makes them from the connector's
 * create (subject, status new, a priority, no owner or requestor, the description as the create
 * message), three messages as `POST /ticket/{id}/correspond|comment` make them (a reply, a
 * comment, a reply, by the API user), and a file as the connector's upload sends it (a comment
 * of its own, subject the file name, no text). Returns the requesters used (none).
 */
export function seedRequestTrackerBacklog(store: RequestTrackerStore, count: number, queue = 3): number {
  store.tickets.splice(0);
  store.transactions.splice(0);
  store.attachments.splice(0);
  const api = store.users.find((u) => u.Name === "lockstep")!;
  const nobody = store.users.find((u) => u.Name === "Nobody")?.id ?? 6;
  const start = backlogStart(count);
  for (let i = 0; i < count; i++) {
    const created = createdAt(start, i);
    const priority = 10 * (i % 5);
    const ticket: RtTicket = {
      id: store.nextId("ticket"), Queue: queue, Subject: `Mailbox ${i} full`, Status: "new",
      Owner: nobody, Priority: priority, InitialPriority: priority, FinalPriority: 0,
      TimeWorked: 0, TimeEstimated: 0, Created: created, LastUpdated: created, LastUpdatedBy: api.id, Creator: api.id, Resolved: 0,
      Requestors: [], CustomFields: {},
    };
    store.tickets.push(ticket);
    const create = store.addTransaction({ ticketId: ticket.id, Type: "Create", Created: created, Creator: api.id });
    store.addMessage(create, { subject: ticket.Subject, content: `Line one of ${i}\nLine two`, contentType: "text/plain", files: [] });
    const message = (type: "Correspond" | "Comment", at: number, subject: string, content: string | null, files: { name: string; type: string; bytes: Uint8Array }[]) => {
      const txn = store.addTransaction({ ticketId: ticket.id, Type: type, Created: at, Creator: api.id, TimeTaken: 0 });
      store.addMessage(txn, { subject, content, contentType: "text/plain", files });
      ticket.LastUpdated = at;
      ticket.LastUpdatedBy = api.id;
    };
    for (let c = 0; c < COMMENTS_PER_TICKET; c++) {
      message(c === 1 ? "Comment" : "Correspond", created + (c + 1) * MESSAGE_SPACING_S, "", `Comment ${c} on ${i}`, []);
    }
    if (hasFile(i)) {
      const fileName = `log-${i}.bin`;
      message("Comment", created + (COMMENTS_PER_TICKET + 1) * MESSAGE_SPACING_S, fileName, null, [{ name: fileName, type: "application/octet-stream", bytes: fileBytes(i) }]);
    }
  }
  return 0;
}
