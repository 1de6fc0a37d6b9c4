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
import type { AuthStyleKind } from "./kit/auth";
import type { PagingStyle } from "./kit/paging";

/**
 * How a platform's pushed events are authenticated (checked by src/webhooks/verify.ts).
 * `hmac`: a MAC of the raw body (of timestamp + body where the platform signs a timestamp, as
 * Zendesk does) in a header, e.g. GitHub's `X-Hub-Signature-256: sha256=<hex>` or Autotask's
 * `X-Hook-Signature: sha1=<base64>`. `url-secret`: the platform signs nothing, so a per-side
 * secret rides in the URL and an event is only a hint: the ticket is re-read by id.
 */
export type WebhookScheme =
  | {
      kind: "hmac";
      algorithm: "SHA-256" | "SHA-1";
      signatureHeader: string;
      encoding: "hex" | "base64";
      /** Text before the MAC in the header, e.g. `sha256=`; empty when there is none. */
      prefix: string;
      /** The signed timestamp's header (epoch seconds or ISO-8601); null when none is signed. */
      timestampHeader: string | null;
      /** A header naming each delivery once, for the replay cache; null when there is none. */
      deliveryIdHeader: string | null;
    }
  | { kind: "url-secret" };

/** A platform's change events: parsed only once verified, and reduced to the tickets they name. */
export type ConnectorWebhook = {
  /** Parses an event body (JSON) into the ids of the tickets it names: none for events about
   * anything else (a company, a contact…). */
  ticketIds: z.ZodType<string[]>;
  /** What the admin does on the platform so it calls us, shown with the secret once. */
  setup(input: { url: string; secret: string }): { steps: string[]; script?: string };
};

export type CopyMarker = { where: string; visible: boolean };

/** The comment and attachment markers, the same on every platform (the engine writes them). */
export const SHARED_COPY_MARKERS = {
  comments: { where: "In the line the copy starts with: “<author> wrote on <date> (Lockstep ref cml_…):”, which also says who wrote it.", visible: true },
  attachments: { where: "None: a copied file is recognised by its name and content hash.", visible: false },
} as const satisfies Record<"comments" | "attachments", CopyMarker>;

/** Facts about a platform, as data (after Nango's provider files): used by engine, pages and DO. */
export type ConnectorFacts = {
  key: string;
  label: string;
  /** The kit's auth styles the platform's credentials use (src/connectors/kit/auth.ts). */
  auth: readonly AuthStyleKind[];
  /** How the platform pages its lists (src/connectors/kit/paging.ts), and its largest page. */
  paging: { style: PagingStyle; maxPageSize: number };
  /**
   * The published or assumed request budget. `enforced`: the platform publishes it as a hard
   * budget per account (Autotask suspends an integration above it), so runs are paced to it
   * across connections; otherwise the figures are a guide and the platform's 429s pace the run.
   */
  rateLimit: { requests: number; perSeconds: number; concurrency: number; enforced: boolean; source: string };
  /** Largest attachment the platform takes, in bytes (null: no documented limit). */
  maxAttachmentBytes: number | null;
  /** `timeEntryMember` / `timeEntryWorkRole`: a time entry written here takes the member (work
   * role) given; where not, the side's default member (work role) would do nothing, so it is refused. */
  supports: { timeEntries: boolean; partnerReference: boolean; originalTimestamps: boolean; timeEntryMember: boolean; timeEntryWorkRole: boolean };
  /**
   * Where Lockstep's marker on each kind of copy it writes lives (how it recognises its own
   * copies, so a copy whose answer was lost is never written twice), in the admin's words, and
   * whether the platform's users see it. A platform with a field people do not read keeps it
   * there; one without keeps it short, at the end of the text.
   */
  copyMarkers: Record<"comments" | "attachments" | "timeEntries", CopyMarker>;
  /** The platform's field behind the side defaults `sourceId`, `categoryId` and `companyId` (for
   * people: help text and refusals); null where the platform has no such field, so the default
   * (and, for the company, a mapping that writes it) is refused. */
  ticketDefaults: { sourceId: string | null; categoryId: string | null; companyId: string | null };
  /**
   * Where the partner reference (the other side's ticket id, which makes creates idempotent)
   * lives. `native`: a field the platform keeps for it (named for people); `chosen-field`: the
   * platform has none, so the admin picks one of its custom fields in the account's settings (the
   * setting's key is named), and `findByPartnerReference` searches that field.
   */
  partnerReferenceField: { kind: "native"; field: string } | { kind: "chosen-field"; setting: string };
  /**
   * What a status belongs to: `global` (one list), `queue` (per board: ConnectWise), or
   * `ticket-type` (per project and issue type: Jira). Picklist statuses carry the queue or ticket
   * type they belong to; a status mapping is checked against the scope of the ticket it writes.
   */
  statusScope: "global" | "queue" | "ticket-type";
  /**
   * How a file is added. `standalone`: on its own (uploadAttachment). `with-comment`: only as part
   * of a comment (Zendesk, Freshservice): uploadAttachment posts one comment, private where the
   * platform allows, whose text names the file and carries the copy marker, so the sync recognises
   * it and never copies it back as a comment.
   */
  attachmentUpload: "standalone" | "with-comment";
  /** How the platform's change events prove they are genuine; null: it pushes nothing. */
  webhooks: WebhookScheme | null;
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
  /**
   * The port for credentials the platform rotates (a refresh token replaced on each use): the
   * connector calls it with the whole new credentials, and the caller re-encrypts and stores them
   * on the account before the old ones stop working. Absent: nothing rotates here (tests).
   */
  credentialsRotated?: (next: Credentials) => Promise<void>;
};

export type ChangedPage = {
  tickets: Ticket[];
  /** Tickets the page listed but whose details (read with further calls) could not be read just
   * now: left out of `tickets`, and re-read by id on the next run. A page is not thrown away for
   * one ticket's passing failure. */
  unread?: string[];
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

/** One thing Test connection checked beyond the credentials. `failed`: syncs would lose data
 * (say what to change); `warning`: it could not be checked (say why and what it means). */
export type AccountCheck = { name: string; status: "ok" | "warning" | "failed"; message: string };

export interface ConnectorClient {
  /** Proves the credentials work and the account can read tickets; returns who we are there, and
   * any further checks made (such as whether the user may write what the sync writes). */
  testConnection(): Promise<{ identity: string; checks?: AccountCheck[] }>;
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
  /** Posts a comment. The answer's id may be the write's own rather than one `listComments` will
   * show (ServiceNow answers a journal write with the incident only): the sync recognises its
   * copies by the reference in their text, not by this id alone. */
  addComment(ticketId: string, ticketType: string, comment: CommentWrite): Promise<Comment>;
  listAttachments(ticketId: string, ticketType: string): Promise<Attachment[]>;
  downloadAttachment(ticketId: string, ticketType: string, attachment: Attachment): Promise<AttachmentDownload>;
  uploadAttachment(ticketId: string, ticketType: string, file: AttachmentUpload): Promise<Attachment>;
  /** Present only where the platform has time entries (`facts.supports.timeEntries`). */
  listTimeEntries?(ticketId: string, ticketType: string): Promise<TimeEntry[]>;
  addTimeEntry?(ticketId: string, ticketType: string, entry: TimeEntryWrite): Promise<TimeEntry>;
  findContactByEmail(email: string): Promise<Person | null>;
}

export interface Connector<Credentials = unknown, Settings = unknown> {
  facts: ConnectorFacts;
  credentialsSchema: z.ZodType<Credentials>;
  settingsSchema: z.ZodType<Settings>;
  /** Present where `facts.webhooks` is set: how its events are read once verified. */
  webhook?: ConnectorWebhook;
  create(context: ConnectorContext<Credentials, Settings>): ConnectorClient;
}
