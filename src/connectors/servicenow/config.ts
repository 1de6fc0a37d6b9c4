// What an admin enters for a ServiceNow account (credentials, encrypted at rest) and how the
// connector behaves on that instance (settings). Defaults follow a baseline instance.
import { z } from "zod";

export const basicCredentialsSchema = z.object({
  authType: z.literal("basic").describe("HTTP Basic authentication with a ServiceNow user."),
  username: z.string().min(1).describe("User ID (user_name) of the integration user."),
  password: z.string().min(1).describe("That user's password."),
});

export const oauthCredentialsSchema = z.object({
  authType: z.literal("oauth_client_credentials").describe("OAuth 2.0 client credentials grant against /oauth_token.do."),
  clientId: z.string().min(1).describe("Client ID of the OAuth application registry entry."),
  clientSecret: z.string().min(1).describe("Client secret of that entry."),
});

export const credentialsSchema = z
  .discriminatedUnion("authType", [basicCredentialsSchema, oauthCredentialsSchema])
  .describe("How Lockstep signs in to the instance.");
export type ServiceNowCredentials = z.infer<typeof credentialsSchema>;

/** The tables Lockstep knows how to sync; ticketType is the table name. */
export const KNOWN_TABLES = ["incident", "problem", "sc_task", "task", "sn_customerservice_case"] as const;

const choiceValue = z.string().regex(/^-?\d+$/, "a stored choice value such as 1");

/**
 * Baseline "Priority Lookup Rules" (dl_u_priority): incident priority is computed from impact ×
 * urgency, so writing `priority` directly is overwritten. Lockstep writes the pair listed here.
 */
export const DEFAULT_PRIORITY_MATRIX: Record<string, { impact: string; urgency: string }> = {
  "1": { impact: "1", urgency: "1" },
  "2": { impact: "1", urgency: "2" },
  "3": { impact: "2", urgency: "2" },
  "4": { impact: "2", urgency: "3" },
  "5": { impact: "3", urgency: "3" },
};

/** Baseline states that end a ticket, per table (incident 6 Resolved, 7 Closed, 8 Canceled…). */
export const DEFAULT_CLOSED_STATES: Record<string, string[]> = {
  incident: ["6", "7", "8"],
  problem: ["106", "107"],
  sc_task: ["3", "4", "7"],
  task: ["3", "4", "7"],
  sn_customerservice_case: ["3", "6", "7"],
};

export const settingsSchema = z.object({
  ticketTypes: z
    .array(z.enum(KNOWN_TABLES))
    .min(1)
    .default(["incident"])
    .describe("Tables synced on this instance; discover reads statuses and priorities of these tables."),
  priorityMatrix: z
    .record(choiceValue, z.object({
      impact: choiceValue.describe("Stored impact value (1 High, 2 Medium, 3 Low)."),
      urgency: choiceValue.describe("Stored urgency value (1 High, 2 Medium, 3 Low)."),
    }))
    .default(DEFAULT_PRIORITY_MATRIX)
    .describe("Impact and urgency written for each priority, where priority is computed from them."),
  computedPriorityTables: z
    .array(z.string())
    .default(["incident", "problem"])
    .describe("Tables whose priority is computed from impact × urgency; other tables get `priority` written directly."),
  closedStates: z
    .record(z.string(), z.array(choiceValue))
    .default(DEFAULT_CLOSED_STATES)
    .describe("State values that count as closed, per table."),
  closeFields: z
    .record(z.string(), z.object({
      states: z.array(choiceValue).describe("States whose data policy needs the fields below."),
      fields: z.record(z.string(), z.string()).describe("Field values written with such a state unless the write sets them."),
    }))
    .default({ incident: { states: ["6", "7"], fields: { close_code: "Solution provided", close_notes: "Resolved by the partner; closed through Lockstep." } } })
    .describe("Mandatory resolution fields supplied when a sync resolves or closes a ticket."),
  timeoutMs: z.number().int().min(50).max(120_000).default(30_000).describe("Per-request timeout in milliseconds."),
});
export type ServiceNowSettings = z.infer<typeof settingsSchema>;
