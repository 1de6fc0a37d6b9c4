// Field mapping pages. The API replaces the whole set at once; the pages add, edit and delete one
// mapping by reading the saved set, changing that one entry and saving the set through the same
// service, so the checks (no value translating to two, no repeated mapping) are the API's own.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { ApiError, notFound } from "../../api/error-codes";
import type { Picklists } from "../../connectors/canonical";
import { fieldMappingInputSchema, type FieldMappingInput } from "../../schemas/connections";
import type { ConnectionView, FieldMappingView } from "../../schemas/connection-views";
import type { SidePicklists } from "../../schemas/connection-picklists";
import { getConnection } from "../../services/connections";
import { connectionPicklists } from "../../services/connection-picklists";
import { listMappings, replaceMappings } from "../../services/field-mappings";
import { PICKLIST_FIELDS, customFieldValueChoices, fieldChoices, picklistChoices } from "../../../views/components/canonical-fields";
import type { FieldErrors } from "../../../views/components/form";
import type { Choice } from "../../../views/components/picklist-fields";
import { MappingEditor, MappingsPage, type FieldChoices, type MappingDraft, type PairRow, type ValueChoices } from "../../../views/pages/connection-mappings";
import { accountDeps } from "../api/deps";
import { formValues, text, type FormValues } from "./form-values";
import { csrfFor, redirectWithFlash, render, signedIn } from "./render";

type Side = "source" | "target";
type Lists = Record<Side, SidePicklists>;
const ACTIVE = "/connections";
const BLANK_ROWS = 3;

const ready = (lists: Lists, side: Side): Picklists | null => (lists[side].state === "ready" ? (lists[side] as { picklists: Picklists }).picklists : null);

function choicesOf(lists: Lists): FieldChoices {
  const source = ready(lists, "source");
  return {
    fields: { source: fieldChoices(source?.customFields), target: fieldChoices(ready(lists, "target")?.customFields) },
    ticketTypes: picklistChoices(source, "ticketTypes"),
  };
}

/** The values a field takes on a side, from its picklist or its custom field's options; null for free text. */
function valueChoices(picklists: Picklists | null, field: string): Choice[] | null {
  if (!picklists) return null;
  const list = PICKLIST_FIELDS[field];
  if (list) return picklistChoices(picklists, list);
  return customFieldValueChoices(picklists, field);
}

const valuesFor = (lists: Lists, m: { sourceField: string; targetField: string }): ValueChoices => ({
  source: valueChoices(ready(lists, "source"), m.sourceField),
  target: valueChoices(ready(lists, "target"), m.targetField),
});

const byName = (choices: Choice[] | null, name: string) => choices?.find((c) => c.name.trim().toLowerCase() === name.trim().toLowerCase())?.id ?? "";

/**
 * The pair rows to show: the rows given, then one row per value of each side the mapping reads
 * from that has no row yet (its partner pre-chosen when a value of the same name exists), then
 * a few empty rows.
 */
function rowsFor(given: PairRow[], values: ValueChoices, direction: string, blank = BLANK_ROWS): PairRow[] {
  const rows = [...given];
  const used = (side: "source" | "target", id: string) => rows.some((r) => r[side] === id);
  if (direction !== "target_to_source") {
    for (const value of values.source ?? []) {
      if (used("source", value.id)) continue;
      let target = byName(values.target, value.name);
      // Written both ways, a target value may answer to one source value only: two boards' "New"
      // cannot both be ServiceNow's "New". The first keeps the match; the others are left to pair.
      if (target && direction === "bidirectional" && used("target", target)) target = "";
      rows.push({ source: value.id, target, note: target ? "matched by name" : undefined });
    }
  }
  if (direction !== "source_to_target") {
    for (const value of values.target ?? []) {
      if (used("target", value.id)) continue;
      let source = byName(values.source, value.name);
      if (source && direction === "bidirectional" && used("source", source)) source = "";
      rows.push({ source, target: value.id, note: source ? "matched by name" : undefined });
    }
  }
  for (let i = 0; i < blank; i++) rows.push({ source: "", target: "" });
  return rows;
}

function draftOf(m: FieldMappingInput, lists: Lists): MappingDraft {
  return { ...m, rows: rowsFor(m.valuePairs.map((p) => ({ source: p.sourceValue, target: p.targetValue })), valuesFor(lists, m), m.direction) };
}

function postedDraft(form: FormValues): MappingDraft {
  const rows: PairRow[] = [];
  for (let i = 0; form[`pairs.${i}.source`] !== undefined || form[`pairs.${i}.target`] !== undefined; i++) {
    rows.push({ source: text(form, `pairs.${i}.source`) ?? "", target: text(form, `pairs.${i}.target`) ?? "" });
  }
  return {
    ticketType: text(form, "ticketType") ?? "*",
    sourceField: text(form, "sourceField") ?? "",
    targetField: text(form, "targetField") ?? "",
    direction: text(form, "direction") ?? "source_to_target",
    kind: text(form, "kind") ?? "direct",
    conflictPolicy: text(form, "conflictPolicy") ?? "latest_wins",
    rows,
  };
}

/** The draft as a mapping, and which form row each value pair came from (for errors). */
function inputOf(draft: MappingDraft): { candidate: unknown; rowOfPair: number[] } {
  const rowOfPair: number[] = [];
  const valuePairs = draft.kind === "value" ? draft.rows.flatMap((r, i) => (r.source && r.target ? (rowOfPair.push(i), [{ sourceValue: r.source, targetValue: r.target }]) : [])) : [];
  const { rows: _, ...rest } = draft;
  return { candidate: { ...rest, valuePairs }, rowOfPair };
}

const stored = (m: FieldMappingView): FieldMappingInput => ({
  ticketType: m.ticketType,
  sourceField: m.sourceField,
  targetField: m.targetField,
  direction: m.direction,
  kind: m.kind,
  conflictPolicy: m.conflictPolicy,
  valuePairs: m.valuePairs,
});

/** Service and schema errors about entry `index` of the set, keyed by the editor's fields. */
function errorsAt(err: ApiError, index: number, rowOfPair: number[]): { errors: FieldErrors; message: string } {
  const fields = (err.details as { fields?: { path: string; message: string }[] } | undefined)?.fields ?? [];
  const errors: FieldErrors = {};
  const general: string[] = [];
  for (const f of fields) {
    const rest = f.path.startsWith(`mappings.${index}`) ? f.path.slice(`mappings.${index}`.length).replace(/^\./, "") : null;
    const message = f.message.charAt(0).toUpperCase() + f.message.slice(1);
    const pair = rest ? /^valuePairs\.(\d+)/.exec(rest) : null;
    if (pair) errors[`pairs.${rowOfPair[Number(pair[1])] ?? 0}`] ??= message;
    else if (rest) errors[rest] ??= message;
    else general.push(message);
  }
  return { errors, message: general.length ? `Not saved: ${general.join("; ")}` : "Not saved: please correct the fields below." };
}

async function context(c: Context<AppEnv>, id: string) {
  const principal = signedIn(c);
  const connection = await getConnection(c.get("db"), scopeOf(principal), id);
  const [{ mappings }, lists] = await Promise.all([listMappings(c.get("db"), scopeOf(principal), id), connectionPicklists(accountDeps(c), scopeOf(principal), id)]);
  return { principal, connection, mappings, lists };
}

function editorPage(
  c: Context<AppEnv>,
  connection: ConnectionView,
  lists: Lists,
  draft: MappingDraft,
  options: { action: string; isNew: boolean; errors?: FieldErrors; message?: string; status?: 200 | 400 | 409 },
) {
  return render(
    c,
    `${connection.name}: mapping`,
    <MappingEditor
      connection={connection}
      csrf={csrfFor(c)}
      action={options.action}
      draft={draft}
      choices={choicesOf(lists)}
      values={valuesFor(lists, draft)}
      errors={options.errors}
      message={options.message}
      isNew={options.isNew}
    />,
    { active: ACTIVE, status: options.status ?? 200 },
  );
}

/** Saves the set with entry `index` replaced by the posted draft (or added when index is the length). */
async function saveDraft(c: Context<AppEnv>, id: string, mappingId: string | null) {
  const { connection, mappings, lists } = await context(c, id);
  const form = await formValues(c);
  const op = c.req.query("op") ?? text(form, "op");
  const action = mappingId ? `/connections/${id}/mappings/${mappingId}` : `/connections/${id}/mappings`;
  const isNew = mappingId === null;
  const posted = postedDraft(form);
  // Not saving yet: the fields changed, so offer the values of the newly chosen fields.
  if (op === "choices" || op === "rows") {
    const given = posted.rows.filter((r) => r.source || r.target);
    const draft = { ...posted, rows: rowsFor(given, valuesFor(lists, posted), posted.direction, op === "rows" ? Math.max(BLANK_ROWS, posted.rows.length - given.length + 5) : BLANK_ROWS) };
    return editorPage(c, connection, lists, draft, { action, isNew });
  }
  const index = isNew ? mappings.length : mappings.findIndex((m) => m.id === mappingId);
  if (index < 0) {
    return editorPage(c, connection, lists, posted, { action, isNew, status: 409, message: "This mapping was changed or deleted meanwhile (mappings are saved as a whole). Open the list again and redo the change." });
  }
  const { candidate, rowOfPair } = inputOf(posted);
  const parsed = fieldMappingInputSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ["mappings", index, ...i.path].map(String).join("."), message: i.message }));
    const { errors, message } = errorsAt(new ApiError("invalid_input", "", { fields: issues }), index, rowOfPair);
    return editorPage(c, connection, lists, posted, { action, isNew, errors, message, status: 400 });
  }
  const next = mappings.map(stored);
  next.splice(index, isNew ? 0 : 1, parsed.data);
  try {
    await replaceMappings(c.get("db"), signedIn(c), id, { mappings: next }, c.req.header("CF-Connecting-IP") ?? null);
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== "invalid_input") throw err;
    const { errors, message } = errorsAt(err, index, rowOfPair);
    return editorPage(c, connection, lists, posted, { action, isNew, errors, message, status: 400 });
  }
  return redirectWithFlash(c, `/connections/${id}/mappings`, { kind: "success", message: isNew ? "Mapping added; the next run uses it." : "Mapping saved; the next run uses it." });
}

export const connectionMappingPages = new Hono<AppEnv>()
  .get("/connections/:id/mappings", async (c) => {
    const { principal, connection, mappings, lists } = await context(c, c.req.param("id"));
    return render(
      c,
      `${connection.name}: mappings`,
      <MappingsPage principal={principal} connection={connection} csrf={csrfFor(c)} mappings={mappings} choices={choicesOf(lists)} valuesOf={(m) => valuesFor(lists, m)} lists={lists} />,
      { active: ACTIVE },
    );
  })
  .get("/connections/:id/mappings/new", requireRole("admin"), async (c) => {
    const { connection, lists } = await context(c, c.req.param("id"));
    const draft: MappingDraft = { ticketType: "*", sourceField: "", targetField: "", direction: "source_to_target", kind: "direct", conflictPolicy: "latest_wins", rows: [] };
    return editorPage(c, connection, lists, draft, { action: `/connections/${connection.id}/mappings`, isNew: true });
  })
  .post("/connections/:id/mappings", requireRole("admin"), (c) => saveDraft(c, c.req.param("id"), null))
  .post("/connections/:id/mappings/starter", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const { mappings, lists } = await context(c, id);
    if (!ready(lists, "source") || !ready(lists, "target")) {
      return redirectWithFlash(c, `/connections/${id}/mappings`, { kind: "error", message: "Both sides' picklists are needed to pair values; see the notice on this page." });
    }
    const taken = new Set(mappings.filter((m) => m.ticketType === "*").map((m) => m.sourceField));
    const added = (["status", "priority"] as const)
      .filter((field) => !taken.has(field))
      .map((field): FieldMappingInput => {
        const values = valuesFor(lists, { sourceField: field, targetField: field });
        const pairs = rowsFor([], values, "bidirectional", 0).filter((r) => r.source && r.target);
        return { ticketType: "*", sourceField: field, targetField: field, direction: "bidirectional", kind: "value", conflictPolicy: "latest_wins", valuePairs: pairs.map((p) => ({ sourceValue: p.source, targetValue: p.target })) };
      });
    await replaceMappings(c.get("db"), signedIn(c), id, { mappings: [...mappings.map(stored), ...added] }, c.req.header("CF-Connecting-IP") ?? null);
    return redirectWithFlash(c, `/connections/${id}/mappings`, { kind: "success", message: "Status and priority are mapped; values with equal names are paired. Pair the flagged ones." });
  })
  .post("/connections/:id/mappings/refresh", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const lists = await connectionPicklists(accountDeps(c), scopeOf(signedIn(c)), id, { refresh: true });
    const failed = (["source", "target"] as const).filter((s) => lists[s].state === "failed");
    return redirectWithFlash(
      c,
      `/connections/${id}/mappings`,
      failed.length ? { kind: "error", message: `The ${failed.join(" and ")} side could not be read; see the notice below.` } : { kind: "success", message: "Both sides' values were read from the platforms again." },
    );
  })
  .get("/connections/:id/mappings/:mappingId/edit", requireRole("admin"), async (c) => {
    const { connection, mappings, lists } = await context(c, c.req.param("id"));
    const mapping = mappings.find((m) => m.id === c.req.param("mappingId"));
    if (!mapping) throw notFound("Mapping");
    return editorPage(c, connection, lists, draftOf(stored(mapping), lists), { action: `/connections/${connection.id}/mappings/${mapping.id}`, isNew: false });
  })
  .post("/connections/:id/mappings/:mappingId", requireRole("admin"), (c) => saveDraft(c, c.req.param("id"), c.req.param("mappingId")))
  .post("/connections/:id/mappings/:mappingId/delete", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const { mappings } = await listMappings(c.get("db"), scopeOf(signedIn(c)), id);
    const mapping = mappings.find((m) => m.id === c.req.param("mappingId"));
    if (!mapping) throw notFound("Mapping");
    await replaceMappings(c.get("db"), signedIn(c), id, { mappings: mappings.filter((m) => m !== mapping).map(stored) }, c.req.header("CF-Connecting-IP") ?? null);
    return redirectWithFlash(c, `/connections/${id}/mappings`, { kind: "success", message: `Mapping ${mapping.sourceField} → ${mapping.targetField} deleted.` });
  });
