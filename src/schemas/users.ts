import { z } from "zod";
import { nameSchema, passwordSchema, roleSchema } from "./common";

export const userSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: roleSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "User" });

export const updateUserSchema = z
  .object({
    name: nameSchema.optional(),
    role: roleSchema.optional(),
    // Named so that a client sending it learns why, rather than seeing it silently dropped.
    password: z
      .undefined({ error: "another user's password is never set: make a one-time link with POST /users/{id}/password-reset" })
      .optional()
      .describe("Not accepted: see `POST /users/{id}/password-reset` and `POST /account/password`."),
  })
  .refine((v) => v.name !== undefined || v.role !== undefined, "nothing to change");

export const changeOwnPasswordSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema.describe("At least 10 characters and not easy to guess (zxcvbn score 3 or more)."),
});

export const passwordChangeSchema = z.object({
  tokensRevoked: z.number().int().describe("How many of your API tokens were revoked; your other sessions were ended too."),
});

export const resetLinkSchema = z.object({
  url: z.string().describe("The one-time link to hand to the user. Shown once; only its hash is stored."),
  expiresAt: z.string(),
  emailed: z.boolean().describe("Whether the link was also emailed to the user (only where the install has the email binding and a sender)."),
});

export type UserView = z.infer<typeof userSchema>;
