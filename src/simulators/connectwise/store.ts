// In-memory state of one simulated ConnectWise PSA tenant, in the vendor's own record shapes
// (camelCase, references as `{ id, name }`, absent values omitted as ConnectWise omits nulls).
import { ArrayIndex } from "../array-index";

export type CwRef = { id: number; name?: string; identifier?: string };
export type CwCustomField = {
  id: number;
  caption: string;
  type: "Text" | "Number" | "Checkbox" | "Date" | "TextArea";
  entryMethod: "EntryField" | "List" | "Option";
  numberOfDecimals: number;
  value?: string | number | boolean | null;
};
export type CwInfo = { lastUpdated: string; updatedBy: string; dateEntered?: string; enteredBy?: string };

export type CwTicket = {
  id: number;
  summary: string;
  recordType: "ServiceTicket";
  board: CwRef;
  status: CwRef;
  priority?: CwRef;
  company: CwRef;
  contact?: CwRef;
  contactName?: string;
  contactEmailAddress?: string;
  owner?: CwRef;
  type?: CwRef;
  subType?: CwRef;
  item?: CwRef;
  source?: CwRef;
  severity?: "Low" | "Medium" | "High";
  impact?: "Low" | "Medium" | "High";
  externalXRef?: string;
  initialDescription?: string;
  closedFlag: boolean;
  closedDate?: string;
  closedBy?: string;
  customFields: CwCustomField[];
  _info: Required<CwInfo>;
};

export type CwBoard = { id: number; name: string; locationId: number; businessUnitId: number; inactiveFlag: boolean };
export type CwStatus = { id: number; name: string; board: CwRef; sortOrder: number; displayOnBoard: boolean; inactive: boolean; closedStatus: boolean; defaultFlag: boolean };
export type CwType = { id: number; name: string; board: CwRef; category: "Reactive" | "Proactive"; defaultFlag: boolean; inactiveFlag: boolean };
/** Subtypes and items, like types, belong to a board. */
export type CwBoardEntry = { id: number; name: string; board: CwRef; inactiveFlag: boolean };
export type CwSource = { id: number; name: string; defaultFlag: boolean };
export type CwPriority = { id: number; name: string; color: string; sortOrder: number; defaultFlag: boolean };
export type CwCompany = { id: number; identifier: string; name: string };
export type CwCommunicationItem = { id: number; type: CwRef; value: string; defaultFlag: boolean; communicationType: "Email" | "Phone" | "Fax" };
export type CwContact = { id: number; firstName: string; lastName: string; company: CwRef; inactiveFlag: boolean; communicationItems: CwCommunicationItem[] };
export type CwMember = { id: number; identifier: string; firstName: string; lastName: string; primaryEmail: string; inactiveFlag: boolean };
export type CwWorkRole = { id: number; name: string; hourlyRate: number; inactiveFlag: boolean };
export type CwNote = {
  id: number;
  ticketId: number;
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  member?: CwRef;
  contact?: CwRef;
  dateCreated: string;
  createdBy: string;
  internalFlag: boolean;
  externalFlag: boolean;
  _info: CwInfo;
};
export type CwDocument = {
  id: number;
  title: string;
  fileName: string;
  serverFileName: string;
  owner: string;
  linkFlag: boolean;
  imageFlag: boolean;
  publicFlag: boolean;
  readOnlyFlag: boolean;
  size: number;
  urlFlag: boolean;
  guid: string;
  _info: CwInfo;
};
export type CwStoredDocument = { info: CwDocument; recordType: string; recordId: number; bytes: Uint8Array; contentType: string };
export type CwTimeEntry = {
  id: number;
  company: CwRef;
  chargeToId: number;
  chargeToType: "ServiceTicket";
  member: CwRef;
  workRole?: CwRef;
  timeStart: string;
  timeEnd: string;
  actualHours: number;
  billableOption: "Billable" | "DoNotBill" | "NoCharge" | "NoDefault";
  notes: string;
  /** Seen by the MSP's members only (the Internal Notes tab), never on invoices or the portal. */
  internalNotes?: string;
  ticket: CwRef & { summary?: string };
  _info: Required<CwInfo>;
};

/** ConnectWise timestamps: UTC, whole seconds, `Z` suffix. */
export function cwTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class ConnectWiseStore {
  tickets = new Map<number, CwTicket>();
  notes: CwNote[] = [];
  documents = new Map<number, CwStoredDocument>();
  timeEntries: CwTimeEntry[] = [];
  boards: CwBoard[] = [];
  statuses: CwStatus[] = [];
  types: CwType[] = [];
  subTypes: CwBoardEntry[] = [];
  items: CwBoardEntry[] = [];
  sources: CwSource[] = [];
  priorities: CwPriority[] = [];
  companies: CwCompany[] = [];
  contacts: CwContact[] = [];
  members: CwMember[] = [];
  workRoles: CwWorkRole[] = [];
  /** The ticket custom field definitions; every ticket carries all of them (value absent when unset). */
  customFieldDefs: Omit<CwCustomField, "value">[] = [];
  private nextIds = { ticket: 1000, note: 5000, document: 9000, timeEntry: 7000 };
  private readonly notesByTicket = new ArrayIndex(() => this.notes, (n) => n.ticketId);

  /** A ticket's notes, in the order they were written. */
  notesOf(ticketId: number): CwNote[] {
    return this.notesByTicket.get(ticketId);
  }

  nextId(kind: keyof ConnectWiseStore["nextIds"]): number {
    return this.nextIds[kind]++;
  }

  board(id: number): CwBoard | undefined {
    return this.boards.find((b) => b.id === id);
  }

  status(boardId: number, statusId: number): CwStatus | undefined {
    return this.statuses.find((s) => s.board.id === boardId && s.id === statusId);
  }
}
