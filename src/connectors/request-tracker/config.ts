// What an admin enters for an RT 5 connection: an auth token (RT::Authen::Token) or a user name
// and password (HTTP Basic), and how RT's local choices map to Lockstep.
import { z } from "zod";

const username = z.string().min(1).describe("The RT user name (Name) of the integration user, e.g. `lockstep`.");

export const credentialsSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("token").describe("Authenticate with `Authorization: token …`."),
    token: z.string().min(1).describe("An RT auth token, e.g. `1-20-abc…`."),
    username: username.describe("The RT user the token belongs to: shown as the identity and used to recognise Lockstep's own changes."),
  }),
  z.object({
    kind: z.literal("basic").describe("Authenticate with HTTP Basic (not possible when the user must use MFA)."),
    username,
    password: z.string().min(1).describe("That user's RT password."),
  }),
]);
export type Credentials = z.infer<typeof credentialsSchema>;

export const priorityLevelSchema = z.object({
  name: z.string().min(1).describe("The name people see, e.g. `High`."),
  value: z.number().int().min(0).describe("The numeric RT priority the name stands for; tickets at or above it (and below the next level) show this name."),
});

export const settingsSchema = z.object({
  queues: z.array(z.string().min(1)).default([]).describe("Queue names to sync; empty means every queue the integration user can see."),
  partnerReferenceField: z.string().min(1).default("Partner Reference").describe("Name of the ticket custom field (Freeform, single value) that holds the partner's ticket number."),
  priorities: z.array(priorityLevelSchema).default([{ name: "Low", value: 0 }, { name: "Medium", value: 50 }, { name: "High", value: 100 }])
    .describe("Named priority levels (RT 5 `%PriorityAsString` defaults: Low 0, Medium 50, High 100). Empty: raw numbers are used as names."),
  extraStatuses: z.array(z.object({
    name: z.string().min(1).describe("Status name in a custom lifecycle."),
    closed: z.boolean().describe("True for the lifecycle's inactive statuses."),
  })).default([]).describe("Statuses of custom lifecycles; REST2 in RT 5.0 does not publish lifecycles, the default one is built in."),
  maxAttachmentBytes: z.number().int().positive().default(10 * 1024 * 1024).describe("Largest file sent to RT; RT's `$MaxAttachmentSize` defaults to 10 MiB."),
  timeoutMs: z.number().int().positive().default(30_000).describe("How long one call to RT may take, in milliseconds."),
});
export type Settings = z.output<typeof settingsSchema>;
