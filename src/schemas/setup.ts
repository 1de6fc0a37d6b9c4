import { z } from "zod";
import { emailSchema, nameSchema, passwordSchema } from "./common";

export const setupSchema = z.object({
  organisation: z.object({ name: nameSchema }),
  owner: z.object({ name: nameSchema, email: emailSchema, password: passwordSchema }),
});

export const setupResultSchema = z.object({
  token: z.string().describe("An API token with the owner's rights. Shown once: store it now."),
  organisation: z.object({ id: z.string(), name: z.string() }),
  owner: z.object({ id: z.string(), name: z.string(), email: z.string() }),
});
