// The pure heart of a run: given what changed on each side, the links, the mappings and the
// settings, decide what to create, update, skip or fail, and why. No I/O: the same input always
// gives the same plan, which is what a dry run shows and what the applier executes.
import type { Ticket, TicketWrite } from "../../connectors/canonical";
import type { ConnectionSettings, SideSettings } from "../../schemas/connections";
import { displayField, readField, writeField, type FieldValue } from "./field-access";
import { checkAvailable, fieldOn, rulesFor, translate, writes, type MappingRule } from "./mapping-rules";
import type { ExclusionKind } from "../../schemas/run-scope";
import type { PlanExclusion } from "./run-scope";
import { SyncItemError } from "./sync-errors";
import { filteredOut, fieldFilterPasses } from "./ticket-filters";
import { otherSide, type Conflict, type LinkState, type PlannedOperation, type Side, type SyncedValues } from "./types";

export type PlanInput = {
  changes: { source: Ticket[]; target: Ticket[] };
  links: LinkState[];
  rules: MappingRule[];
  settings: { source: SideSettings; target: SideSettings; connection: ConnectionSettings };
  buildDescription: (ticket: Ticket) => string;
  /** A full resync: values that drifted apart without either side's change being seen are
   * brought back in step, and creates look for an existing copy first. */
  full?: boolean;
};

/** Where each side's ticket type of a pair is remembered, beside the per-rule values. */
export const TYPES_KEY = "$ticketTypes";
/** Where a pair remembers that a side still lacks its partner's number (writing it back after the
 * create failed): the pair's next update writes it. */
export const PARTNER_KEY = "$partnerReferenceMissing";

const idOf = (link: LinkState, side: Side) => (side === "source" ? link.sourceTicketId : link.targetTicketId);

export function planChanges(input: PlanInput): PlannedOperation[] {
  return planWithExclusions(input).operations;
}

/** The plan, and every ticket it left out with the filter that did (for the run's scope). */
export function planWithExclusions(input: PlanInput): { operations: PlannedOperation[]; exclusions: PlanExclusion[] } {
  const exclusions: PlanExclusion[] = [];
  const exclude = (ticket: Ticket, side: Side, kind: ExclusionKind, value: string | null) => exclusions.push({ side, ticketId: ticket.id, kind, value });
  const bySide = { source: new Map<string, LinkState>(), target: new Map<string, LinkState>() };
  for (const link of input.links) {
    if (link.sourceTicketId) bySide.source.set(link.sourceTicketId, link);
    if (link.targetTicketId) bySide.target.set(link.targetTicketId, link);
  }
  const pairs = new Map<string, { link: LinkState; source?: Ticket; target?: Ticket }>();
  const operations: PlannedOperation[] = [];
  for (const side of ["source", "target"] as const) {
    for (const ticket of input.changes[side]) {
      const link = bySide[side].get(ticket.id);
      if (link?.state === "unlinked") {
        exclude(ticket, side, "unlinked", null);
        operations.push({ kind: "skip", ticket, side, reason: "the pair was unlinked", link });
      } else if (link && link.state === "linked" && idOf(link, otherSide(side))) {
        const pair = pairs.get(link.id) ?? { link };
        pair[side] = ticket;
        pairs.set(link.id, pair);
      } else {
        const op = planCreation(input, ticket, side, link ?? null, exclude);
        if (op) operations.push(op);
      }
    }
  }
  for (const pair of pairs.values()) operations.push(planUpdate(input, pair.link, pair.source, pair.target));
  return { operations, exclusions };
}

type Exclude = (ticket: Ticket, side: Side, kind: ExclusionKind, value: string | null) => void;

function planCreation(input: PlanInput, ticket: Ticket, from: Side, resume: LinkState | null, exclude: Exclude): PlannedOperation | null {
  const on = otherSide(from);
  if (from === "target") {
    const bidi = input.settings.connection.bidirectionalCreation;
    // Target tickets nobody asked to carry back are not news: no item, no noise.
    if (!bidi.enabled) {
      exclude(ticket, from, "bidirectional_off", null);
      return null;
    }
    // A target ticket naming a source ticket came from this sync (its link is gone, or it is
    // another connection's copy): carrying it back would start a ping-pong of copies.
    if (ticket.partnerReference) {
      exclude(ticket, from, "created_by_sync", ticket.partnerReference);
      return { kind: "skip", ticket, side: from, reason: `it was created from source ticket ${ticket.partnerReference}; link the pair instead`, link: resume };
    }
    if (bidi.filter && !fieldFilterPasses(ticket, bidi.filter)) {
      exclude(ticket, from, "bidirectional_filter", null);
      return { kind: "skip", ticket, side: from, reason: "it does not match the bi-directional creation filter", link: resume };
    }
  }
  const excluded = filteredOut(ticket, input.settings[from].filters);
  if (excluded) {
    exclude(ticket, from, excluded.kind, excluded.value);
    return { kind: "skip", ticket, side: from, reason: `not synced: ${excluded.reason}`, link: resume };
  }
  try {
    const defaults = input.settings[on].defaults;
    const fields: TicketWrite = {};
    if (defaults.queueId) fields.queueId = defaults.queueId;
    if (defaults.statusId) fields.statusId = defaults.statusId;
    if (defaults.priorityId) fields.priorityId = defaults.priorityId;
    if (defaults.companyId) fields.companyId = defaults.companyId;
    if (defaults.ownerId) fields.assigneeId = defaults.ownerId;
    if (defaults.sourceId) fields.sourceId = defaults.sourceId;
    if (defaults.categoryId) fields.categoryId = defaults.categoryId;
    const rules = rulesFor(input.rules, from === "source" ? ticket.ticketType : "*");
    const synced: SyncedValues = {};
    for (const rule of rules) {
      checkAvailable(rule);
      const value = readField(ticket, fieldOn(rule, from));
      if (!writes(rule, on)) {
        synced[rule.id] = from === "source" ? { source: value, target: null } : { source: null, target: value };
        continue;
      }
      const translated = translate(rule, value, on, displayField(ticket, fieldOn(rule, from)));
      writeField(fields, fieldOn(rule, on), translated);
      synced[rule.id] = from === "source" ? { source: value, target: translated } : { source: translated, target: value };
    }
    fields.title ??= ticket.title;
    fields.description = input.buildDescription(ticket);
    fields.partnerReference = ticket.number;
    if (!fields.statusId) throw new SyncItemError("missing_default", `No status for the new ticket: set a default status on the ${on} side (or map status).`);
    if (!fields.priorityId) throw new SyncItemError("missing_default", `No priority for the new ticket: set a default priority on the ${on} side (or map priority).`);
    // The created side's type is filled in from the created ticket when applying.
    synced[TYPES_KEY] = from === "source" ? { source: ticket.ticketType, target: null } : { source: null, target: ticket.ticketType };
    return {
      kind: "create",
      on,
      from: ticket,
      fields,
      requesterEmail: ticket.requester?.email ?? null,
      requesterName: ticket.requester?.name ?? null,
      synced,
      resumeLinkId: resume?.id ?? null,
      lookUpFirst: input.full === true,
    };
  } catch (err) {
    if (err instanceof SyncItemError) return { kind: "fail", ticket, side: from, code: err.code, message: err.message, link: resume };
    throw err;
  }
}

function planUpdate(input: PlanInput, link: LinkState, source: Ticket | undefined, target: Ticket | undefined): PlannedOperation {
  const ticket = (source ?? target)!;
  const side: Side = source ? "source" : "target";
  const sourceType = source?.ticketType ?? link.synced[TYPES_KEY]?.source ?? "*";
  const writesTo: { source?: TicketWrite; target?: TicketWrite } = {};
  const synced: SyncedValues = { ...link.synced };
  const conflicts: Conflict[] = [];
  try {
    for (const rule of rulesFor(input.rules, sourceType)) {
      checkAvailable(rule);
      const base = link.synced[rule.id];
      const sourceValue: FieldValue = source ? readField(source, rule.sourceField) : (base?.source ?? null);
      const targetValue: FieldValue = target ? readField(target, rule.targetField) : (base?.target ?? null);
      // A rule added since the last sync has no base: the side we read counts as the change.
      let sourceChanged = source !== undefined && (base ? sourceValue !== base.source : true);
      let targetChanged = target !== undefined && (base ? targetValue !== base.target : !source);
      // A full resync compares the two tickets themselves: values that differ though neither side
      // changed since the last sync (an edit we missed, a write the platform dropped), or a
      // one-way field edited on the side that only receives it, are settled as if both had
      // changed: by the rule's direction, or the policy of a bidirectional one.
      const oneWay = rule.direction !== "bidirectional";
      if (input.full && source && target && (oneWay || (!sourceChanged && !targetChanged)) && drifted(rule, source, target, sourceValue, targetValue)) {
        sourceChanged = targetChanged = true;
      }
      if (!sourceChanged && !targetChanged) continue;
      let winner: Side | null = sourceChanged && !targetChanged ? "source" : !sourceChanged && targetChanged ? "target" : null;
      if (!winner) {
        winner = resolveConflict(rule, source, target);
        const intoTarget = writes(rule, "target") ? translate(rule, sourceValue, "target", source ? displayField(source, rule.sourceField) : null) : targetValue;
        if (intoTarget !== targetValue) {
          conflicts.push({ field: `${rule.sourceField} ↔ ${rule.targetField}`, sourceValue, targetValue, winner, policy: rule.direction === "bidirectional" ? rule.conflictPolicy : rule.direction });
        }
      }
      const loser = otherSide(winner);
      const winnerValue = winner === "source" ? sourceValue : targetValue;
      if (!writes(rule, loser)) {
        synced[rule.id] = { source: sourceValue, target: targetValue };
        continue;
      }
      const winnerTicket = winner === "source" ? source : target;
      const desired = translate(rule, winnerValue, loser, winnerTicket ? displayField(winnerTicket, fieldOn(rule, winner)) : null);
      const current = loser === "source" ? sourceValue : targetValue;
      if (desired !== current) writeField((writesTo[loser] ??= {}), fieldOn(rule, loser), desired);
      synced[rule.id] = winner === "source" ? { source: sourceValue, target: desired } : { source: desired, target: targetValue };
    }
  } catch (err) {
    if (err instanceof SyncItemError) return { kind: "fail", ticket, side, code: err.code, message: err.message, link };
    throw err;
  }
  const missing = link.synced[PARTNER_KEY];
  if (missing) {
    for (const s of ["source", "target"] as const) {
      const partner = s === "source" ? link.targetNumber : link.sourceNumber;
      if (missing[s] && partner) (writesTo[s] ??= {}).partnerReference = partner;
    }
    delete synced[PARTNER_KEY];
  }
  if (!writesTo.source && !writesTo.target) return { kind: "in_sync", ticket, side, link };
  const closes = Boolean((source?.closed && writesTo.target?.statusId) || (target?.closed && writesTo.source?.statusId));
  return { kind: "update", link, writes: writesTo, synced, conflicts, closes, ticket, side };
}

/** Whether the pair's values differ for this rule, as the rule's direction would carry them. */
function drifted(rule: MappingRule, source: Ticket, target: Ticket, sourceValue: FieldValue, targetValue: FieldValue): boolean {
  if (writes(rule, "target") && translate(rule, sourceValue, "target", displayField(source, rule.sourceField)) !== targetValue) return true;
  if (writes(rule, "source") && translate(rule, targetValue, "source", displayField(target, rule.targetField)) !== sourceValue) return true;
  return false;
}

function resolveConflict(rule: MappingRule, source: Ticket | undefined, target: Ticket | undefined): Side {
  if (rule.direction === "source_to_target") return "source";
  if (rule.direction === "target_to_source") return "target";
  if (rule.conflictPolicy === "source_wins") return "source";
  if (rule.conflictPolicy === "target_wins") return "target";
  // latest_wins: the later edit; a tie goes to the source, where tickets originate.
  return (target?.updatedAt ?? "") > (source?.updatedAt ?? "") ? "target" : "source";
}
