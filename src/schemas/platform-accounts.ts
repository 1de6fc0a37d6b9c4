import { z } from "zod";
import { nameSchema } from "./common";
import { platformKeys } from "../connectors/registry";

export const platformSchema = z.enum(platformKeys).describe("Which platform: a key of the connector registry.");

export const platformAccountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    platform: platformSchema,
    baseUrl: z.string(),
    settings: z.record(z.string(), z.unknown()),
    credentialsSet: z.array(z.string()).describe("Names of the credential fields that hold a value. The values are never returned."),
    lastTest: z.object({ ok: z.boolean(), message: z.string(), at: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "PlatformAccount" });

export const createPlatformAccountSchema = z.object({
  name: nameSchema,
  platform: platformSchema,
  baseUrl: z.string().min(1).max(2000).describe("The platform's base URL (https)."),
  credentials: z.record(z.string(), z.unknown()).describe("As the platform's credentials schema says; write-only."),
  settings: z.record(z.string(), z.unknown()).default({}),
});

export const updatePlatformAccountSchema = z.object({
  name: nameSchema.optional(),
  baseUrl: z.string().min(1).max(2000).optional(),
  credentials: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Only the fields to replace; absent or empty fields keep their stored value."),
  settings: z.record(z.string(), z.unknown()).optional(),
});

export const testResultSchema = z.object({
  ok: z.boolean(),
  message: z.string().describe("`Connection tested`, `Connection tested, with a warning: <what could not be checked>` or `Test failed: <reason>`."),
  identity: z.string().nullable(),
  at: z.string(),
  checks: z
    .array(
      z.object({
        name: z.string().describe("What was checked, e.g. `journal_write` (ServiceNow: the user may write comments and work_notes)."),
        status: z.enum(["ok", "warning", "failed"]).describe("`failed`: syncs would lose data, and the test fails; `warning`: it could not be checked."),
        message: z.string(),
      }),
    )
    .describe("Checks beyond the credentials, where the platform needs them."),
});
