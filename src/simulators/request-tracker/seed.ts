// A deterministic RT seed: agents and customers, three visible queues and one the API user may
// not see, ticket custom fields (partner reference, a select, a multi-value field) and three
// dozen tickets across every default-lifecycle status and the priority range, with replies,
// comments, time taken and a few files. Several tickets share one LastUpdated second on purpose.
import { DEFAULT_LIFECYCLE_STATUSES, type RequestTrackerStore } from "./store";

/** 2024-03-01T09:00:00Z, the seed's epoch. */
export const SEED_START = Date.UTC(2024, 2, 1, 9, 0, 0) / 1000;
/** The LastUpdated second shared by tickets 10–15, five days after the seed's start. */
export const SHARED_UPDATED_AFTER = 86_400 * 5;
export const SHARED_UPDATED = SEED_START + SHARED_UPDATED_AFTER;

const SUBJECTS = [
  "Printer on 3rd floor jams", "VPN drops every hour", "New starter laptop", "Invoice 2024-118 wrong amount",
  "Mailbox full", "Password reset for sales", "Wi-Fi slow in meeting room", "Backup job failed",
  "Licence renewal question", "Phone handset broken", "Shared drive permissions", "Outlook crashes on start",
];

/** Seeds `store` with tickets from `start` (epoch seconds) on: an hour apart, each updated two
 * days later, the last updates about five days after `start`. */
export function seedRequestTracker(store: RequestTrackerStore, start = SEED_START): void {
  const root = store.addUser({ id: 14, Name: "root", EmailAddress: "root@rt.example", RealName: "Enoch Root", Privileged: true, Disabled: false });
  store.addUser({ id: 6, Name: "Nobody", EmailAddress: "", RealName: "Nobody in particular", Privileged: false, Disabled: false });
  store.addUser({ id: 20, Name: "lockstep", EmailAddress: "lockstep@rt.example", RealName: "Lockstep Integration", Privileged: true, Disabled: false });
  const alice = store.addUser({ id: 21, Name: "alice", EmailAddress: "alice@rt.example", RealName: "Alice Agent", Privileged: true, Disabled: false });
  const bob = store.addUser({ id: 22, Name: "bob", EmailAddress: "bob@rt.example", RealName: "Bob Builder", Privileged: true, Disabled: false });
  const customers = ["carol@acme.example", "dave@globex.example", "erin@initech.example", "frank@acme.example"].map((email, i) =>
    store.addUser({ id: 30 + i, Name: email, EmailAddress: email, RealName: ["Carol Customer", "Dave Doe", "Erin Example", "Frank Fields"][i]!, Privileged: false, Disabled: false }),
  );

  store.queues.push(
    { id: 1, Name: "General", Description: "The default queue", Lifecycle: "default", Disabled: false },
    { id: 3, Name: "Support", Description: "Customer support", Lifecycle: "default", Disabled: false },
    { id: 4, Name: "Billing", Description: "Invoices and licences", Lifecycle: "default", Disabled: false },
    { id: 5, Name: "Internal", Description: "Hidden from the API user", Lifecycle: "default", Disabled: false },
  );
  store.customFields.push(
    { id: 1, Name: "Partner Reference", Type: "Freeform", MaxValues: 1, Description: "Ticket number at the partner", Values: [] },
    { id: 2, Name: "Severity", Type: "Select", MaxValues: 1, Description: "Business impact", Values: ["Low", "Medium", "High", "Critical"] },
    { id: 3, Name: "Tags", Type: "Freeform", MaxValues: 0, Description: "Free tags", Values: [] },
  );

  const agents = [root.id, alice.id, bob.id, 6];
  for (let i = 0; i < 36; i++) {
    const created = start + i * 3_600;
    const updated = i >= 9 && i <= 14 ? start + SHARED_UPDATED_AFTER : created + 86_400 * 2 + i * 60;
    const status = DEFAULT_LIFECYCLE_STATUSES[i % DEFAULT_LIFECYCLE_STATUSES.length]!;
    const requestor = customers[i % customers.length]!;
    const priority = [0, 20, 50, 80, 100, 35][i % 6]!;
    const cfs: Record<number, string[]> = { 2: [["Low", "Medium", "High", "Critical"][i % 4]!] };
    if (i % 5 === 0) cfs[1] = [`PARTNER-${1000 + i}`];
    if (i % 7 === 0) cfs[3] = ["vip", "onsite"];
    const ticket = {
      id: store.nextId("ticket"),
      Queue: i % 9 === 4 ? 5 : [1, 3, 4][i % 3]!,
      Subject: `${SUBJECTS[i % SUBJECTS.length]} (#${i + 1})`,
      Status: status,
      Owner: agents[i % agents.length]!,
      Priority: priority,
      InitialPriority: priority,
      FinalPriority: 100,
      TimeWorked: 0,
      TimeEstimated: i % 3 === 0 ? 60 : 0,
      Created: created,
      LastUpdated: updated,
      LastUpdatedBy: alice.id,
      Creator: requestor.id,
      Resolved: status === "resolved" ? updated : 0,
      Requestors: i % 11 === 0 ? [requestor.id, customers[(i + 1) % customers.length]!.id] : [requestor.id],
      CustomFields: cfs,
    };
    store.tickets.push(ticket);
    const create = store.addTransaction({ ticketId: ticket.id, Type: "Create", Created: created, Creator: requestor.id });
    store.addMessage(create, { subject: ticket.Subject, content: `Hello,\n\n${ticket.Subject}. Please help.\n\n${requestor.RealName}`, contentType: "text/plain", files: [] });
    if (i % 2 === 0) {
      const reply = store.addTransaction({ ticketId: ticket.id, Type: "Correspond", Created: created + 1_800, Creator: alice.id, TimeTaken: 15 });
      store.addMessage(reply, { subject: "", content: "<p>We are looking into it.</p>", contentType: "text/html", files: [] });
    }
    if (i % 3 === 0) {
      const note = store.addTransaction({ ticketId: ticket.id, Type: "Comment", Created: created + 3_000, Creator: bob.id, TimeTaken: i % 2 === 0 ? 0 : 30 });
      const files = i % 6 === 0 ? [{ name: `screenshot-${i + 1}.png`, type: "image/png", bytes: seedBytes(i, 2_048) }] : [];
      store.addMessage(note, { subject: "", content: "Checked the logs; escalating.", contentType: "text/plain", files });
    }
    ticket.TimeWorked = store.transactions.filter((t) => t.ticketId === ticket.id).reduce((sum, t) => sum + t.TimeTaken, 0);
  }
}

/** Deterministic pseudo-random bytes, so seeded files have stable hashes. */
function seedBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed * 2_654_435_761 + 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}
