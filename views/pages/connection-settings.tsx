// A connection's settings: each organisation edits its own side (defaults from its platform's
// picklists, filters, comments, attachments, time entries); both edit the shared part
// (bi-directional creation, cooldown, alerts). Viewers see the same fields, disabled, with no form.
import type { Child } from "hono/jsx";
import type { Principal } from "../../src/auth/principal";
import type { Picklists } from "../../src/connectors/canonical";
import type { ConnectionView } from "../../src/schemas/connection-views";
import type { SidePicklists } from "../../src/schemas/connection-picklists";
import type { ConnectionSettings, SideSettings } from "../../src/schemas/connections";
import { fieldChoices, picklistChoices } from "../components/canonical-fields";
import { ConnectionTabs } from "../components/connection-tabs";
import { CsrfField, Field, FormError, SelectField, type FieldErrors } from "../components/form";
import { Checkbox, PicklistChecks, PicklistSelect, type Choice } from "../components/picklist-fields";

type Side = "source" | "target";
const MIB = 1024 * 1024;
const OPERATORS = [
  { value: "equals", label: "equals" },
  { value: "not_equals", label: "does not equal" },
  { value: "contains", label: "contains" },
  { value: "not_contains", label: "does not contain" },
];

/** A form for admins; for viewers the same fields, disabled, and nothing to submit. */
function EditableForm({ canEdit, action, csrf, children, submit }: { canEdit: boolean; action: string; csrf: string; children: Child; submit: string }) {
  if (!canEdit) {
    return (
      <div class="readonly">
        <fieldset disabled class="plain">{children}</fieldset>
      </div>
    );
  }
  return (
    <form method="post" action={action}>
      <CsrfField token={csrf} />
      {children}
      <button type="submit" class="primary">{submit}</button>
    </form>
  );
}

function PicklistState({ state, picklists }: { state: SidePicklists | null; picklists: Picklists | null }) {
  if (picklists || !state) return null;
  return (
    <div class="flash flash-error" role="alert">
      {state.state === "failed" || state.state === "waiting" ? state.reason : ""} The choices below are limited to what is already saved; fix the account and use
      “Refresh platform data”.
    </div>
  );
}

export function SideSettingsFields({
  side,
  settings,
  picklists,
  noteTypes,
  ticketDefaults = { sourceId: null, categoryId: null },
  timeEntryDefaults = { member: true, workRole: true },
  errors,
}: {
  side: Side;
  settings: SideSettings;
  picklists: Picklists | null;
  noteTypes: readonly { id: string; name: string; public: boolean }[];
  /** The platform's fields behind the source and category defaults; null: it has none. */
  ticketDefaults?: { sourceId: string | null; categoryId: string | null };
  /** Whether a time entry written here takes a member and a work role; where not, the default
   * would be refused, so it is not offered (unless one is saved, so it can be cleared). */
  timeEntryDefaults?: { member: boolean; workRole: boolean };
  errors: FieldErrors;
}) {
  const d = settings.defaults;
  const f = settings.filters;
  const choices = (list: keyof Picklists) => picklistChoices(picklists, list);
  const notes: Choice[] = noteTypes.map((n) => ({ id: n.id, name: n.name, hint: n.public ? "public" : "internal" }));
  const fieldFilter = f.field;
  return (
    <>
      <fieldset>
        <legend>Defaults for tickets created here</legend>
        <p class="help">
          {side === "target"
            ? "Tickets from the source land here with these values, unless a field mapping sets them."
            : "Used when bi-directional creation copies a target ticket to this side."}
        </p>
        <div class="grid-2">
          <PicklistSelect name="defaults.companyId" label="Company / customer" choices={choices("companies")} value={d.companyId} errors={errors} />
          <PicklistSelect name="defaults.queueId" label="Board / queue / group" choices={choices("queues")} value={d.queueId} errors={errors} />
          <PicklistSelect name="defaults.ticketType" label="Ticket type" choices={choices("ticketTypes")} value={d.ticketType} errors={errors} />
          <PicklistSelect
            name="defaults.statusId"
            label="Status"
            choices={choices("statuses")}
            value={d.statusId}
            errors={errors}
            required={side === "target"}
            help={side === "target" ? "Required to receive tickets." : "Needed when bi-directional creation is on."}
          />
          <PicklistSelect name="defaults.priorityId" label="Priority" choices={choices("priorities")} value={d.priorityId} errors={errors} required={side === "target"} help={side === "target" ? "Required to receive tickets." : undefined} />
          <PicklistSelect name="defaults.ownerId" label="Owner" choices={choices("members")} value={d.ownerId} errors={errors} />
          {ticketDefaults.sourceId || d.sourceId ? (
            <PicklistSelect
              name="defaults.sourceId"
              label="Source"
              choices={choices("sources")}
              value={d.sourceId}
              errors={errors}
              help={ticketDefaults.sourceId ? `Written to the ticket's ${ticketDefaults.sourceId}.` : "This platform's tickets have no source: leave it empty."}
            />
          ) : null}
          {ticketDefaults.categoryId || d.categoryId ? (
            <PicklistSelect
              name="defaults.categoryId"
              label="Category"
              choices={choices("categories")}
              value={d.categoryId}
              errors={errors}
              help={ticketDefaults.categoryId ? `Written to the ticket's ${ticketDefaults.categoryId}. To carry the category over from the other side instead, map it on the Mappings page.` : "This platform's tickets have no category: leave it empty."}
            />
          ) : null}
          <Field name="defaults.fallbackContactId" label="Fallback contact" value={d.fallbackContactId} errors={errors} help="Contact id used when the requester's email matches nobody here. Empty: the requester's name and email go into the ticket." />
        </div>
      </fieldset>
      <fieldset>
        <legend>Which tickets are synced from here</legend>
        <PicklistChecks name="filters.queueIds" legend="Boards / queues / groups" choices={choices("queues")} values={f.queueIds} errors={errors} help="None ticked: all of them." />
        <PicklistChecks name="filters.ticketTypes" legend="Ticket types" choices={choices("ticketTypes")} values={f.ticketTypes} errors={errors} help="None ticked: all of them." />
        <PicklistChecks name="filters.excludedStatusIds" legend="Excluded statuses" choices={choices("statuses")} values={f.excludedStatusIds} errors={errors} help="Tickets in a ticked status are not synced from here." />
        <fieldset>
          <legend>Only tickets where (optional)</legend>
          <div class="grid-3">
            <PicklistSelect name="filters.field.field" label="Field" choices={fieldChoices(picklists?.customFields)} value={fieldFilter?.field} errors={errors} empty="No condition" />
            <SelectField name="filters.field.operator" label="Condition" options={OPERATORS} value={fieldFilter?.operator ?? "equals"} errors={errors} />
            <Field name="filters.field.value" label="Value" value={fieldFilter?.value} errors={errors} help="Compared without case, with the value's id or its name." />
          </div>
        </fieldset>
      </fieldset>
      <fieldset>
        <legend>Comments</legend>
        <Checkbox name="comments.public" label="Sync public comments from here" checked={settings.comments.public} />
        <Checkbox name="comments.internal" label="Sync internal comments from here" checked={settings.comments.internal} help="Internal comments are only ever written as internal on the other side." />
        <PicklistChecks name="comments.noteTypes" legend="Note types that count" choices={notes} values={settings.comments.noteTypes} errors={errors} help="None ticked: every note type of the visibilities ticked above." />
        <div class="grid-2">
          <PicklistSelect name="comments.incomingPublicAs" label="Write incoming public comments as" choices={notes.filter((n) => n.hint === "public")} value={settings.comments.incomingPublicAs} errors={errors} empty="The platform's default" />
          <PicklistSelect name="comments.incomingInternalAs" label="Write incoming internal comments as" choices={notes.filter((n) => n.hint === "internal")} value={settings.comments.incomingInternalAs} errors={errors} empty="The platform's default" />
        </div>
      </fieldset>
      <fieldset>
        <legend>Attachments</legend>
        <Checkbox name="attachments.enabled" label="Sync attachments from here" checked={settings.attachments.enabled} />
        <div class="grid-2">
          <Field name="attachments.maxMegabytes" label="Largest file (MB)" type="number" value={String(Math.round((settings.attachments.maxBytes / MIB) * 100) / 100)} errors={errors} help="Larger files are skipped, with the reason in the run detail. At most 100 MB." />
          <Field name="attachments.allowedTypes" label="Only these types" value={settings.attachments.allowedTypes.join(", ")} errors={errors} help="MIME types or extensions, comma-separated (image/*, .pdf). Empty: every type." />
        </div>
      </fieldset>
      <fieldset>
        <legend>Time entries</legend>
        <Checkbox name="timeEntries.enabled" label="Sync time entries from here" checked={settings.timeEntries.enabled} />
        <Checkbox name="timeEntries.carryNotes" label="Carry each entry's notes" checked={settings.timeEntries.carryNotes} />
        <div class="grid-2">
          {timeEntryDefaults.member || settings.timeEntries.defaultMemberId ? (
            <PicklistSelect name="timeEntries.defaultMemberId" label="Member for entries received here" choices={choices("members")} value={settings.timeEntries.defaultMemberId} errors={errors} help={timeEntryDefaults.member ? "Used when the entry's member cannot be matched by name." : "This platform records time as the integration user: leave it empty."} />
          ) : null}
          {timeEntryDefaults.workRole || settings.timeEntries.defaultWorkRoleId ? (
            <PicklistSelect name="timeEntries.defaultWorkRoleId" label="Work role for entries received here" choices={choices("workRoles")} value={settings.timeEntries.defaultWorkRoleId} errors={errors} help={timeEntryDefaults.workRole ? "Used when the entry's work role cannot be matched by name." : "This platform has no work roles: leave it empty."} />
          ) : null}
        </div>
      </fieldset>
    </>
  );
}

function SharedSettingsFields({ settings, errors, targetFields, alertEmail }: { settings: ConnectionSettings; errors: FieldErrors; targetFields: Choice[]; alertEmail: boolean }) {
  const filter = settings.bidirectionalCreation.filter;
  return (
    <>
      <fieldset>
        <legend>Direction</legend>
        <Checkbox
          name="bidirectionalCreation.enabled"
          label="Bi-directional creation: tickets created on the target create tickets on the source too"
          checked={settings.bidirectionalCreation.enabled}
        />
        <div class="grid-3">
          <PicklistSelect name="bidirectionalCreation.filter.field" label="Only target tickets where" choices={targetFields} value={filter?.field} errors={errors} empty="Every target ticket" />
          <SelectField name="bidirectionalCreation.filter.operator" label="Condition" options={OPERATORS} value={filter?.operator ?? "equals"} errors={errors} />
          <Field name="bidirectionalCreation.filter.value" label="Value" value={filter?.value} errors={errors} />
        </div>
      </fieldset>
      <Field
        name="startDate"
        label="Start date (UTC)"
        type="date"
        value={settings.startDate}
        errors={errors}
        help="The connection's start: a first run, and every full resync, read tickets updated since this day. Empty: since the first run's start."
      />
      <Field
        name="manualCooldownSeconds"
        label="Cooldown between manual syncs (seconds)"
        type="number"
        value={String(settings.manualCooldownSeconds)}
        errors={errors}
        help="Protects both platforms' API quotas; 0 to 86400."
      />
      <fieldset>
        <legend>Alerts</legend>
        <p class="help">Told after 10 failed runs in a row, when credentials stop working, and once on recovery.</p>
        <div class="field">
          <label for="field-alerts-emails">Email recipients</label>
          <textarea id="field-alerts-emails" name="alerts.emails" rows={3} aria-describedby="field-alerts-emails-help" aria-invalid={errors["alerts.emails"] ? "true" : undefined}>
            {settings.alerts.emails.join("\n")}
          </textarea>
          <p class="help" id="field-alerts-emails-help">
            {alertEmail
              ? "One address per line (or comma-separated), at most 20. Empty: the owners and admins of both organisations."
              : "This install sends no email (it has no email binding), so alerts go to the webhook URL only. Addresses are refused until email is set up."}
          </p>
          {errors["alerts.emails"] ? <p class="field-error">{errors["alerts.emails"]}</p> : null}
        </div>
        <Field name="alerts.webhookUrl" label="Webhook URL" type="url" value={settings.alerts.webhookUrl} errors={errors} help="Receives a JSON POST for each alert. Empty: no webhook." />
      </fieldset>
    </>
  );
}

export function ConnectionSettingsPage({
  principal,
  connection,
  csrf,
  side,
  settings,
  picklistsState,
  noteTypes,
  ticketDefaults,
  timeEntryDefaults,
  targetFields,
  sharedSettings,
  sideErrors = {},
  sharedErrors = {},
  alertEmail = false,
  message,
}: {
  principal: Principal;
  connection: ConnectionView;
  csrf: string;
  side: Side | null;
  settings: SideSettings | null;
  picklistsState: SidePicklists | null;
  noteTypes: readonly { id: string; name: string; public: boolean }[];
  ticketDefaults?: { sourceId: string | null; categoryId: string | null };
  timeEntryDefaults?: { member: boolean; workRole: boolean };
  targetFields: Choice[];
  sharedSettings: ConnectionSettings;
  sideErrors?: FieldErrors;
  sharedErrors?: FieldErrors;
  /** Whether the install can email alerts. */
  alertEmail?: boolean;
  message?: string | undefined;
}) {
  const canEdit = principal.role !== "viewer";
  const base = `/connections/${connection.id}/settings`;
  const mine = connection.sides.filter((s) => s.mine);
  const partner = connection.sides.find((s) => !s.mine);
  const picklists = picklistsState?.state === "ready" ? picklistsState.picklists : null;
  const account = connection.sides.find((s) => s.side === side)?.account;
  return (
    <section>
      <h1>{connection.name}: settings</h1>
      <ConnectionTabs connectionId={connection.id} active="settings" />
      <FormError message={message} />
      {mine.length > 1 ? (
        <nav class="side-switch" aria-label="Which side">
          {mine.map((s) => (
            <a class="button" href={`${base}?side=${s.side}`} aria-current={s.side === side ? "page" : undefined}>
              {s.side === "source" ? "Source side" : "Target side"}
            </a>
          ))}
        </nav>
      ) : null}
      {side && settings ? (
        <div class="card" id="side-settings">
          <h2>
            Your side: {side} {account ? <span class="muted">· {account.name}</span> : null}
          </h2>
          <PicklistState state={picklistsState} picklists={picklists} />
          {picklists && canEdit ? (
            <form method="post" action={`${base}/refresh`} class="inline" hx-post={`${base}/refresh?side=${side}`} hx-target="#side-settings" hx-select="#side-settings" hx-swap="outerHTML">
              <CsrfField token={csrf} />
              <span class="help">Choices read from the platform {picklistsState?.state === "ready" ? picklistsState.fetchedAt.slice(0, 16).replace("T", " ") : ""} UTC.</span>
              <button type="submit">Refresh platform data</button>
            </form>
          ) : null}
          <EditableForm canEdit={canEdit} action={`${base}/side`} csrf={csrf} submit="Save your side">
            <input type="hidden" name="side" value={side} />
            <SideSettingsFields side={side} settings={settings} picklists={picklists} noteTypes={noteTypes} ticketDefaults={ticketDefaults} timeEntryDefaults={timeEntryDefaults} errors={sideErrors} />
          </EditableForm>
        </div>
      ) : null}
      {partner ? (
        <div class="card">
          <h2>Your partner's side: {partner.side}</h2>
          <p class="muted">
            {partner.organisation
              ? `${partner.organisation} chooses its own defaults, filters and options; you never see its account or settings.`
              : "Waiting for the partner to accept the connection; then it sets up its own side."}
          </p>
        </div>
      ) : null}
      <div class="card">
        <h2>Shared by both sides</h2>
        <p class="help">Either organisation's admins may change these; both audit logs record it.</p>
        <EditableForm canEdit={canEdit} action={`${base}/shared`} csrf={csrf} submit="Save shared settings">
          <SharedSettingsFields settings={sharedSettings} errors={sharedErrors} targetFields={targetFields} alertEmail={alertEmail} />
        </EditableForm>
      </div>
    </section>
  );
}
