import { z } from "zod";
import { setupResultSchema, setupSchema } from "./setup";

export const signupSchema = setupSchema.extend({
  code: z
    .string()
    .trim()
    .max(64)
    .optional()
    .describe("A pending connection's verification code (required unless the install's SIGNUP is `open`)."),
});

export const signupResultSchema = setupResultSchema.extend({
  invitation: z
    .object({
      connectionName: z.string(),
      invitedBy: z.string().describe("The inviting organisation's name."),
      partnerSide: z.enum(["source", "target"]).describe("The side your organisation will hold once it accepts."),
      expiresAt: z.string(),
    })
    .nullable()
    .describe("The connection the code invites to: accept it with one of your platform accounts (POST /connections/accept)."),
});
