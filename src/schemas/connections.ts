// The shapes of a connection: its two sides and their settings, its field mappings, and the
// description builder. The API validates with these; the sync engine reads settings through
// them, so what an admin saves is exactly what a run obeys.
import { z } from "zod";
import { nameSchema } from "./common";

export const sideSchema = z.enum(["source", "target"]).describe("source: where tickets originate; target: where they are received.");

/** A field of the canonical ticket: `title`, `status`, `customFields.<id>`… */
export const canonicalFieldSchema = z
  .string()
  .regex(/^(title|description|status|priority|queue|company|assignee|requester|ticketType|customFields\.[^.]{1,100})$/, "must be a canonical ticket field")
  .describe(
    "title, description, status, priority, queue, company, assignee, requester, ticketType or customFields.<id>, where <id> is the custom field's " +
      "`id` in the side's picklists (GET /connections/{id}/picklists, customFields[].id): the key its platform uses (ConnectWise: the numeric id, " +
      "or type, subType, item; ServiceNow: the column name, u_… or category, subcategory; Request Tracker: the custom field's name). In mappings, " +
      "a display name is turned into that id when it names one field of the side's read picklists; a field the picklists lack is refused. " +
      "ticketType may be read, not written.",
  );

const ids = z.array(z.string().min(1).max(200)).max(500);

export const fieldFilterSchema = z.object({
  field: canonicalFieldSchema,
  operator: z.enum(["equals", "not_equals", "contains", "not_contains"]),
  value: z.string().max(500),
});

/** One side's settings; each organisation edits only its own side. */
export const sideSettingsSchema = z.object({
  defaults: z
    .object({
      companyId: z.string().optional(),
      queueId: z.string().optional().describe("Board, queue or assignment group for tickets created on this side."),
      ticketType: z.string().optional(),
      statusId: z.string().optional().describe("Status of tickets created on this side (required to receive tickets)."),
      priorityId: z.string().optional().describe("Priority of tickets created on this side (required to receive tickets)."),
      sourceId: z
        .string()
        .optional()
        .describe("Source of tickets created on this side (ConnectWise source, ServiceNow channel `contact_type`), from the picklists' `sources`. Refused for platforms without one (Request Tracker)."),
      ownerId: z.string().optional(),
      categoryId: z
        .string()
        .optional()
        .describe("Category of tickets created on this side (ConnectWise service type of the default board, ServiceNow `category`), from the picklists' `categories`. Refused for platforms without one (Request Tracker)."),
      fallbackContactId: z.string().optional().describe("Contact used when the requester's email matches nobody here."),
    })
    .default({}),
  filters: z
    .object({
      queueIds: ids.default([]).describe("Only tickets in these boards/queues/groups; empty means all."),
      ticketTypes: ids.default([]).describe("Only these ticket types; empty means all."),
      excludedStatusIds: ids.default([]).describe("Tickets in these statuses are not synced from this side."),
      field: fieldFilterSchema.optional().describe("An extra condition on one field."),
    })
    .default({ queueIds: [], ticketTypes: [], excludedStatusIds: [] }),
  comments: z
    .object({
      public: z.boolean().default(true).describe("Sync public comments from this side."),
      internal: z.boolean().default(false).describe("Sync internal comments from this side."),
      noteTypes: ids.default([]).describe("Which of this platform's note types count; empty means all of the enabled visibilities."),
      incomingPublicAs: z.string().optional().describe("Note type inbound public comments are written as here."),
      incomingInternalAs: z.string().optional().describe("Note type inbound internal comments are written as here."),
    })
    .default({ public: true, internal: false, noteTypes: [] }),
  attachments: z
    .object({
      enabled: z.boolean().default(true),
      maxBytes: z.number().int().positive().max(100 * 1024 * 1024).default(25 * 1024 * 1024),
      allowedTypes: z.array(z.string().max(100)).max(100).default([]).describe("MIME types or extensions (`image/*`, `.pdf`); empty means all."),
    })
    .default({ enabled: true, maxBytes: 25 * 1024 * 1024, allowedTypes: [] }),
  timeEntries: z
    .object({
      enabled: z.boolean().default(false),
      defaultMemberId: z.string().optional(),
      defaultWorkRoleId: z.string().optional(),
      carryNotes: z.boolean().default(true),
    })
    .default({ enabled: false, carryNotes: true }),
});
export type SideSettings = z.output<typeof sideSettingsSchema>;

/** Settings of the connection as a whole, agreed by both sides. */
export const connectionSettingsSchema = z.object({
  bidirectionalCreation: z
    .object({
      enabled: z.boolean().default(false).describe("Tickets created on the target create tickets on the source too."),
      filter: fieldFilterSchema.optional().describe("Only target tickets matching this condition."),
    })
    .default({ enabled: false }),
  description: z
    .object({
      fields: z.array(canonicalFieldSchema).max(30).default([]).describe("Source fields listed above the original description, in this order."),
      separator: z.string().max(200).default("----"),
    })
    .default({ fields: [], separator: "----" }),
  startDate: z.iso
    .date("must be a date (YYYY-MM-DD)")
    .refine((d) => d <= new Date().toISOString().slice(0, 10), "must not be in the future")
    .optional()
    .describe(
      "The connection's start (a UTC day): a side's first run, and every full resync, read tickets updated since this day. " +
        "Without it, the start of the connection's first run is used.",
    ),
  manualCooldownSeconds: z.number().int().min(0).max(86_400).default(60),
  alerts: z
    .object({
      emails: z.array(z.email()).max(20).default([]),
      webhookUrl: z.url().optional(),
    })
    .default({ emails: [] }),
});
export type ConnectionSettings = z.output<typeof connectionSettingsSchema>;

export const valuePairSchema = z.object({ sourceValue: z.string().min(1), targetValue: z.string().min(1) });

export const fieldMappingInputSchema = z.object({
  ticketType: z.string().min(1).max(100).default("*").describe("The source ticket type this applies to; `*` for all."),
  sourceField: canonicalFieldSchema,
  targetField: canonicalFieldSchema,
  direction: z.enum(["source_to_target", "target_to_source", "bidirectional"]),
  kind: z.enum(["direct", "value"]).describe("direct: copy the value; value: translate picklist values through the pairs."),
  conflictPolicy: z.enum(["source_wins", "target_wins", "latest_wins"]).default("latest_wins"),
  valuePairs: z.array(valuePairSchema).max(1000).default([]),
});
export type FieldMappingInput = z.output<typeof fieldMappingInputSchema>;

export const putMappingsSchema = z.object({ mappings: z.array(fieldMappingInputSchema).max(200) });

export const createConnectionSchema = z.object({
  name: nameSchema.describe("The contract's name, as both organisations will see it."),
  role: sideSchema.describe("Your side's role."),
  platformAccountId: z.string().min(1).describe("Your platform account for your side."),
  partnerAccountId: z
    .string()
    .min(1)
    .optional()
    .describe("For an internal connection: your other platform account, for the other side. No invitation is needed."),
});

export const acceptConnectionSchema = z.object({
  code: z.string().trim().min(6).max(64).describe("The verification code the partner gave you."),
  platformAccountId: z.string().min(1).describe("Your platform account for your side."),
});
