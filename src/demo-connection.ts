// The demo connection between the simulated ConnectWise (the MSP, source) and the simulated
// ServiceNow (the customer, target): Service Desk board tickets flow to incidents, status and
// priority both ways, with a composed description. Used by the demo seed and tested as a scenario.
import type { FieldMappingInput } from "./schemas/connections";

/** ConnectWise Service Desk statuses ↔ ServiceNow incident states. */
export const DEMO_STATUS_PAIRS = [
  { sourceValue: "11", targetValue: "1" }, // New ↔ New
  { sourceValue: "12", targetValue: "2" }, // In Progress ↔ In Progress
  { sourceValue: "13", targetValue: "3" }, // Waiting on Customer ↔ On Hold
  { sourceValue: "14", targetValue: "6" }, // Resolved ↔ Resolved
  { sourceValue: "15", targetValue: "7" }, // Closed ↔ Closed
];

/** ConnectWise priorities 1–4 ↔ ServiceNow priorities 1–4. */
export const DEMO_PRIORITY_PAIRS = ["1", "2", "3", "4"].map((p) => ({ sourceValue: p, targetValue: p }));

export const DEMO_MAPPINGS: FieldMappingInput[] = [
  { ticketType: "*", sourceField: "status", targetField: "status", direction: "bidirectional", kind: "value", conflictPolicy: "latest_wins", valuePairs: DEMO_STATUS_PAIRS },
  { ticketType: "*", sourceField: "priority", targetField: "priority", direction: "bidirectional", kind: "value", conflictPolicy: "latest_wins", valuePairs: DEMO_PRIORITY_PAIRS },
  { ticketType: "*", sourceField: "title", targetField: "title", direction: "source_to_target", kind: "direct", conflictPolicy: "latest_wins", valuePairs: [] },
];

export const DEMO_SIDE_SETTINGS = {
  source: { filters: { queueIds: ["1"] } },
  target: { defaults: { statusId: "1", priorityId: "4", ticketType: "incident" } },
};

export const DEMO_CONNECTION_SETTINGS = { description: { fields: ["company", "requester", "queue"], separator: "----" } };

/** ConnectWise Network Operations statuses ↔ ServiceNow incident states, for the connection the
 * demo syncs automatically. */
export const NOC_STATUS_PAIRS = [
  { sourceValue: "21", targetValue: "1" }, // New ↔ New
  { sourceValue: "22", targetValue: "2" }, // Investigating ↔ In Progress
  { sourceValue: "23", targetValue: "7" }, // Closed ↔ Closed
];

export const NOC_MAPPINGS: FieldMappingInput[] = DEMO_MAPPINGS.map((m) => (m.sourceField === "status" ? { ...m, valuePairs: NOC_STATUS_PAIRS } : m));

export const NOC_SIDE_SETTINGS = {
  source: { filters: { queueIds: ["2"] } },
  target: DEMO_SIDE_SETTINGS.target,
};
