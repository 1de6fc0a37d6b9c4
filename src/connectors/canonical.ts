// The canonical model: the only shapes the sync engine sees. Each connector maps its vendor's
// records to these and back. Whatever a platform has that the model lacks goes into `extra`,
// never dropped, so a round trip through the model loses nothing.
import { z } from "zod";

/** A value picked from a platform picklist: the platform's stable id and its display name. */
export const refSchema = z.object({
  id: z.string().describe("The platform's identifier (a number as text, a sys_id, or a name where the platform keys by name)."),
  name: z.string().describe("Display name, for people and for matching by name."),
});
export type Ref = z.infer<typeof refSchema>;

export const personSchema = z.object({
  id: z.string().nullable().describe("The platform's contact/user id, when known."),
  name: z.string().nullable(),
  email: z.string().nullable(),
});
export type Person = z.infer<typeof personSchema>;

export const customValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const extraSchema = z.record(z.string(), z.unknown()).describe("Vendor fields the model has no place for, kept verbatim.");

export const ticketSchema = z.object({
  id: z.string().describe("The platform's ticket id (RT id, ConnectWise id, ServiceNow sys_id)."),
  number: z.string().describe("The number people quote (INC0010001, #1234)."),
  ticketType: z.string().describe("Ticket type (ServiceNow table, or the platform's single type, e.g. `ticket`)."),
  title: z.string(),
  description: z.string().describe("Plain text."),
  status: refSchema.nullable(),
  priority: refSchema.nullable(),
  requester: personSchema.nullable(),
  company: refSchema.nullable(),
  queue: refSchema.nullable().describe("Board, queue or assignment group."),
  assignee: refSchema.nullable(),
  customFields: z.record(z.string(), customValueSchema),
  partnerReference: z.string().nullable().describe("The partner's ticket number, where the platform has a field for it."),
  createdAt: z.string().describe("UTC ISO-8601."),
  updatedAt: z.string().describe("UTC ISO-8601."),
  updatedBy: z.string().nullable().describe("Who last changed it (login or id), to ignore our own writes."),
  closed: z.boolean(),
  extra: extraSchema,
});
export type Ticket = z.infer<typeof ticketSchema>;

/**
 * What a sync writes to a ticket: every field optional, present means "set this". Reference
 * fields are given by id (the value-mapping step has already translated them).
 */
export const ticketWriteSchema = z.object({
  title: z.string().optional(),
  description: z.string().optional(),
  statusId: z.string().optional(),
  priorityId: z.string().optional(),
  queueId: z.string().optional(),
  companyId: z.string().optional(),
  assigneeId: z.string().optional(),
  /** A matched contact's id, or (no match) name and email for the display fields. */
  requester: personSchema.optional(),
  customFields: z.record(z.string(), customValueSchema).optional(),
  partnerReference: z.string().optional(),
  /** Where the ticket came from (ConnectWise source, ServiceNow channel), where the platform has one. */
  sourceId: z.string().optional(),
  /** The ticket's category (ConnectWise service type, ServiceNow category), where the platform has one. */
  categoryId: z.string().optional(),
  extra: extraSchema.optional(),
});
export type TicketWrite = z.infer<typeof ticketWriteSchema>;

export const commentSchema = z.object({
  id: z.string(),
  body: z.string(),
  format: z.enum(["text", "html"]),
  public: z.boolean().describe("Visible to the customer/requester (discussion, correspond, comments) or internal."),
  /** The platform's own note kind (`discussion`, `internal`, `resolution`, `comments`, `work_notes`, `correspond`, `comment`). */
  kind: z.string(),
  author: personSchema.nullable(),
  createdAt: z.string(),
  extra: extraSchema,
});
export type Comment = z.infer<typeof commentSchema>;

export const commentWriteSchema = z.object({
  body: z.string(),
  format: z.enum(["text", "html"]),
  public: z.boolean(),
  /** The note kind to write as (one of the connector's `noteTypes`), when the admin chose one. */
  kind: z.string().optional(),
});
export type CommentWrite = z.infer<typeof commentWriteSchema>;

export const attachmentSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  size: z.number().int().nonnegative().nullable(),
  contentType: z.string(),
  createdAt: z.string(),
  extra: extraSchema,
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const timeEntrySchema = z.object({
  id: z.string(),
  start: z.string().describe("UTC ISO-8601."),
  minutes: z.number().int().nonnegative(),
  member: personSchema.nullable(),
  workRole: refSchema.nullable(),
  notes: z.string().describe("What the person wrote, without any copy marker the connector keeps in the same field."),
  reference: z
    .string()
    .nullable()
    .describe("The copy marker written with the entry (Lockstep's id of the record it copies), read back from wherever the connector keeps it (facts.copyMarkers); null on entries that are not Lockstep's copies."),
  extra: extraSchema,
});
export type TimeEntry = z.infer<typeof timeEntrySchema>;

export const timeEntryWriteSchema = z.object({
  start: z.string(),
  minutes: z.number().int().positive(),
  memberId: z.string().nullable(),
  workRoleId: z.string().nullable(),
  notes: z.string(),
  reference: z.string().nullish().describe("The copy marker to keep with the entry, where the platform's users do not read it if it has such a place; read back as TimeEntry.reference."),
});
export type TimeEntryWrite = z.infer<typeof timeEntryWriteSchema>;

export const statusOptionSchema = refSchema.extend({
  queueId: z.string().nullable().describe("Statuses per board (ConnectWise); null where statuses are global."),
  ticketTypeId: z.string().nullish().describe("Statuses per ticket type (a Jira project's issue type: facts.statusScope `ticket-type`); absent elsewhere."),
  closed: z.boolean().describe("Choosing it closes the ticket."),
});

export const customFieldDefSchema = z.object({
  id: z.string().describe("The key the connector uses in `Ticket.customFields`, and what mappings store as `customFields.<id>`."),
  name: z.string(),
  type: z.enum(["text", "number", "boolean", "date", "select"]),
  options: z.array(z.string()).optional().describe("The values a select field takes, as stored."),
  /** Where a select's stored values are ids (ConnectWise service types), their names for people. */
  choices: z.array(refSchema).optional(),
});

/** Everything `discover` finds: the values admins pick from in the settings and mappings. */
export const picklistsSchema = z.object({
  queues: z.array(refSchema),
  statuses: z.array(statusOptionSchema),
  priorities: z.array(refSchema),
  ticketTypes: z.array(refSchema),
  companies: z.array(refSchema),
  noteTypes: z.array(refSchema.extend({ public: z.boolean() })),
  customFields: z.array(customFieldDefSchema),
  members: z.array(refSchema),
  workRoles: z.array(refSchema),
  /** Ticket sources (ConnectWise) or channels (ServiceNow contact_type): `defaults.sourceId`. Empty where the platform has none. */
  sources: z.array(refSchema).default([]),
  /** Ticket categories (ConnectWise service types, ServiceNow categories): `defaults.categoryId`. */
  categories: z.array(refSchema).default([]),
});
export type Picklists = z.infer<typeof picklistsSchema>;
