// The contract every platform implements. The sync engine only ever holds a `ConnectorClient`,
// so it never names a vendor. A connector gets `fetch` as a dependency: tests hand it one
// that reaches the simulators, production the global one.
import type { z } from "zod";
import type {
  Attachment,
  Comment,
  CommentWrite,
  Person,
  Picklists,
  Ticket,
  TicketWrite,
  TimeEntry,
  TimeEntryWrite,
} from "./canonical";
import type { FetchLike } from "./http-client";

/** Facts about a platform, as data (after Nango's provider files): used by engine, pages and DO. */
export type ConnectorFacts = {
  key: string;
  label: string;
  authStyles: string[];
  pagination: "page" | "offset" | "cursor" | "forward-only";
  maxPageSize: number;
  /** The published or assumed request budget, for the Durable Object's pacing. */
  rateLimit: { requests: number; perSeconds: number; concurrency: number; source: string };
  /** Largest attachment the platform takes, in bytes (null: no documented limit). */
  maxAttachmentBytes: number | null;
  supports: { timeEntries: boolean; webhooks: "signed" | "unsigned" | "none"; partnerReference: boolean; originalTimestamps: boolean };
  /** The platform's note types and whether each is visible to the customer. */
  noteTypes: readonly { id: string; name: string; public: boolean }[];
  /** Help for the account form: where each credential is found. */
  credentialHelp: Record<string, string>;
  /** The platform's own page for a ticket, for links in run details. */
  ticketUrl: (baseUrl: string, ticket: { id: string; ticketType: string; number: string }) => string;
};

export type ConnectorConfig<Credentials, Settings> = {
  baseUrl: string;
  credentials: Credentials;
  settings: Settings;
};

export type ConnectorContext<Credentials, Settings> = {
  fetch: FetchLike;
  config: ConnectorConfig<Credentials, Settings>;
  /** The vendor's clock is authoritative for cursors; this is ours, for tests to pin. */
  now?: () => Date;
};

export type ChangedPage = {
  tickets: Ticket[];
  /** Opaque; pass back to get the next page. Null: this was the last page. */
  nextCursor: string | null;
};

export type ListChangedArgs = {
  /** UTC ISO-8601: tickets updated at or after this instant (the engine subtracts its overlap). */
  since: string;
  cursor: string | null;
  ticketType: string;
  pageSize?: number;
};

export type AttachmentUpload = {
  fileName: string;
  contentType: string;
  size: number;
  /** Streamed: a file is never held whole in memory unless the vendor's API forces it. */
  body: ReadableStream<Uint8Array>;
  createdAt?: string;
};

export type AttachmentDownload = { body: ReadableStream<Uint8Array>; contentType: string; size: number | null };

export type WebhookEvent = { ticketId: string; ticketType: string | null; deliveryId: string | null; signedAt: string | null };

export type WebhookRequest = { headers: Headers; rawBody: Uint8Array; secrets: string[] };

export interface ConnectorClient {
  /** Proves the credentials work and the account can read tickets; returns who we are there. */
  testConnection(): Promise<{ identity: string }>;
  discover(): Promise<Picklists>;
  /** The ticket types a sync lists changes for on this account (its settings decide). */
  syncedTicketTypes(): string[];
  listChanged(args: ListChangedArgs): Promise<ChangedPage>;
  getTicket(id: string, ticketType: string): Promise<Ticket>;
  createTicket(ticketType: string, fields: TicketWrite): Promise<Ticket>;
  /** Writes only the fields given. */
  updateTicket(id: string, ticketType: string, changes: TicketWrite): Promise<Ticket>;
  /** Finds the ticket that carries this partner reference, for idempotent creates. */
  findByPartnerReference(ticketType: string, reference: string): Promise<Ticket | null>;
  listComments(ticketId: string, ticketType: string): Promise<Comment[]>;
  addComment(ticketId: string, ticketType: string, comment: CommentWrite): Promise<Comment>;
  listAttachments(ticketId: string, ticketType: string): Promise<Attachment[]>;
  downloadAttachment(ticketId: string, ticketType: string, attachment: Attachment): Promise<AttachmentDownload>;
  uploadAttachment(ticketId: string, ticketType: string, file: AttachmentUpload): Promise<Attachment>;
  /** Present only where the platform has time entries (`facts.supports.timeEntries`). */
  listTimeEntries?(ticketId: string, ticketType: string): Promise<TimeEntry[]>;
  addTimeEntry?(ticketId: string, ticketType: string, entry: TimeEntryWrite): Promise<TimeEntry>;
  findContactByEmail(email: string): Promise<Person | null>;
  /** Present only where the platform pushes events; verify before parsing. */
  verifyWebhook?(request: WebhookRequest): Promise<boolean>;
  parseWebhook?(request: WebhookRequest): WebhookEvent[];
}

export interface Connector<Credentials = unknown, Settings = unknown> {
  facts: ConnectorFacts;
  credentialsSchema: z.ZodType<Credentials>;
  settingsSchema: z.ZodType<Settings>;
  create(context: ConnectorContext<Credentials, Settings>): ConnectorClient;
}
