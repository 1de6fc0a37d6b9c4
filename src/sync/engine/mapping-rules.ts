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
};

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
