import { z } from "zod";

export const deletionPreviewSchema = z.object({
  organisation: z.object({ id: z.string(), name: z.string() }),
  users: z.number().int().describe("Users deleted with it, you included."),
  apiTokens: z.number().int(),
  platformAccounts: z.number().int().describe("Accounts whose encrypted credentials are destroyed."),
  connections: z
    .array(z.object({ id: z.string(), name: z.string(), partner: z.string().nullable().describe("The partner organisation, told that the connection ended.") }))
    .describe("Connections deleted with it, with their links and history, for the partner too."),
});

export const deleteOrganisationSchema = z.object({
  confirm: z.string().max(200).describe("The organisation's name, typed again."),
});
