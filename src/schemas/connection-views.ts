// What the connection routes answer, and the inputs src/schemas/connections.ts does not cover
// (edits, link creation, the preview). The services return exactly these shapes.
import { z } from "zod";
import { ticketSchema } from "../connectors/canonical";
import { pageQuerySchema } from "../lib/pagination";
import { fitsLikePattern, SEARCH_MAX_CHARACTERS, SEARCH_TOO_LONG } from "../lib/like-pattern";
import { nameSchema } from "./common";
import { connectionSettingsSchema, fieldMappingInputSchema, sideSchema, sideSettingsSchema, valuePairSchema } from "./connections";

export const connectionStatusSchema = z.enum(["pending", "active", "paused"]);

export const connectionSideViewSchema = z.object({
  side: sideSchema,
  mine: z.boolean().describe("This side belongs to your organisation."),
  organisation: z.string().nullable().describe("The name of the organisation on this side; null until the partner accepts."),
  platform: z.string().nullable().describe("The platform kind of this side's account, e.g. `servicenow`."),
  account: z.object({ id: z.string(), name: z.string() }).nullable().describe("Your platform account; only shown on your own side(s)."),
  settings: sideSettingsSchema.nullable().describe("This side's settings; only shown on your own side(s)."),
});
export type ConnectionSideView = z.infer<typeof connectionSideViewSchema>;

export const connectionViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: connectionStatusSchema,
  internal: z.boolean().describe("Both sides are accounts of one organisation."),
  createdByYou: z.boolean(),
  invitationExpiresAt: z.string().nullable().describe("When the verification code expires (pending connections, creator only)."),
  settings: connectionSettingsSchema,
  automaticEnabled: z.boolean(),
  initialSyncCompletedAt: z.string().nullable(),
  endedAt: z.string().nullable().describe("When an organisation left the connection: nothing syncs any more; links and history stay readable."),
  sides: z.array(connectionSideViewSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConnectionView = z.infer<typeof connectionViewSchema>;

export const createdConnectionSchema = connectionViewSchema.extend({
  verificationCode: z
    .string()
    .nullable()
    .describe("Give this to your partner; it is shown only now and expires in 7 days. Null for an internal connection."),
});

export const listConnectionsQuerySchema = pageQuerySchema.extend({ status: connectionStatusSchema.optional() });

const partialObject = z.record(z.string(), z.unknown());

export const updateConnectionSchema = z.object({
  name: nameSchema.optional(),
  settings: partialObject
    .optional()
    .describe("Connection settings to change, merged into the current ones (objects merge, arrays replace, null removes a key)."),
  side: z
    .object({
      side: sideSchema.optional().describe("Which side; needed only for an internal connection, where both are yours."),
      settings: partialObject.describe("Your side's settings to change, merged like `settings`."),
    })
    .optional(),
});
export type UpdateConnectionInput = z.infer<typeof updateConnectionSchema>;

export const fieldMappingViewSchema = fieldMappingInputSchema.extend({
  id: z.string(),
  position: z.number().int(),
  unpaired: z
    .object({ source: z.array(z.string()), target: z.array(z.string()) })
    .nullable()
    .describe(
      "For value mappings of status, priority, queue or a select custom field once both sides' picklists are cached: values that have no pair, " +
        "on each side the mapping reads from. Null when it does not apply or the picklists are not cached yet.",
    ),
  problems: z
    .array(z.string())
    .default([])
    .describe("Why the mapping cannot apply as the platforms now stand (a custom field no longer listed): its tickets fail with field_not_found."),
  valuePairs: z.array(valuePairSchema),
});
export type FieldMappingView = z.infer<typeof fieldMappingViewSchema>;
export const mappingsViewSchema = z.object({ mappings: z.array(fieldMappingViewSchema) });

export const descriptionPreviewSchema = z.object({
  ticket: ticketSchema.partial().optional().describe("A sample ticket; fields left out are empty. Without it, a built-in realistic sample is used."),
  description: connectionSettingsSchema.shape.description
    .unwrap()
    .optional()
    .describe("The description settings to preview (unsaved choices); without it, the connection's saved ones."),
});

const ticketIdSchema = z.string().trim().min(1).max(200);

export const createLinkSchema = z.object({
  sourceTicketId: ticketIdSchema.describe("The ticket's id on the source platform."),
  targetTicketId: ticketIdSchema.describe("The ticket's id on the target platform."),
  sourceNumber: ticketIdSchema.optional(),
  targetNumber: ticketIdSchema.optional(),
});
export type CreateLinkInput = z.infer<typeof createLinkSchema>;

export const linkStateSchema = z.enum(["creating", "linked", "unlinked"]);

/** Search text for links; capped so its LIKE pattern fits D1's limit (see like-pattern.ts). */
export const linkSearchSchema = z
  .string()
  .trim()
  .min(1)
  .max(SEARCH_MAX_CHARACTERS, SEARCH_TOO_LONG)
  .refine(fitsLikePattern, SEARCH_TOO_LONG)
  .describe(`Part of a ticket id or number on either side; at most ${SEARCH_MAX_CHARACTERS} characters.`);

export const listLinksQuerySchema = pageQuerySchema.extend({
  q: linkSearchSchema.optional(),
  state: linkStateSchema.optional(),
});

export const ticketLinkViewSchema = z.object({
  id: z.string(),
  connectionId: z.string(),
  sourceTicketId: z.string().nullable(),
  targetTicketId: z.string().nullable(),
  sourceNumber: z.string().nullable(),
  targetNumber: z.string().nullable(),
  originSide: sideSchema,
  state: linkStateSchema.describe("linked: kept in step; unlinked: kept for history, no longer synced; creating: a create is in flight."),
  lastSyncedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TicketLinkView = z.infer<typeof ticketLinkViewSchema>;

export const bulkLinkSchema = z.object({
  matchBy: z.literal("partner_reference").describe("The field both platforms share: each ticket's partner reference holds the other's number."),
  since: z.iso.datetime().describe("Only tickets updated since then (UTC), on both sides."),
});
export const bulkLinkResultSchema = z.object({ linked: z.number(), alreadyLinked: z.number(), unmatched: z.number().describe("Source tickets no target ticket names.") });
export type BulkLinkResult = z.infer<typeof bulkLinkResultSchema>;
