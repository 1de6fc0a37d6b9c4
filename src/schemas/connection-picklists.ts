// What GET /connections/:id/picklists answers: each side's picklists, or why they are missing.
import { z } from "zod";
import { picklistsSchema } from "../connectors/canonical";
import { sideSchema } from "./connections";

const sideBase = {
  side: sideSchema,
  mine: z.boolean().describe("This side belongs to your organisation."),
  platform: z.string().nullable(),
};

export const sidePicklistsSchema = z.discriminatedUnion("state", [
  z.object({ ...sideBase, state: z.literal("ready"), picklists: picklistsSchema, fetchedAt: z.string() }),
  z.object({ ...sideBase, state: z.literal("waiting"), reason: z.string().describe("Why there is nothing to read yet (the partner has not accepted).") }),
  z.object({ ...sideBase, state: z.literal("failed"), reason: z.string().describe("Why the platform could not be read, in words a person can act on.") }),
]);
export type SidePicklists = z.infer<typeof sidePicklistsSchema>;

export const connectionPicklistsSchema = z.object({ source: sidePicklistsSchema, target: sidePicklistsSchema });
