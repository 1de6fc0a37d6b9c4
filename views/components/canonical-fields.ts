// The ticket fields admins choose from (filters, mappings, the description builder): the
// canonical ones every platform has, then the side's own custom fields as `customFields.<id>`
// (the key the platform's connector uses), shown by name.
import type { Picklists } from "../../src/connectors/canonical";
import { labelOf } from "../../src/sync/description-builder";
import type { Choice } from "./picklist-fields";

export const CANONICAL_FIELDS = ["title", "description", "status", "priority", "queue", "company", "assignee", "requester", "ticketType"] as const;

/** Fields whose values are picklist entries, and the picklist that lists them. */
export const PICKLIST_FIELDS: Record<string, keyof Picklists> = {
  status: "statuses",
  priority: "priorities",
  queue: "queues",
  company: "companies",
  ticketType: "ticketTypes",
  assignee: "members",
};

export function fieldChoices(customFields: Picklists["customFields"] = []): Choice[] {
  return [
    ...CANONICAL_FIELDS.map((f) => ({ id: f, name: f === "queue" ? "Board / queue / group" : labelOf(f) })),
    ...customFields.map((cf) => ({ id: `customFields.${cf.id}`, name: cf.name, hint: cf.name === cf.id ? "custom field" : `custom field ${cf.id}` })),
  ];
}

/** A picklist's entries as choices; statuses per board name their board so equal names differ. */
export function picklistChoices(picklists: Picklists | null, list: keyof Picklists): Choice[] {
  if (!picklists) return [];
  const queues = new Map(picklists.queues.map((q) => [q.id, q.name]));
  return picklists[list].map((entry) => {
    const queueId = "queueId" in entry ? entry.queueId : null;
    const closed = "closed" in entry && entry.closed;
    const hints = [queueId ? (queues.get(queueId) ?? `board ${queueId}`) : null, closed ? "closes" : null].filter(Boolean);
    return { id: entry.id, name: entry.name, hint: hints.length ? hints.join(", ") : undefined };
  });
}

/** The values a custom field takes, by stored value and shown by name where the platform names them. */
export function customFieldValueChoices(picklists: Picklists | null, field: string): Choice[] | null {
  const def = picklists?.customFields.find((cf) => `customFields.${cf.id}` === field);
  if (!def?.options?.length) return null;
  const names = new Map((def.choices ?? []).map((c) => [c.id, c.name]));
  return def.options.map((o) => ({ id: o, name: names.get(o) ?? o }));
}
