import { z } from "zod";
import { emailSchema, nameSchema, passwordSchema, roleSchema } from "./common";

export const invitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: roleSchema,
    invitedBy: z.string().describe("Email of the owner or admin who invited."),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: "Invitation" });

export const createInvitationSchema = z.object({
  email: emailSchema,
  role: roleSchema.describe("The role the teammate will have; at most your own."),
});

export const newInvitationSchema = z.object({
  invitation: invitationSchema,
  url: z.string().describe("The one-time link for the invitee. Shown once; only its hash is stored."),
  emailed: z.boolean().describe("Whether the link was also emailed (only where the install has the email binding and a sender)."),
});

export const acceptInvitationSchema = z.object({
  token: z.string().min(1).max(128).describe("The last part of the invitation link."),
  name: nameSchema,
  password: passwordSchema.describe("At least 10 characters and not easy to guess (zxcvbn score 3 or more)."),
});

export const acceptedInvitationSchema = z.object({
  token: z.string().describe("An API token with the new user's rights. Shown once: store it now."),
  organisation: z.object({ id: z.string(), name: z.string() }),
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), role: roleSchema }),
});
