import { z } from "zod";
import { emailSchema, nameSchema, passwordSchema, roleSchema } from "./common";

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

export const createUserSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  role: roleSchema,
  password: passwordSchema.describe("Initial password; the user can change it later."),
});

export const updateUserSchema = z
  .object({
    name: nameSchema.optional(),
    role: roleSchema.optional(),
    password: passwordSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to change");

export type UserView = z.infer<typeof userSchema>;
