// zod schemas for the REST2 answers Lockstep parses (shapes from lib/RT/REST2/Util.pm
// serialize_record/expand_uid and Resource/Collection.pm). Ids are text or numbers depending on
// the database driver, so both are accepted and read as text.
import { z } from "zod";

const id = z.union([z.string(), z.number()]).transform(String);
/** Numbers come as JSON numbers or numeric strings; "" when the user may not see the field. */
const numeric = z.union([z.number(), z.string()]).transform((v) => (v === "" ? 0 : Number(v)));

export const recordRefSchema = z.object({ type: z.string(), id, _url: z.string() });
export const userRefSchema = recordRefSchema.extend({
  Name: z.string().optional(),
  EmailAddress: z.string().optional(),
  RealName: z.string().optional(),
});
export type RtUserRef = z.output<typeof userRefSchema>;

export const customFieldValueSchema = recordRefSchema.extend({
  name: z.string(),
  // Image/Binary custom fields give `{content_type, filename, _url}` objects.
  values: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
});

/** A ticket from `GET /tickets?fields=…` with the sub-fields Lockstep asks for. */
export const rtTicketSchema = z.looseObject({
  id,
  Subject: z.string(),
  Status: z.string(),
  Queue: recordRefSchema.extend({ Name: z.string().optional() }),
  Owner: userRefSchema,
  Priority: numeric,
  Created: z.string(),
  LastUpdated: z.string(),
  LastUpdatedBy: userRefSchema,
  Requestor: z.array(userRefSchema),
  CustomFields: z.array(customFieldValueSchema),
});
export type RtTicket = z.output<typeof rtTicketSchema>;

export function collectionSchema<T extends z.ZodType>(item: T) {
  return z.object({
    count: z.number(),
    page: z.number(),
    per_page: z.number(),
    // Null when rights hide the count (REST2 POD "Paging"); follow next_page instead.
    total: z.number().nullable().optional(),
    pages: z.number().nullable().optional(),
    items: z.array(item),
    next_page: z.string().optional(),
    prev_page: z.string().optional(),
  });
}

export const createdSchema = recordRefSchema;
export const messagesSchema = z.array(z.string());

export const transactionSchema = z.looseObject({
  id,
  Type: z.string(),
  Created: z.string(),
  Creator: userRefSchema,
  TimeTaken: numeric,
});
export type RtTransaction = z.output<typeof transactionSchema>;

export const attachmentItemSchema = z.looseObject({
  id,
  Filename: z.string().nullable().optional(),
  ContentType: z.string(),
  Content: z.string().nullable().optional(),
  ContentLength: numeric.optional(),
  Created: z.string().optional(),
  TransactionId: z.union([recordRefSchema, id]).optional(),
});
export type RtAttachmentItem = z.output<typeof attachmentItemSchema>;

export const attachmentRecordSchema = z.looseObject({
  id,
  Filename: z.string().nullable(),
  ContentType: z.string(),
  /** Base64 of the bytes. */
  Content: z.string(),
});

export const userItemSchema = recordRefSchema.extend({
  Name: z.string(),
  EmailAddress: z.string().nullable(),
  RealName: z.string().nullable(),
  Privileged: z.union([z.number(), z.string()]).optional(),
});
export const userRecordSchema = z.looseObject({ id, Name: z.string(), RealName: z.string().nullable().optional(), EmailAddress: z.string().nullable().optional() });

export const queueItemSchema = recordRefSchema.extend({ Name: z.string(), Description: z.string().nullable().optional(), Lifecycle: z.string().nullable().optional() });
export const customFieldItemSchema = recordRefSchema.extend({ Name: z.string(), Type: z.string(), MaxValues: numeric.optional() });
/** `Values` is the list of value names (Resource/CustomField.pm serialize maps each to its name). */
export const customFieldRecordSchema = z.looseObject({ id, Name: z.string(), Type: z.string(), Values: z.array(z.string()).optional() });
