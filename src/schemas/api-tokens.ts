import { z } from "zod";
import { nameSchema, roleSchema } from "./common";

export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    prefix: z.string().describe("The token's first characters, to tell tokens apart."),
    createdBy: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiToken" });

export const createApiTokenSchema = z.object({
  name: nameSchema,
  role: roleSchema.default("admin").describe("At most the creator's own role."),
});

export const createdApiTokenSchema = apiTokenSchema.extend({
  token: z.string().describe("The token itself. Shown once: it cannot be read again."),
});
