// A Request Tracker backlog written straight into the simulator's store: tickets across the
// default lifecycle and priority range, each created with a message and carrying a public reply
// (one in three with time taken on it), an internal comment, and one in ten a file on a comment.
// Deterministic: ticket i is always the same.
import type { RequestTrackerStore, RtTicket } from "../../../src/simulators/request-tracker/store";
import { fileBytes } from "./bytes";

const STATUSES = ["new", "open", "stalled", "resolved", "rejected"];
const PRIORITIES = [0, 50, 100];

/** Empties the seeded tickets (users, queues and custom fields stay) and fills `count` new ones. */
export function seedRequestTrackerBacklog(store: RequestTrackerStore, count: number, queue = 1): void {
  store.tickets.splice(0);
  store.transactions.splice(0);
  store.attachments.splice(0);
  const agents = store.users.filter((u) => u.Privileged && u.Name !== "lockstep");
  const customers = store.users.filter((u) => !u.Privileged && u.EmailAddress !== "");
  const start = Math.floor(Date.now() / 1000) - 3 * 86_400;
  for (let i = 0; i < count; i++) {
    const created = start + i * 60;
    const status = STATUSES[i % STATUSES.length]!;
    const requestor = customers[i % customers.length]!;
    const agent = agents[i % agents.length]!;
    const ticket: RtTicket = {
      id: store.nextId("ticket"),
      Queue: queue,
      Subject: `Fault suite ticket ${i + 1}: ${["printer", "VPN", "laptop", "mailbox", "backup"][i % 5]} trouble`,
      Status: status,
      Owner: agent.id,
      Priority: PRIORITIES[i % PRIORITIES.length]!,
      InitialPriority: 0,
      FinalPriority: 100,
      TimeWorked: 0,
      TimeEstimated: 0,
      Created: created,
      LastUpdated: created + 40,
      LastUpdatedBy: agent.id,
      Creator: requestor.id,
      Resolved: status === "resolved" ? created + 40 : 0,
      Requestors: [requestor.id],
      CustomFields: {},
    };
    store.tickets.push(ticket);
    const create = store.addTransaction({ ticketId: ticket.id, Type: "Create", Created: created, Creator: requestor.id });
    store.addMessage(create, { subject: ticket.Subject, content: `Hello, ticket ${i + 1} needs help.`, contentType: "text/plain", files: [] });
    const timeTaken = i % 3 === 0 ? 15 * (1 + (i % 4)) : 0;
    const reply = store.addTransaction({ ticketId: ticket.id, Type: "Correspond", Created: created + 10, Creator: agent.id, TimeTaken: timeTaken });
    store.addMessage(reply, { subject: "", content: `Reply to the customer on ticket ${i + 1}.`, contentType: "text/plain", files: [] });
    const note = store.addTransaction({ ticketId: ticket.id, Type: "Comment", Created: created + 20, Creator: agent.id });
    const files = i % 10 === 3 ? [{ name: `capture-${i + 1}.bin`, type: "application/octet-stream", bytes: fileBytes(i, 8_192 + (i % 4) * 12_288) }] : [];
    store.addMessage(note, { subject: "", content: `Internal: checked the logs for ticket ${i + 1}.`, contentType: "text/plain", files });
    ticket.TimeWorked = timeTaken;
  }
}
