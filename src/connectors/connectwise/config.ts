// What an admin enters for a ConnectWise PSA account, and the per-account sync settings.
import { z } from "zod";

export const credentialsSchema = z.object({
  companyId: z.string().trim().min(1).describe("The company ID typed at the ConnectWise login screen (the short company name, not the display name)."),
  publicKey: z.string().trim().min(1).describe("Public key of the API member's key pair."),
  privateKey: z.string().trim().min(1).describe("Private key of the API member's key pair (shown once when the key is created)."),
  clientId: z.string().trim().min(1).describe("The integration's clientId GUID from developer.connectwise.com, sent as the `clientId` header on every call."),
});
export type ConnectWiseCredentials = z.infer<typeof credentialsSchema>;

export const settingsSchema = z.object({
  boardIds: z.array(z.number().int().positive()).default([]).describe("Service boards whose tickets are synced; empty means every board the API member can see."),
  pageSize: z.number().int().min(1).max(1000).default(200).describe("Tickets per page when listing changes (ConnectWise allows at most 1,000)."),
  timeoutMs: z.number().int().min(50).max(120_000).default(30_000).describe("How long one API call may take before it counts as a transient failure."),
  apiVersion: z.string().regex(/^\d{4}\.\d+$/).optional().describe("Pins the response shape with `Accept: application/vnd.connectwise.com+json; version=…` (e.g. 2025.16); omit to get the tenant's current version."),
});
export type ConnectWiseSettings = z.infer<typeof settingsSchema>;
