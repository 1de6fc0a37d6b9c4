// Field mappings of a connection, replaced as a whole set: the pages edit the list and save it,
// and a run never sees half an edit. Value pairs are checked so that every value translates to
// exactly one value in each direction the mapping writes.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { fieldMappings, picklistCache, valuePairs } from "../db/schema";
import { chunks } from "../lib/chunks";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import { invalidInput } from "../api/on-error";
import { scopeOf, type OrgScope, type Principal } from "../auth/principal";
import { picklistsSchema, type Picklists } from "../connectors/canonical";
import type { FieldMappingInput } from "../schemas/connections";
import type { FieldMappingView } from "../schemas/connection-views";
import { resolveCustomField } from "../sync/engine/mapping-rules";
import { writable } from "../sync/engine/field-access";
import { connectorFor } from "../connectors/registry";
import { connectionAudit, findVisibleConnection, type VisibleConnection } from "./connections";

type MappingRow = typeof fieldMappings.$inferSelect;
type Issue = { code: "custom"; path: (string | number)[]; message: string; input: unknown };

const writesTarget = (m: Pick<FieldMappingInput, "direction">) => m.direction !== "target_to_source";
const writesSource = (m: Pick<FieldMappingInput, "direction">) => m.direction !== "source_to_target";

/** Every reason the set cannot be saved, with the path of the offending entry. */
function problemsOf(mappings: FieldMappingInput[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  mappings.forEach((m, i) => {
    const key = `${m.ticketType}\u0000${m.sourceField}\u0000${m.targetField}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({ code: "custom", path: ["mappings", i], message: `maps ${m.sourceField} to ${m.targetField} for ticket type ${m.ticketType} again (see mappings.${first})`, input: m });
    } else seen.set(key, i);
    if (m.kind === "direct" && m.valuePairs.length) {
      issues.push({ code: "custom", path: ["mappings", i, "valuePairs"], message: "a direct mapping copies values and takes no value pairs; use kind `value`", input: m.valuePairs });
    }
    if (m.kind !== "value") return;
    // One value must not translate to two: the run could not tell which one to write.
    const checks = [
      { applies: writesTarget(m), from: "sourceValue", to: "targetValue", field: m.sourceField, side: "source" },
      { applies: writesSource(m), from: "targetValue", to: "sourceValue", field: m.targetField, side: "target" },
    ] as const;
    for (const check of checks) {
      if (!check.applies) continue;
      const chosen = new Map<string, string>();
      m.valuePairs.forEach((pair, j) => {
        const before = chosen.get(pair[check.from]);
        if (before !== undefined && before !== pair[check.to]) {
          issues.push({
            code: "custom",
            path: ["mappings", i, "valuePairs", j],
            message: `${check.side} ${check.field} value "${pair[check.from]}" is paired with both "${before}" and "${pair[check.to]}"; keep one`,
            input: pair,
          });
        } else chosen.set(pair[check.from], pair[check.to]);
      });
    }
  });
  return issues;
}

const PICKLIST_OF: Record<string, keyof Pick<Picklists, "statuses" | "priorities" | "queues">> = { status: "statuses", priority: "priorities", queue: "queues" };

type Lists = { source: Picklists | null; target: Picklists | null; platforms?: { source: string | null; target: string | null } };

/**
 * Fields each mapping cannot use, and custom fields saved by display name turned into the key the
 * platform uses (`customFields.<id>`, what runs read and write). A side whose picklists were never
 * read is taken as given: the run checks it against the platform's answer.
 */
function fieldsOf(mappings: FieldMappingInput[], lists: Lists): { mappings: FieldMappingInput[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const out = mappings.map((m, i) => {
    const next = { ...m };
    for (const side of ["source", "target"] as const) {
      const key = side === "source" ? "sourceField" : "targetField";
      const writesHere = side === "source" ? writesSource(m) : writesTarget(m);
      if (writesHere && !writable(m[key])) {
        issues.push({ code: "custom", path: ["mappings", i, key], message: `${m[key]} can be read but not written: a ticket's type is chosen by the ${side} side's default ticket type (map it one way, from the ${side})`, input: m[key] });
      }
      const facts = lists.platforms?.[side] ? connectorFor(lists.platforms[side]!)?.facts : null;
      if (writesHere && m[key] === "company" && facts && facts.ticketDefaults.companyId === null) {
        issues.push({ code: "custom", path: ["mappings", i, key], message: `${facts.label} tickets have no company to write (map it one way, from the ${side})`, input: m[key] });
      }
      const defs = lists[side]?.customFields;
      const resolved = defs ? resolveCustomField(m[key], defs, side) : null;
      if (resolved && "field" in resolved) next[key] = resolved.field;
      else if (resolved) issues.push({ code: "custom", path: ["mappings", i, key], message: `${resolved.problem} Refresh the platform data if it was added since.`, input: m[key] });
    }
    return next;
  });
  return { mappings: out, issues };
}

/** What a saved mapping cannot do now that the platforms have been read (a custom field gone). */
function problemsNow(m: FieldMappingInput, lists: Lists): string[] {
  return fieldsOf([m], lists).issues.map((issue) => issue.message);
}

/** The values a mapped field takes on a side: its picklist's ids, or its select custom field's options. */
function valuesOf(picklists: Picklists, field: string): string[] | null {
  const list = PICKLIST_OF[field];
  if (list) return picklists[list].map((v) => v.id);
  if (!field.startsWith("customFields.")) return null;
  return picklists.customFields.find((cf) => `customFields.${cf.id}` === field)?.options ?? null;
}

async function cachedPicklists(db: Db, accountId: string | null): Promise<Picklists | null> {
  if (!accountId) return null;
  const [cached] = await db.select().from(picklistCache).where(and(eq(picklistCache.accountId, accountId), eq(picklistCache.kind, "all"))).limit(1);
  const parsed = cached ? picklistsSchema.safeParse(JSON.parse(cached.values)) : null;
  return parsed?.success ? parsed.data : null;
}

/** Picklist ids with no pair, on each side the mapping reads from (only that side's values can fail a run). */
function unpairedOf(m: FieldMappingInput, lists: Lists): FieldMappingView["unpaired"] {
  if (m.kind !== "value" || !lists.source || !lists.target) return null;
  const sourceValues = valuesOf(lists.source, m.sourceField);
  const targetValues = valuesOf(lists.target, m.targetField);
  if (!sourceValues && !targetValues) return null;
  const missing = (values: string[], paired: Set<string>) => [...new Set(values)].filter((id) => !paired.has(id));
  return {
    source: sourceValues && writesTarget(m) ? missing(sourceValues, new Set(m.valuePairs.map((p) => p.sourceValue))) : [],
    target: targetValues && writesSource(m) ? missing(targetValues, new Set(m.valuePairs.map((p) => p.targetValue))) : [],
  };
}

/** A connection's mappings with their value pairs, in order: what the pages show and runs obey. */
export async function storedMappings(db: Db, connectionId: string): Promise<(FieldMappingInput & { id: string; position: number })[]> {
  const rows = await db.select().from(fieldMappings).where(eq(fieldMappings.connectionId, connectionId)).orderBy(asc(fieldMappings.position));
  const pairs: (typeof valuePairs.$inferSelect)[] = [];
  for (const chunk of chunks(rows.map((r) => r.id), 80)) pairs.push(...(await db.select().from(valuePairs).where(inArray(valuePairs.mappingId, chunk))));
  return rows.map((row) => ({
    id: row.id,
    position: row.position,
    ticketType: row.ticketType,
    sourceField: row.sourceField,
    targetField: row.targetField,
    direction: row.direction,
    kind: row.kind,
    conflictPolicy: row.conflictPolicy,
    valuePairs: pairs.filter((p) => p.mappingId === row.id).map((p) => ({ sourceValue: p.sourceValue, targetValue: p.targetValue })),
  }));
}

async function listsOf(db: Db, visible: VisibleConnection): Promise<Lists> {
  const accountOf = (side: "source" | "target") => visible.sides.find((s) => s.side === side)?.platformAccountId ?? null;
  const [source, target] = await Promise.all([cachedPicklists(db, accountOf("source")), cachedPicklists(db, accountOf("target"))]);
  const platformOf = (side: "source" | "target") => visible.sides.find((s) => s.side === side)?.platform ?? null;
  return { source, target, platforms: { source: platformOf("source"), target: platformOf("target") } };
}

async function mappingsOf(db: Db, visible: VisibleConnection): Promise<FieldMappingView[]> {
  const stored = await storedMappings(db, visible.row.id);
  const lists = await listsOf(db, visible);
  return stored.map((mapping) => ({ ...mapping, unpaired: unpairedOf(mapping, lists), problems: problemsNow(mapping, lists) }));
}

export async function listMappings(db: Db, scope: OrgScope, connectionId: string): Promise<{ mappings: FieldMappingView[] }> {
  return { mappings: await mappingsOf(db, await findVisibleConnection(db, scope, connectionId)) };
}

export async function replaceMappings(
  db: Db,
  actor: Principal,
  connectionId: string,
  input: { mappings: FieldMappingInput[] },
  ip?: string | null,
): Promise<{ mappings: FieldMappingView[] }> {
  const visible = await findVisibleConnection(db, scopeOf(actor), connectionId);
  const resolved = fieldsOf(input.mappings, await listsOf(db, visible));
  const issues = [...resolved.issues, ...problemsOf(resolved.mappings)];
  if (issues.length) throw invalidInput({ issues });
  const mappings = resolved.mappings;
  const now = nowIso();
  const rows: MappingRow[] = mappings.map((m, position) => ({
    id: newId("map"),
    connectionId,
    ticketType: m.ticketType,
    sourceField: m.sourceField,
    targetField: m.targetField,
    direction: m.direction,
    kind: m.kind,
    conflictPolicy: m.conflictPolicy,
    position,
    createdAt: now,
    updatedAt: now,
  }));
  // Identical pairs given twice are one pair.
  const pairRows = mappings.flatMap((m, i) =>
    [...new Map(m.valuePairs.map((p) => [`${p.sourceValue}\u0000${p.targetValue}`, p])).values()].map((p) => ({ id: newId("val"), mappingId: rows[i]!.id, ...p })),
  );
  // One batch is one transaction: the old set goes and the new one arrives together. Rows are
  // inserted several per statement, within D1's 100 bound parameters.
  await db.batch([
    db.delete(fieldMappings).where(eq(fieldMappings.connectionId, connectionId)),
    ...chunks(rows, 9).map((chunk) => db.insert(fieldMappings).values(chunk)),
    ...chunks(pairRows, 24).map((chunk) => db.insert(valuePairs).values(chunk)),
    ...connectionAudit(
      db,
      actor,
      visible.orgIds,
      {
        action: "connection.mappings_replaced",
        targetType: "connection",
        targetId: connectionId,
        details: { mappings: rows.map((r) => `${r.ticketType}: ${r.sourceField} → ${r.targetField} (${r.direction}, ${r.kind})`), valuePairs: pairRows.length },
      },
      ip,
    ),
  ]);
  return { mappings: await mappingsOf(db, visible) };
}
