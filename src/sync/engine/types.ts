import type { Ticket, TicketWrite } from "../../connectors/canonical";
import type { FieldValue } from "./field-access";
import type { SyncErrorCode } from "./sync-errors";

export type Side = "source" | "target";
export const otherSide = (side: Side): Side => (side === "source" ? "target" : "source");

/** Per mapping rule, the values on each side as of the last sync: the merge base. */
export type SyncedValues = Record<string, { source: FieldValue; target: FieldValue }>;

export type LinkState = {
  id: string;
  state: "creating" | "linked" | "unlinked";
  originSide: Side;
  sourceTicketId: string | null;
  targetTicketId: string | null;
  sourceNumber: string | null;
  targetNumber: string | null;
  synced: SyncedValues;
};

export type Conflict = { field: string; sourceValue: FieldValue; targetValue: FieldValue; winner: Side; policy: string };

export type PlannedOperation =
  | {
      kind: "create";
      /** The side the new ticket is written on. */
      on: Side;
      from: Ticket;
      fields: TicketWrite;
      /** Email to match to a contact on `on`, resolved when applying. */
      requesterEmail: string | null;
      requesterName: string | null;
      synced: SyncedValues;
      /** A link left in `creating` by an interrupted run: look for the ticket before creating. */
      resumeLinkId: string | null;
      /** A full resync looks for a copy on `on` by partner reference before creating one, so a
       * pair whose link was lost is linked again, never duplicated. */
      lookUpFirst: boolean;
    }
  | {
      kind: "update";
      link: LinkState;
      writes: { source?: TicketWrite; target?: TicketWrite };
      synced: SyncedValues;
      conflicts: Conflict[];
      closes: boolean;
      ticket: Ticket;
      side: Side;
    }
  | { kind: "skip"; ticket: Ticket; side: Side; reason: string; link: LinkState | null }
  | { kind: "fail"; ticket: Ticket; side: Side; code: SyncErrorCode; message: string; link: LinkState | null }
  /** Linked, changed only in ways the mappings don't carry (or our own echo): nothing to do. */
  | { kind: "in_sync"; ticket: Ticket; side: Side; link: LinkState };
