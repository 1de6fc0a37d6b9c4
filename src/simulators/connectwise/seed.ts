// A deterministic, realistic tenant: three boards with their own statuses and types, four
// priorities, customer companies with contacts, members and work roles, and 36 tickets spread
// over every board, status and priority, with notes, some documents and some time entries.
// No randomness: the same seed gives the same tenant every run.
import { ConnectWiseStore, cwTimestamp, type CwCustomField, type CwStatus, type CwTicket } from "./store";
import type { SeedTime } from "../seed-time";

/** The fixed seed time tests rely on: a ticket every 37 minutes from 2024-03-01 08:00 UTC. */
export const CONNECTWISE_SEED_TIME: SeedTime = { start: Date.parse("2024-03-01T08:00:00Z"), stepMinutes: 37 };

function status(id: number, name: string, board: { id: number; name: string }, sortOrder: number, closed: boolean): CwStatus {
  return { id, name, board: { id: board.id, name: board.name }, sortOrder, displayOnBoard: true, inactive: false, closedStatus: closed, defaultFlag: sortOrder === 0 };
}

const SUMMARIES = [
  "Outlook keeps asking for password", "VPN drops every 10 minutes", "New starter laptop setup", "Printer on 3rd floor jammed",
  "Firewall alert: repeated login failures", "Backup job failed on FS01", "Request: add user to Finance share", "Invoice shows wrong agreement",
  "Teams calls choppy in meeting room", "Disk space low on SQL02", "MFA reset for mobile change", "Wi-Fi guest portal down",
];

export function seedConnectWise(store: ConnectWiseStore, time: SeedTime = CONNECTWISE_SEED_TIME): ConnectWiseStore {
  const minutes = (n: number) => cwTimestamp(new Date(time.start + n * 60_000));
  const step = time.stepMinutes;
  const serviceDesk = { id: 1, name: "Service Desk" };
  const noc = { id: 2, name: "Network Operations" };
  const finance = { id: 3, name: "Finance Requests" };
  store.boards = [serviceDesk, noc, finance].map((b) => ({ ...b, locationId: 2, businessUnitId: 10, inactiveFlag: false }));
  store.statuses = [
    status(11, "New", serviceDesk, 0, false), status(12, "In Progress", serviceDesk, 1, false), status(13, "Waiting on Customer", serviceDesk, 2, false),
    status(14, "Resolved", serviceDesk, 3, true), status(15, "Closed", serviceDesk, 4, true),
    status(21, "New", noc, 0, false), status(22, "Investigating", noc, 1, false), status(23, "Closed", noc, 2, true),
    status(31, "New", finance, 0, false), status(32, "Closed", finance, 1, true),
  ];
  store.types = [
    { id: 101, name: "Incident", board: serviceDesk, category: "Reactive", defaultFlag: true, inactiveFlag: false },
    { id: 102, name: "Service Request", board: serviceDesk, category: "Proactive", defaultFlag: false, inactiveFlag: false },
    { id: 201, name: "Alert", board: noc, category: "Reactive", defaultFlag: true, inactiveFlag: false },
    { id: 202, name: "Outage", board: noc, category: "Reactive", defaultFlag: false, inactiveFlag: false },
    { id: 301, name: "Billing", board: finance, category: "Proactive", defaultFlag: true, inactiveFlag: false },
  ];
  store.subTypes = [
    { id: 1101, name: "Email", board: serviceDesk, inactiveFlag: false },
    { id: 1102, name: "Hardware", board: serviceDesk, inactiveFlag: false },
    { id: 2101, name: "Network", board: noc, inactiveFlag: false },
  ];
  store.items = [
    { id: 1201, name: "Laptop", board: serviceDesk, inactiveFlag: false },
    { id: 1202, name: "Mailbox", board: serviceDesk, inactiveFlag: false },
  ];
  store.sources = [
    { id: 1, name: "Email", defaultFlag: false },
    { id: 2, name: "Phone", defaultFlag: true },
    { id: 3, name: "Portal", defaultFlag: false },
    { id: 4, name: "Monitoring", defaultFlag: false },
  ];
  store.priorities = [
    { id: 1, name: "Priority 1 - Critical", color: "Red", sortOrder: 1, defaultFlag: false },
    { id: 2, name: "Priority 2 - High", color: "Orange", sortOrder: 2, defaultFlag: false },
    { id: 3, name: "Priority 3 - Normal", color: "Green", sortOrder: 3, defaultFlag: true },
    { id: 4, name: "Priority 4 - Low", color: "Blue", sortOrder: 4, defaultFlag: false },
  ];
  store.companies = [
    { id: 250, identifier: "AcmeCorp", name: "Acme Corporation" },
    { id: 251, identifier: "Globex", name: "Globex Industries" },
    { id: 252, identifier: "Initech", name: "Initech Ltd" },
    { id: 19300, identifier: "YourCompany", name: "Bright Sky IT (MSP)" },
  ];
  const people = [
    ["Ada", "Lovelace", 250], ["Grace", "Hopper", 250], ["Hank", "Scorpio", 251], ["Mona", "Lisa", 251], ["Peter", "Gibbons", 252], ["Samir", "Nagheenanajar", 252],
  ] as const;
  store.contacts = people.map(([first, last, companyId], i) => {
    const company = store.companies.find((c) => c.id === companyId)!;
    const domain = company.identifier.toLowerCase() + ".example";
    return {
      id: 300 + i, firstName: first, lastName: last, company: { id: company.id, identifier: company.identifier, name: company.name }, inactiveFlag: false,
      communicationItems: [
        { id: 900 + i * 2, type: { id: 1, name: "Email" }, value: `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`, defaultFlag: true, communicationType: "Email" },
        { id: 901 + i * 2, type: { id: 2, name: "Direct" }, value: `+1 555 01${String(i).padStart(2, "0")}`, defaultFlag: true, communicationType: "Phone" },
      ],
    };
  });
  store.members = [
    { id: 140, identifier: "jsmith", firstName: "John", lastName: "Smith", primaryEmail: "jsmith@brightsky.example", inactiveFlag: false },
    { id: 141, identifier: "amorgan", firstName: "Alex", lastName: "Morgan", primaryEmail: "amorgan@brightsky.example", inactiveFlag: false },
    { id: 142, identifier: "lockstep-api", firstName: "Lockstep", lastName: "Integration", primaryEmail: "lockstep@brightsky.example", inactiveFlag: false },
  ];
  store.workRoles = [
    { id: 1, name: "Engineer", hourlyRate: 120, inactiveFlag: false },
    { id: 2, name: "Senior Engineer", hourlyRate: 160, inactiveFlag: false },
    { id: 3, name: "Project Manager", hourlyRate: 140, inactiveFlag: false },
  ];
  store.customFieldDefs = [
    { id: 1, caption: "Site Code", type: "Text", entryMethod: "EntryField", numberOfDecimals: 0 },
    { id: 2, caption: "Hours Cap", type: "Number", entryMethod: "EntryField", numberOfDecimals: 1 },
    { id: 3, caption: "VIP", type: "Checkbox", entryMethod: "EntryField", numberOfDecimals: 0 },
  ];

  for (let i = 0; i < 36; i++) {
    const board = store.boards[i % 3]!;
    const boardStatuses = store.statuses.filter((s) => s.board.id === board.id);
    const st = boardStatuses[Math.floor(i / 3) % boardStatuses.length]!;
    const contact = store.contacts[i % store.contacts.length]!;
    const type = store.types.filter((t) => t.board.id === board.id)[i % 2] ?? store.types.find((t) => t.board.id === board.id)!;
    const owner = store.members[i % 2]!;
    const created = minutes(i * step);
    const updated = minutes(i * step + 90);
    const email = contact.communicationItems[0]!.value;
    const customFields: CwCustomField[] = store.customFieldDefs.map((def) => ({
      ...def,
      ...(def.id === 1 && i % 2 === 0 ? { value: `SITE-${100 + i}` } : {}),
      ...(def.id === 2 && i % 3 === 0 ? { value: 4 + (i % 5) * 0.5 } : {}),
      ...(def.id === 3 ? { value: i % 4 === 0 } : {}),
    }));
    const ticket: CwTicket = {
      id: 100 + i,
      summary: `${SUMMARIES[i % SUMMARIES.length]}${i >= SUMMARIES.length ? ` (#${Math.floor(i / SUMMARIES.length) + 1})` : ""}`,
      recordType: "ServiceTicket",
      board: { id: board.id, name: board.name },
      status: { id: st.id, name: st.name },
      priority: { id: store.priorities[i % 4]!.id, name: store.priorities[i % 4]!.name },
      company: { ...contact.company },
      contact: { id: contact.id, name: `${contact.firstName} ${contact.lastName}` },
      contactName: `${contact.firstName} ${contact.lastName}`,
      contactEmailAddress: email,
      owner: { id: owner.id, identifier: owner.identifier, name: `${owner.firstName} ${owner.lastName}` },
      type: { id: type.id, name: type.name },
      severity: (["Low", "Medium", "High"] as const)[i % 3],
      impact: (["Medium", "Low", "High"] as const)[i % 3],
      ...(i % 6 === 5 ? { externalXRef: `INC00${10000 + i}` } : {}),
      initialDescription: `Reported by ${contact.firstName}: ${SUMMARIES[i % SUMMARIES.length]!.toLowerCase()}.`,
      closedFlag: st.closedStatus,
      ...(st.closedStatus ? { closedDate: updated, closedBy: owner.identifier } : {}),
      customFields,
      _info: { lastUpdated: updated, updatedBy: owner.identifier, dateEntered: created, enteredBy: owner.identifier },
    };
    store.tickets.set(ticket.id, ticket);
    store.notes.push({
      id: store.nextId("note"), ticketId: ticket.id, text: ticket.initialDescription!, detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false,
      contact: { ...ticket.contact! }, dateCreated: created, createdBy: owner.identifier, internalFlag: false, externalFlag: true, _info: { lastUpdated: created, updatedBy: owner.identifier },
    });
    if (i % 2 === 0) {
      store.notes.push({
        id: store.nextId("note"), ticketId: ticket.id, text: "Checked event logs; escalating to tier 2.", detailDescriptionFlag: false, internalAnalysisFlag: true, resolutionFlag: false,
        member: { ...ticket.owner! }, dateCreated: minutes(i * step + 30), createdBy: owner.identifier, internalFlag: true, externalFlag: false, _info: { lastUpdated: minutes(i * step + 30), updatedBy: owner.identifier },
      });
    }
    if (st.closedStatus) {
      store.notes.push({
        id: store.nextId("note"), ticketId: ticket.id, text: "Resolved: root cause fixed and confirmed with the customer.", detailDescriptionFlag: false, internalAnalysisFlag: false, resolutionFlag: true,
        member: { ...ticket.owner! }, dateCreated: updated, createdBy: owner.identifier, internalFlag: false, externalFlag: true, _info: { lastUpdated: updated, updatedBy: owner.identifier },
      });
    }
    if (i % 5 === 0) {
      const id = store.nextId("document");
      const text = `Log excerpt for ticket ${ticket.id}\nline 2\n`;
      const bytes = new TextEncoder().encode(text);
      store.documents.set(id, {
        recordType: "Ticket", recordId: ticket.id, bytes, contentType: "text/plain",
        info: { id, title: `log-${ticket.id}.txt`, fileName: `log-${ticket.id}.txt`, serverFileName: `${id}-log.txt`, owner: owner.identifier, linkFlag: false, imageFlag: false, publicFlag: false,
          readOnlyFlag: false, size: bytes.length, urlFlag: false, guid: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`, _info: { lastUpdated: created, updatedBy: owner.identifier, dateEntered: created } },
      });
    }
    if (i % 4 === 0) {
      store.timeEntries.push({
        id: store.nextId("timeEntry"), company: { ...ticket.company }, chargeToId: ticket.id, chargeToType: "ServiceTicket", member: { id: owner.id, identifier: owner.identifier, name: `${owner.firstName} ${owner.lastName}` },
        workRole: { id: 1, name: "Engineer" }, timeStart: minutes(i * step + 10), timeEnd: minutes(i * step + 55), actualHours: 0.75, billableOption: "Billable", notes: "Remote session with user.",
        ticket: { id: ticket.id, summary: ticket.summary }, _info: { lastUpdated: minutes(i * step + 55), updatedBy: owner.identifier, dateEntered: minutes(i * step + 55), enteredBy: owner.identifier },
      });
    }
  }
  return store;
}

/** A fresh store with the seed applied. */
export function seededConnectWiseStore(time?: SeedTime): ConnectWiseStore {
  return seedConnectWise(new ConnectWiseStore(), time);
}
