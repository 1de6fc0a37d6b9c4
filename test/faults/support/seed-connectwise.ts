// A ConnectWise backlog written straight into the simulator's store (1,000 HTTP creates would
// cost minutes and test nothing the fault suite is about): Service Desk tickets across every
// status and priority, each with three notes (the description, an internal note, a reply), one in
// ten with a document, one in three with time entries. Deterministic: ticket i is always the same.
import type { ConnectWiseStore, CwTicket } from "../../../src/simulators/connectwise/store";
import { cwTimestamp } from "../../../src/simulators/connectwise/store";
import { fileBytes } from "./bytes";

const BOARD = { id: 1, name: "Service Desk" };
const STATUSES = [11, 12, 13, 14, 15];

export function seedConnectWiseBacklog(store: ConnectWiseStore, count: number): void {
  store.tickets.clear();
  store.notes.splice(0);
  store.documents.clear();
  store.timeEntries.splice(0);
  // Spread over the last few days, oldest first, a few sharing one second as on a busy board.
  const start = Date.now() - 3 * 86_400_000;
  for (let i = 0; i < count; i++) {
    const status = store.statuses.find((s) => s.id === STATUSES[i % STATUSES.length])!;
    const priority = store.priorities[i % store.priorities.length]!;
    const contact = store.contacts[i % store.contacts.length]!;
    const owner = store.members[i % 2]!;
    const created = cwTimestamp(new Date(start + i * 60_000));
    const updated = cwTimestamp(new Date(start + i * 60_000 + (i % 7 === 0 ? 0 : 30_000)));
    const ticket: CwTicket = {
      id: store.nextId("ticket"),
      summary: `Fault suite ticket ${i + 1}: ${["printer", "VPN", "laptop", "mailbox", "backup"][i % 5]} trouble`,
      recordType: "ServiceTicket",
      board: { ...BOARD },
      status: { id: status.id, name: status.name },
      priority: { id: priority.id, name: priority.name },
      company: { ...contact.company },
      contact: { id: contact.id, name: `${contact.firstName} ${contact.lastName}` },
      contactName: `${contact.firstName} ${contact.lastName}`,
      contactEmailAddress: contact.communicationItems[0]!.value,
      owner: { id: owner.id, identifier: owner.identifier, name: `${owner.firstName} ${owner.lastName}` },
      type: { id: 101, name: "Incident" },
      initialDescription: `Reported by ${contact.firstName} (ticket ${i + 1}).`,
      closedFlag: status.closedStatus,
      ...(status.closedStatus ? { closedDate: updated, closedBy: owner.identifier } : {}),
      customFields: store.customFieldDefs.map((def) => ({ ...def })),
      _info: { lastUpdated: updated, updatedBy: owner.identifier, dateEntered: created, enteredBy: owner.identifier },
    };
    store.tickets.set(ticket.id, ticket);
    const note = (text: string, flags: { detail?: boolean; internal?: boolean; resolution?: boolean }, offsetMs: number) => {
      const at = cwTimestamp(new Date(Date.parse(created) + offsetMs));
      store.notes.push({
        id: store.nextId("note"), ticketId: ticket.id, text,
        detailDescriptionFlag: flags.detail ?? false, internalAnalysisFlag: flags.internal ?? false, resolutionFlag: flags.resolution ?? false,
        member: { ...ticket.owner! }, dateCreated: at, createdBy: owner.identifier, internalFlag: flags.internal ?? false, externalFlag: !flags.internal,
        _info: { lastUpdated: at, updatedBy: owner.identifier },
      });
    };
    note(ticket.initialDescription!, { detail: true }, 0);
    note(`Internal: checked the logs for ticket ${i + 1}.`, { internal: true }, 5_000);
    note(`Reply to the customer on ticket ${i + 1}.`, status.closedStatus ? { resolution: true } : { detail: true }, 10_000);
    if (i % 10 === 3) {
      const id = store.nextId("document");
      const bytes = fileBytes(i, 8_192 + (i % 4) * 12_288);
      const fileName = `capture-${i + 1}.bin`;
      store.documents.set(id, {
        recordType: "Ticket", recordId: ticket.id, bytes, contentType: "application/octet-stream",
        info: {
          id, title: fileName, fileName, serverFileName: `${id}-${fileName}`, owner: owner.identifier, linkFlag: false, imageFlag: false, publicFlag: false,
          readOnlyFlag: false, size: bytes.length, urlFlag: false, guid: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
          _info: { lastUpdated: created, updatedBy: owner.identifier, dateEntered: created },
        },
      });
    }
    for (let e = 0; e < (i % 3 === 0 ? 1 + (i % 2) : 0); e++) {
      const from = Date.parse(created) + (e + 1) * 3_600_000;
      const minutes = 15 * (1 + ((i + e) % 4));
      store.timeEntries.push({
        id: store.nextId("timeEntry"), company: { ...ticket.company }, chargeToId: ticket.id, chargeToType: "ServiceTicket",
        member: { id: owner.id, identifier: owner.identifier, name: `${owner.firstName} ${owner.lastName}` }, workRole: { id: 1, name: "Engineer" },
        timeStart: cwTimestamp(new Date(from)), timeEnd: cwTimestamp(new Date(from + minutes * 60_000)), actualHours: minutes / 60, billableOption: "Billable",
        notes: `Work session ${e + 1} on ticket ${i + 1}`, ticket: { id: ticket.id, summary: ticket.summary },
        _info: { lastUpdated: created, updatedBy: owner.identifier, dateEntered: created, enteredBy: owner.identifier },
      });
    }
  }
}
