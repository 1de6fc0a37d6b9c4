import { z } from "zod";

export const roleSchema = z.enum(["owner", "admin", "viewer"]).describe(
  "owner: everything, including owners; admin: manage integrations, users and tokens; viewer: read only.",
);

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email("must be an email address"));

export const passwordSchema = z
  .string()
  .min(10, "must be at least 10 characters")
  .max(256, "must be at most 256 characters");

export const nameSchema = z.string().trim().min(1, "is required").max(200, "must be at most 200 characters");

export const idParamSchema = z.object({ id: z.string().min(1).max(64) });
