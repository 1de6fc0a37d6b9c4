// ConnectWise PSA callbacks: "when a record is saved within PSA, a summarized payload is sent to
// a specified location" (PSA Callbacks, developer.connectwise.com). Registered with
// `POST /system/callbacks`. Their `x-content-signature` is documented only in third-party code,
// so a callback is a hint: the URL carries our secret and the ticket is re-read by id.
import { z } from "zod";
import type { ConnectorWebhook } from "../contract";

/** The summarized payload: `Action` (added/updated/deleted), `Type` (ticket, company…), `ID`. */
const callbackSchema = z.looseObject({
  Action: z.string().max(50),
  Type: z.string().max(50),
  // A record id is a positive integer; as text, no longer than one (an id of 200,000 digits would
  // be carried to the run and into the platform's URL).
  ID: z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,15}$/, "must be a record id")]),
});

export const connectwiseWebhook: ConnectorWebhook = {
  ticketIds: callbackSchema.transform((callback) => (callback.Type.toLowerCase() === "ticket" ? [String(callback.ID)] : [])),
  setup: ({ url }) => ({
    steps: [
      "Register a callback with the same API member Lockstep uses (its keys are on this side's platform account): POST /system/callbacks on your ConnectWise API with the body below.",
      "level Board with objectId = a service board id sends that board's tickets; register one per synced board (or level Owner for every ticket).",
      "isSelfSuppressedFlag true keeps Lockstep's own writes from calling back.",
      "The URL holds the secret: keep it private. Each callback only tells Lockstep which ticket to re-read.",
    ],
    script: JSON.stringify(
      { url, type: "Ticket", level: "Board", objectId: 1, description: "Lockstep sync", inactiveFlag: false, isSelfSuppressedFlag: true, isSoapCallbackFlag: false },
      null,
      2,
    ),
  }),
};
