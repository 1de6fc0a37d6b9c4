// In-memory state of the simulated RT 5 instance: users, queues, ticket custom fields, tickets,
// transactions (the ticket history) and attachments (message parts and files, bytes kept).
// Times are epoch seconds, as RT stores them at one-second resolution.
import { ArrayIndex } from "../array-index";

export type RtUser = { id: number; Name: string; EmailAddress: string; RealName: string; Privileged: boolean; Disabled: boolean };
export type RtQueue = { id: number; Name: string; Description: string; Lifecycle: string; Disabled: boolean };
export type RtCustomField = { id: number; Name: string; Type: "Freeform" | "Select"; MaxValues: number; Description: string; Values: string[] };
export type RtTicket = {
  id: number;
  Queue: number;
  Subject: string;
  Status: string;
  Owner: number;
  Priority: number;
  InitialPriority: number;
  FinalPriority: number;
  TimeWorked: number;
  TimeEstimated: number;
  Created: number;
  LastUpdated: number;
  LastUpdatedBy: number;
  Creator: number;
  Resolved: number;
  Requestors: number[];
  /** Custom field id → values (multi-value fields keep several). */
  CustomFields: Record<number, string[]>;
};
export type RtTransaction = {
  id: number;
  ticketId: number;
  Type: string;
  Created: number;
  Creator: number;
  TimeTaken: number;
  Field: string;
  OldValue: string;
  NewValue: string;
};
export type RtAttachment = {
  id: number;
  transactionId: number;
  Parent: number;
  Subject: string;
  Filename: string;
  ContentType: string;
  Content: Uint8Array;
  Created: number;
  Creator: number;
};

/** RT's default lifecycle (etc/RT_Config.pm.in `%Lifecycles`): active and inactive statuses. */
export const DEFAULT_LIFECYCLE = { initial: ["new"], active: ["open", "stalled"], inactive: ["resolved", "rejected", "deleted"] };
export const DEFAULT_LIFECYCLE_STATUSES = [...DEFAULT_LIFECYCLE.initial, ...DEFAULT_LIFECYCLE.active, ...DEFAULT_LIFECYCLE.inactive];

export class RequestTrackerStore {
  users: RtUser[] = [];
  queues: RtQueue[] = [];
  customFields: RtCustomField[] = [];
  tickets: RtTicket[] = [];
  transactions: RtTransaction[] = [];
  attachments: RtAttachment[] = [];
  /** JSON bodies of every write, for tests that assert exactly what was sent. */
  readonly writeBodies: { method: string; path: string; body: unknown }[] = [];
  private nextIds = { user: 100, ticket: 1, transaction: 1, attachment: 1, queue: 10, cf: 1 };

  constructor(readonly clock: () => number = () => Math.floor(Date.now() / 1000)) {}

  now(): number {
    return this.clock();
  }

  nextId(kind: keyof RequestTrackerStore["nextIds"]): number {
    return this.nextIds[kind]++;
  }

  addUser(user: Omit<RtUser, "id"> & { id?: number }): RtUser {
    const record = { ...user, id: user.id ?? this.nextId("user") };
    this.users.push(record);
    return record;
  }

  userByKey(key: string | number): RtUser | undefined {
    const text = String(key);
    if (/^\d+$/.test(text)) return this.users.find((u) => u.id === Number(text));
    return this.users.find((u) => u.Name === text) ?? this.users.find((u) => u.EmailAddress.toLowerCase() === text.toLowerCase());
  }

  /** RT's LoadOrCreateByEmail: an unknown requestor address becomes an unprivileged user named by it. */
  userForEmail(email: string): RtUser {
    return this.userByKey(email) ?? this.addUser({ Name: email, EmailAddress: email, RealName: "", Privileged: false, Disabled: false });
  }

  queueByKey(key: string | number): RtQueue | undefined {
    const text = String(key);
    return /^\d+$/.test(text) ? this.queues.find((q) => q.id === Number(text)) : this.queues.find((q) => q.Name === text);
  }

  customFieldByKey(key: string | number): RtCustomField | undefined {
    const text = String(key);
    return /^\d+$/.test(text) ? this.customFields.find((cf) => cf.id === Number(text)) : this.customFields.find((cf) => cf.Name === text);
  }

  private readonly ticketById = new ArrayIndex(() => this.tickets, (t) => t.id);
  private readonly transactionById = new ArrayIndex(() => this.transactions, (t) => t.id);
  private readonly transactionsByTicket = new ArrayIndex(() => this.transactions, (t) => t.ticketId);
  private readonly attachmentById = new ArrayIndex(() => this.attachments, (a) => a.id);
  private readonly attachmentsByTransaction = new ArrayIndex(() => this.attachments, (a) => a.transactionId);

  ticket(id: number): RtTicket | undefined {
    return this.ticketById.get(id)[0];
  }

  transaction(id: number): RtTransaction | undefined {
    return this.transactionById.get(id)[0];
  }

  /** A ticket's transactions, in the order they were recorded. */
  transactionsOf(ticketId: number): RtTransaction[] {
    return this.transactionsByTicket.get(ticketId);
  }

  attachment(id: number): RtAttachment | undefined {
    return this.attachmentById.get(id)[0];
  }

  attachmentsOf(transactionId: number): RtAttachment[] {
    return this.attachmentsByTransaction.get(transactionId);
  }

  addTransaction(txn: Omit<RtTransaction, "id" | "Field" | "OldValue" | "NewValue" | "TimeTaken"> & Partial<RtTransaction>): RtTransaction {
    const record: RtTransaction = { Field: "", OldValue: "", NewValue: "", TimeTaken: 0, ...txn, id: this.nextId("transaction") };
    this.transactions.push(record);
    return record;
  }

  addAttachment(att: Omit<RtAttachment, "id">): RtAttachment {
    const record = { ...att, id: this.nextId("attachment") };
    this.attachments.push(record);
    return record;
  }

  /** Records a message (create, comment, correspond) as RT does: text part, plus a multipart wrapper when files come along. */
  addMessage(txn: RtTransaction, message: { subject: string; content: string | null; contentType: string; files: { name: string; type: string; bytes: Uint8Array }[] }): void {
    const base = { transactionId: txn.id, Created: txn.Created, Creator: txn.Creator, Filename: "", Subject: "" };
    const text = new TextEncoder().encode(message.content ?? "");
    if (message.files.length === 0) {
      this.addAttachment({ ...base, Parent: 0, Subject: message.subject, ContentType: message.contentType, Content: text });
      return;
    }
    const wrapper = this.addAttachment({ ...base, Parent: 0, Subject: message.subject, ContentType: "multipart/mixed", Content: new Uint8Array() });
    // With no body RT still stores an empty part typed application/octet-stream (t/rest2/attachments.t).
    this.addAttachment({ ...base, Parent: wrapper.id, ContentType: message.content === null ? "application/octet-stream" : message.contentType, Content: text });
    for (const file of message.files) this.addAttachment({ ...base, Parent: wrapper.id, Filename: file.name, ContentType: file.type, Content: file.bytes });
  }

  touch(ticket: RtTicket, userId: number): void {
    ticket.LastUpdated = this.now();
    ticket.LastUpdatedBy = userId;
  }
}
