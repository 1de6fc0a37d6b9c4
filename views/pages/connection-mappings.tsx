// Field mappings per ticket type: the list (source field, direction, target field, values) with
// unpaired picklist values flagged before any run meets them, and the editor of one mapping whose
// value pairs are chosen from both sides' picklists.
import type { Principal } from "../../src/auth/principal";
import type { ConnectionView, FieldMappingView } from "../../src/schemas/connection-views";
import type { SidePicklists } from "../../src/schemas/connection-picklists";
import { ConnectionTabs } from "../components/connection-tabs";
import { CsrfField, FormError, SelectField, type FieldErrors } from "../components/form";
import { PicklistSelect, type Choice } from "../components/picklist-fields";

type Side = "source" | "target";
export type FieldChoices = { fields: Record<Side, Choice[]>; ticketTypes: Choice[] };
/** The values a field can take on one side, or null when it is free text. */
export type ValueChoices = Record<Side, Choice[] | null>;

export const DIRECTIONS = [
  { value: "source_to_target", label: "Source → target", arrow: "→" },
  { value: "target_to_source", label: "Target → source", arrow: "←" },
  { value: "bidirectional", label: "Both ways", arrow: "↔" },
] as const;
const KINDS = [
  { value: "direct", label: "Copy the value" },
  { value: "value", label: "Translate values through pairs" },
];
const POLICIES = [
  { value: "latest_wins", label: "Latest change wins" },
  { value: "source_wins", label: "Source wins" },
  { value: "target_wins", label: "Target wins" },
];

const nameIn = (choices: Choice[], id: string) => choices.find((c) => c.id === id)?.name ?? id;
/** The name with its board (or other hint), so two boards' "New" can be told apart. */
const fullNameIn = (choices: Choice[], id: string) => {
  const choice = choices.find((c) => c.id === id);
  return choice ? (choice.hint ? `${choice.name} (${choice.hint})` : choice.name) : id;
};
const typeLabel = (ticketTypes: Choice[], type: string) => (type === "*" ? "All ticket types" : nameIn(ticketTypes, type));

function PicklistNotices({ lists }: { lists: Record<Side, SidePicklists> }) {
  const missing = (["source", "target"] as const).filter((s) => lists[s].state !== "ready");
  if (!missing.length) return null;
  return (
    <div class="flash flash-info" role="status">
      {missing.map((s) => {
        const state = lists[s];
        return (
          <p>
            The {s} side's values cannot be offered: {state.state === "ready" ? "" : state.reason} Values can still be typed as the platform's ids.
          </p>
        );
      })}
    </div>
  );
}

function readAt(lists: Record<Side, SidePicklists>): string {
  const at = (["source", "target"] as const).flatMap((s) => {
    const state = lists[s];
    return state.state === "ready" ? [`the ${s}'s at ${state.fetchedAt.slice(0, 16).replace("T", " ")} UTC`] : [];
  });
  return at.length ? `Values read from ${at.join(", ")}.` : "";
}

function Unpaired({ mapping, values }: { mapping: FieldMappingView; values: ValueChoices }) {
  if (!mapping.unpaired) return null;
  const parts = (["source", "target"] as const)
    .filter((s) => mapping.unpaired![s].length)
    .map((s) => `${mapping.unpaired![s].length} ${s} value${mapping.unpaired![s].length === 1 ? "" : "s"} without a pair: ${mapping.unpaired![s].map((id) => fullNameIn(values[s] ?? [], id)).join(", ")}`);
  if (!parts.length) return <div class="ok">Every value has a pair</div>;
  return (
    <div class="warning" role="note">
      <span aria-hidden="true">⚠ </span>
      {parts.join("; ")}. Tickets with these values fail with “value not mapped”.
    </div>
  );
}

/** What stops a saved mapping from applying as the platforms now stand (a custom field gone). */
function Problems({ problems }: { problems: string[] }) {
  if (!problems.length) return null;
  return (
    <div class="warning" role="note">
      <span aria-hidden="true">⚠ </span>
      {problems.join(" ")} Tickets it applies to fail with “field not found” until the mapping is edited.
    </div>
  );
}

export function MappingsPage({
  principal,
  connection,
  csrf,
  mappings,
  choices,
  valuesOf,
  lists,
}: {
  principal: Principal;
  connection: ConnectionView;
  csrf: string;
  mappings: FieldMappingView[];
  choices: FieldChoices;
  valuesOf: (m: FieldMappingView) => ValueChoices;
  lists: Record<Side, SidePicklists>;
}) {
  const canEdit = principal.role !== "viewer";
  const base = `/connections/${connection.id}/mappings`;
  const types = [...new Set(mappings.map((m) => m.ticketType))].sort((x, y) => (x === "*" ? -1 : y === "*" ? 1 : x.localeCompare(y)));
  return (
    <section>
      <h1>{connection.name}: field mappings</h1>
      <ConnectionTabs connectionId={connection.id} active="mappings" />
      <p class="lead">Which field feeds which, in which direction. A change takes effect on the next run.</p>
      <PicklistNotices lists={lists} />
      {canEdit ? (
        <div class="actions">
          <a class="button primary" href={`${base}/new`}>Add a mapping</a>
          <form method="post" action={`${base}/refresh`} class="inline">
            <CsrfField token={csrf} />
            <button type="submit">Refresh both sides' values</button>
          </form>
        </div>
      ) : null}
      <p class="help">{readAt(lists)}</p>
      {mappings.length === 0 ? (
        <div class="card">
          <p>No field is mapped yet: tickets are created with the target's defaults and their title and description only.</p>
          {canEdit ? (
            <form method="post" action={`${base}/starter`}>
              <CsrfField token={csrf} />
              <p class="help">Start with status and priority both ways, their values paired by equal names; then review the pairs.</p>
              <button type="submit">Map status and priority</button>
            </form>
          ) : null}
        </div>
      ) : null}
      {types.map((type) => (
        <div class="card">
          <h2>{typeLabel(choices.ticketTypes, type)}</h2>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Source field</th>
                <th scope="col">Direction</th>
                <th scope="col">Target field</th>
                <th scope="col">Values</th>
                <th scope="col">If both changed</th>
                {canEdit ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {mappings
                .filter((m) => m.ticketType === type)
                .map((m) => {
                  const direction = DIRECTIONS.find((d) => d.value === m.direction)!;
                  return (
                    <tr id={`mapping-${m.id}`}>
                      <td>{nameIn(choices.fields.source, m.sourceField)}</td>
                      <td>
                        <span aria-hidden="true">{direction.arrow} </span>
                        {direction.label}
                      </td>
                      <td>{nameIn(choices.fields.target, m.targetField)}</td>
                      <td>
                        {m.kind === "direct" ? "Copied" : `${m.valuePairs.length} pair${m.valuePairs.length === 1 ? "" : "s"}`}
                        <Unpaired mapping={m} values={valuesOf(m)} />
                        <Problems problems={m.problems} />
                      </td>
                      <td>{m.direction === "bidirectional" ? POLICIES.find((p) => p.value === m.conflictPolicy)!.label : <span class="muted">n/a</span>}</td>
                      {canEdit ? (
                        <td class="row-actions">
                          <a href={`${base}/${m.id}/edit`}>Edit<span class="visually-hidden"> {m.sourceField} to {m.targetField}</span></a>
                          <form method="post" action={`${base}/${m.id}/delete`} class="inline" data-confirm={`Delete the mapping ${m.sourceField} → ${m.targetField}? The next run stops syncing this field.`}>
                            <CsrfField token={csrf} />
                            <button type="submit" class="danger">Delete<span class="visually-hidden"> {m.sourceField} to {m.targetField}</span></button>
                          </form>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

/** One row of the pair editor: a source value and a target value, either possibly not chosen yet. */
export type PairRow = { source: string; target: string; note?: string | undefined };

export type MappingDraft = {
  ticketType: string;
  sourceField: string;
  targetField: string;
  direction: string;
  kind: string;
  conflictPolicy: string;
  rows: PairRow[];
};

function ValueInput({ name, label, choices, value, errors }: { name: string; label: string; choices: Choice[] | null; value: string; errors: FieldErrors }) {
  if (choices) return <PicklistSelect name={name} label={label} choices={choices} value={value} errors={errors} empty="No pair" />;
  return (
    <div class="field">
      <label for={`field-${name.replace(/\./g, "-")}`}>{label}</label>
      <input id={`field-${name.replace(/\./g, "-")}`} name={name} type="text" value={value} />
    </div>
  );
}

export function MappingEditor({
  connection,
  csrf,
  action,
  draft,
  choices,
  values,
  errors = {},
  message,
  isNew,
}: {
  connection: ConnectionView;
  csrf: string;
  action: string;
  draft: MappingDraft;
  choices: FieldChoices;
  values: ValueChoices;
  errors?: FieldErrors;
  message?: string | undefined;
  isNew: boolean;
}) {
  const refresh = { "hx-post": `${action}?op=choices`, "hx-trigger": "change", "hx-target": "#mapping-editor", "hx-select": "#mapping-editor", "hx-swap": "outerHTML", "hx-include": "closest form" };
  const unpairedRows = draft.rows.filter((r) => (r.source === "") !== (r.target === "")).length;
  return (
    <section id="mapping-editor">
      <h1>{connection.name}: {isNew ? "add a mapping" : "edit a mapping"}</h1>
      <ConnectionTabs connectionId={connection.id} active="mappings" />
      <FormError message={message} />
      <form method="post" action={action} class="card">
        <CsrfField token={csrf} />
        {/* Enter in a field saves: the first submit button is the one implicit submission uses. */}
        <button type="submit" class="default-submit" tabindex={-1} aria-hidden="true">
          {isNew ? "Add mapping" : "Save mapping"}
        </button>
        <div class="grid-3">
          <PicklistSelect name="ticketType" label="Ticket type" choices={choices.ticketTypes} value={draft.ticketType === "*" ? "" : draft.ticketType} errors={errors} empty="All ticket types" />
          <div {...refresh}>
            <PicklistSelect name="sourceField" label="Source field" choices={choices.fields.source} value={draft.sourceField} errors={errors} empty="Choose a field" />
          </div>
          <div {...refresh}>
            <PicklistSelect name="targetField" label="Target field" choices={choices.fields.target} value={draft.targetField} errors={errors} empty="Choose a field" />
          </div>
          <div {...refresh}>
            <SelectField name="direction" label="Direction" options={DIRECTIONS.map((d) => ({ value: d.value, label: d.label }))} value={draft.direction} errors={errors} />
          </div>
          <div {...refresh}>
            <SelectField name="kind" label="Kind" options={KINDS} value={draft.kind} errors={errors} />
          </div>
          <div>
            <SelectField name="conflictPolicy" label="If both sides changed it" options={POLICIES} value={draft.conflictPolicy} errors={errors} />
            <p class="help">Applies to both-ways mappings, when the field changed on both sides between two runs. Every conflict is recorded.</p>
          </div>
        </div>
        {draft.kind === "value" ? (
          <fieldset id="value-pairs">
            <legend>Value pairs</legend>
            <p class="help">
              Each row pairs a source value with a target value. A value left without a pair fails its ticket with “value not mapped” instead of being dropped
              silently. Rows matched by equal names are filled in for you; check them.
            </p>
            {errors["valuePairs"] ? <p class="field-error">{errors["valuePairs"]}</p> : null}
            {unpairedRows ? (
              <p class="warning" role="note">
                <span aria-hidden="true">⚠ </span>
                {unpairedRows} value{unpairedRows === 1 ? " has" : "s have"} no pair yet.
              </p>
            ) : null}
            <table class="table pairs">
              <thead>
                <tr>
                  <th scope="col">Source value</th>
                  <th scope="col">Target value</th>
                  <th scope="col"><span class="visually-hidden">Notes</span></th>
                </tr>
              </thead>
              <tbody>
                {draft.rows.map((row, i) => {
                  const unpaired = (row.source === "") !== (row.target === "");
                  const rowError = errors[`pairs.${i}`];
                  return (
                    <tr class={rowError ? "invalid" : unpaired ? "unpaired" : undefined}>
                      <td><ValueInput name={`pairs.${i}.source`} label={`Source value ${i + 1}`} choices={values.source} value={row.source} errors={errors} /></td>
                      <td><ValueInput name={`pairs.${i}.target`} label={`Target value ${i + 1}`} choices={values.target} value={row.target} errors={errors} /></td>
                      <td>
                        {rowError ? <p class="field-error">{rowError}</p> : null}
                        {unpaired ? <span class="warning">No pair</span> : row.note ? <span class="muted">{row.note}</span> : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <button type="submit" name="op" value="rows">Add more rows</button>
          </fieldset>
        ) : null}
        <p class="actions">
          <button type="submit" class="primary">{isNew ? "Add mapping" : "Save mapping"}</button>
          <button type="submit" name="op" value="choices">Update the choices</button>
          <a class="button" href={`/connections/${connection.id}/mappings`}>Cancel</a>
        </p>
      </form>
    </section>
  );
}
