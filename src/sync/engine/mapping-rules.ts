// Field mappings as the planner uses them: which rules apply to a ticket type, which way each
// may write, and translation of picklist values through the pairs.
import { SyncItemError } from "./sync-errors";
import type { FieldValue } from "./field-access";
import type { Side } from "./types";

export type MappingRule = {
  id: string;
  ticketType: string;
  sourceField: string;
  targetField: string;
  direction: "source_to_target" | "target_to_source" | "bidirectional";
  kind: "direct" | "value";
  conflictPolicy: "source_wins" | "target_wins" | "latest_wins";
  pairs: { sourceValue: string; targetValue: string }[];
  /** Why the rule cannot apply (a custom field its side's platform does not list): every ticket
   * it applies to fails with `field_not_found` rather than the value going nowhere. */
  unavailable?: string | null;
};

/** Fails the ticket when the rule names a field its platform lacks. */
export function checkAvailable(rule: MappingRule): void {
  if (rule.unavailable) throw new SyncItemError("field_not_found", rule.unavailable);
}

/** Rules for a source ticket type: its own, else the `*` ones. */
export function rulesFor(rules: MappingRule[], sourceTicketType: string): MappingRule[] {
  const own = rules.filter((r) => r.ticketType === sourceTicketType);
  return own.length ? own : rules.filter((r) => r.ticketType === "*");
}

export function writes(rule: MappingRule, towards: Side): boolean {
  return rule.direction === "bidirectional" || rule.direction === (towards === "target" ? "source_to_target" : "target_to_source");
}

export function fieldOn(rule: MappingRule, side: Side): string {
  return side === "source" ? rule.sourceField : rule.targetField;
}

/** The value `value` (read on the other side) becomes on `towards`. Unpaired values fail the ticket. */
export function translate(rule: MappingRule, value: FieldValue, towards: Side, label: string | null = null): FieldValue {
  if (rule.kind === "direct" || value === null) return value;
  const pair = rule.pairs.find((p) => (towards === "target" ? p.sourceValue === value : p.targetValue === value));
  if (!pair) {
    const from = towards === "target" ? rule.sourceField : rule.targetField;
    throw new SyncItemError(
      "value_not_mapped",
      `${from} value "${label ?? value}"${label && label !== value ? ` (${value})` : ""} has no pair in the ${rule.sourceField} → ${rule.targetField} mapping.`,
    );
  }
  return towards === "target" ? pair.targetValue : pair.sourceValue;
}

const CUSTOM = "customFields.";

/**
 * A mapping's `customFields.<key>` as the connector keys the field: unchanged when the platform
 * lists that key; the id of the one field with that name when it does not (mappings saved by
 * display name before the pages stored ids); a problem when no field, or several, answer to it.
 * Null when `field` is not a custom field.
 */
export function resolveCustomField(field: string, defs: readonly { id: string; name: string }[], platformSide: string): { field: string } | { problem: string } | null {
  if (!field.startsWith(CUSTOM)) return null;
  const key = field.slice(CUSTOM.length);
  if (defs.some((d) => d.id === key)) return { field };
  const named = defs.filter((d) => d.name === key);
  if (named.length === 1) return { field: `${CUSTOM}${named[0]!.id}` };
  if (named.length > 1) return { problem: `${field}: several custom fields on the ${platformSide} are named "${key}" (${named.map((d) => d.id).join(", ")}); choose one by its id.` };
  return { problem: `${field}: the ${platformSide} platform has no such custom field (it lists ${defs.length ? defs.map((d) => `${d.name} (${d.id})`).join(", ") : "none"}).` };
}
