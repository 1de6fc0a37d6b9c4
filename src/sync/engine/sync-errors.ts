// The sync error codes an admin sees on a run item, each with what it means and what to do.
// The run detail page and the API show the advice next to the vendor's own message.
import type { ConnectorErrorKind } from "../../connectors/errors";

export const SYNC_ERRORS = {
  value_not_mapped: {
    meaning: "A picklist value on this ticket has no pair in the field mapping, so Lockstep cannot tell what it should be on the other side.",
    advice: "Open the connection's field mappings, add a pair for the value named in the message, then retry the ticket.",
  },
  missing_default: {
    meaning: "A ticket could not be created because a required default (such as status or priority) is not set for the receiving side.",
    advice: "Set the named default in the receiving side's settings, then retry.",
  },
  auth_failed: {
    meaning: "The platform refused the credentials.",
    advice: "Update the platform account's credentials and use Test connection; runs resume on their own.",
  },
  permission_denied: {
    meaning: "The integration user may not read or change this ticket, board, queue or table.",
    advice: "Give the integration user access to it on the platform, or narrow the connection's filters.",
  },
  not_found: {
    meaning: "The ticket (or something it refers to) no longer exists on the platform, or is hidden from the integration user.",
    advice: "Check that the ticket still exists; unlink the pair if it was deleted on purpose.",
  },
  validation_failed: {
    meaning: "The platform refused the change; its message says why (a required field, a status not allowed on that board…).",
    advice: "Fix the mapping or default named in the platform's message, then retry.",
  },
  rate_limited: {
    meaning: "The platform asked Lockstep to slow down.",
    advice: "Nothing to do: Lockstep retries after the time the platform asked for.",
  },
  platform_unavailable: {
    meaning: "The platform did not answer, or answered with a server error.",
    advice: "Usually passes by itself; the next run retries. If it lasts, check the platform's status page and the base URL.",
  },
  invalid_response: {
    meaning: "The platform answered in a shape Lockstep does not expect.",
    advice: "Check the base URL points at the platform's API; if it does, report the run id to support.",
  },
  comment_not_stored: {
    meaning: "The platform accepted a comment copy but did not keep it: it was sent twice and is still not on the ticket. ServiceNow does this when the integration user may not write the journal field (comments or work_notes): it answers success and drops the field.",
    advice: "Use Test connection on the receiving platform account: it names the role or ACL missing. Give the integration user write access to that field, then run a full resync of the connection to send the comment again.",
  },
  attachment_not_stored: {
    meaning: "The platform accepted a file upload but did not keep it: it was uploaded twice and is still not on the ticket.",
    advice: "Check that the integration user may add attachments to the ticket (and that no rule removes them), then run a full resync of the connection to upload it again.",
  },
  time_entry_not_stored: {
    meaning: "The platform accepted a time entry but did not keep it: it was sent twice and is still not on the ticket.",
    advice: "Check that the integration user may log time on the ticket (and that no rule removes the entry), then run a full resync of the connection to send it again.",
  },
  internal_error: {
    meaning: "Something failed inside Lockstep.",
    advice: "Retry the ticket; if it fails again, report the run id to support.",
  },
  field_not_found: {
    meaning: "A field mapping names a field this side's platform does not have (a custom field deleted, or made for another platform) or cannot write (the ticket type), so the value would go nowhere.",
    advice: "Refresh the platform data on the Mappings page, then edit the mapping named in the message to a field the platform lists (or delete it), and retry.",
  },
  field_not_stored: {
    meaning: "The platform accepted the write but did not keep a field's value (it ignores fields the integration user may not write, read-only fields, or values a rule changes). The value is not counted as synced.",
    advice: "Give the integration user write access to the field named in the message (ACL, field security, or the board's/workflow's rules), then retry: the value is written again.",
  },
} as const satisfies Record<string, { meaning: string; advice: string }>;

export type SyncErrorCode = keyof typeof SYNC_ERRORS;

export function syncCodeForKind(kind: ConnectorErrorKind): SyncErrorCode {
  switch (kind) {
    case "auth":
      return "auth_failed";
    case "permission":
      return "permission_denied";
    case "not_found":
      return "not_found";
    case "validation":
      return "validation_failed";
    case "rate_limited":
      return "rate_limited";
    case "transient":
      return "platform_unavailable";
    case "invalid_response":
      return "invalid_response";
  }
}

/** A per-ticket failure the planner or applier decided on, with its code. */
export class SyncItemError extends Error {
  override name = "SyncItemError";
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly vendorMessage: string | null = null,
  ) {
    super(message);
  }
}
