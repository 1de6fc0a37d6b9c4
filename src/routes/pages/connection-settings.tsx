// Connection settings page: one form for the caller's own side (PATCH side.settings underneath)
// and one for the settings both sides share (PATCH settings), through updateConnection like the
// API. A form posts every field, so each save states the whole section: a field left empty is
// removed (null), an unticked box is false, no ticked box is an empty list.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { canEmailAlerts } from "../../env";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { connectorFor } from "../../connectors/registry";
import { notFound } from "../../api/error-codes";
import { getConnection, updateConnection } from "../../services/connections";
import { connectionPicklists } from "../../services/connection-picklists";
import { connectionSettingsSchema, sideSettingsSchema } from "../../schemas/connections";
import type { ConnectionView } from "../../schemas/connection-views";
import { fieldChoices } from "../../../views/components/canonical-fields";
import type { FieldErrors } from "../../../views/components/form";
import { ConnectionSettingsPage } from "../../../views/pages/connection-settings";
import { accountDeps } from "../api/deps";
import { fieldErrorsOf } from "./form-errors";
import { all, formValues, text, ticked, type FormValues } from "./form-values";
import { csrfFor, redirectWithFlash, render, signedIn } from "./render";

type Side = "source" | "target";
type Form = FormValues;
const MIB = 1024 * 1024;

const listOf = (value: string | null): string[] => (value ? value.split(/[\s,;]+/).filter(Boolean) : []);

/** A number field: the number, or the text itself so the schema reports it next to the field. */
function numberOf(value: string | null): number | string | null {
  if (value === null) return null;
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

function fieldFilter(form: Form, prefix: string) {
  const field = text(form, `${prefix}.field`);
  return field ? { field, operator: text(form, `${prefix}.operator`) ?? "equals", value: form[`${prefix}.value`]?.at(-1) ?? "" } : null;
}

/** The side settings a form states, as a patch for updateConnection (null removes a value). */
function sidePatch(form: Form): Record<string, unknown> {
  const maxMegabytes = numberOf(text(form, "attachments.maxMegabytes"));
  return {
    defaults: Object.fromEntries(
      ["companyId", "queueId", "ticketType", "statusId", "priorityId", "sourceId", "ownerId", "categoryId", "fallbackContactId"].map((k) => [k, text(form, `defaults.${k}`)]),
    ),
    filters: {
      queueIds: all(form, "filters.queueIds"),
      ticketTypes: all(form, "filters.ticketTypes"),
      excludedStatusIds: all(form, "filters.excludedStatusIds"),
      field: fieldFilter(form, "filters.field"),
    },
    comments: {
      public: ticked(form, "comments.public"),
      internal: ticked(form, "comments.internal"),
      noteTypes: all(form, "comments.noteTypes"),
      incomingPublicAs: text(form, "comments.incomingPublicAs"),
      incomingInternalAs: text(form, "comments.incomingInternalAs"),
    },
    attachments: {
      enabled: ticked(form, "attachments.enabled"),
      maxBytes: typeof maxMegabytes === "number" ? Math.round(maxMegabytes * MIB) : (maxMegabytes ?? 25 * MIB),
      allowedTypes: listOf(text(form, "attachments.allowedTypes")),
    },
    timeEntries: {
      enabled: ticked(form, "timeEntries.enabled"),
      carryNotes: ticked(form, "timeEntries.carryNotes"),
      defaultMemberId: text(form, "timeEntries.defaultMemberId"),
      defaultWorkRoleId: text(form, "timeEntries.defaultWorkRoleId"),
    },
  };
}

function sharedPatch(form: Form): Record<string, unknown> {
  return {
    bidirectionalCreation: { enabled: ticked(form, "bidirectionalCreation.enabled"), filter: fieldFilter(form, "bidirectionalCreation.filter") },
    startDate: text(form, "startDate"),
    manualCooldownSeconds: numberOf(text(form, "manualCooldownSeconds")) ?? 60,
    alerts: { emails: listOf(text(form, "alerts.emails")), webhookUrl: text(form, "alerts.webhookUrl") },
  };
}

/** Error paths of the schema to the form's field names (bytes are asked for in MB, lists as one field). */
function formField(path: string): string {
  if (path === "attachments.maxBytes") return "attachments.maxMegabytes";
  return path.replace(/^(alerts\.emails|attachments\.allowedTypes)\.\d+$/, "$1");
}

/** What a form posted, laid over the saved settings, so a refused form shows what was typed. */
function asTyped<T>(schema: { safeParse: (v: unknown) => { success: boolean; data?: T } }, saved: T, patch: Record<string, unknown>): T {
  const merged = JSON.parse(JSON.stringify({ ...(saved as object), ...patch }, (_k, v: unknown) => (v === null ? undefined : v))) as Record<string, unknown>;
  const attempt = schema.safeParse(merged);
  return attempt.success ? attempt.data! : saved;
}

function chosenSide(connection: ConnectionView, requested: string | undefined): Side | null {
  const mine = connection.sides.filter((s) => s.mine).map((s) => s.side);
  if (requested === "source" || requested === "target") return mine.includes(requested) ? requested : null;
  return mine[0] ?? null;
}

/**
 * Where statuses belong to a board (ConnectWise), a default status of another board than the
 * default board is refused by the platform when a ticket is created: say so when saving.
 */
async function boardMismatch(c: Context<AppEnv>, id: string, side: string | null, patch: Record<string, unknown>): Promise<string | null> {
  const defaults = patch["defaults"] as Record<string, string | null>;
  if (!defaults["statusId"] || !defaults["queueId"]) return null;
  const lists = await connectionPicklists(accountDeps(c), scopeOf(signedIn(c)), id, { discoverPartner: false });
  const mine = side === "source" || side === "target" ? lists[side] : Object.values(lists).find((l) => l.mine);
  if (mine?.state !== "ready") return null;
  const status = mine.picklists.statuses.find((s) => s.id === defaults["statusId"]);
  if (!status?.queueId || status.queueId === defaults["queueId"]) return null;
  const board = (queueId: string | null | undefined) => mine.picklists.queues.find((q) => q.id === queueId)?.name ?? queueId;
  return `the default status “${status.name}” belongs to ${board(status.queueId)}, not to the default board ${board(defaults["queueId"])}; the platform refuses such a ticket.`;
}

function timeEntryDefaultsOf(platform: string | null): { member: boolean; workRole: boolean } | undefined {
  const supports = platform ? connectorFor(platform)?.facts.supports : undefined;
  return supports ? { member: supports.timeEntryMember, workRole: supports.timeEntryWorkRole } : undefined;
}

type PageState = { side?: string | undefined; sideSettings?: Record<string, unknown>; shared?: Record<string, unknown>; sideErrors?: FieldErrors; sharedErrors?: FieldErrors; refresh?: boolean };

async function settingsPage(c: Context<AppEnv>, id: string, state: PageState = {}) {
  const principal = signedIn(c);
  const connection = await getConnection(c.get("db"), scopeOf(principal), id);
  const side = chosenSide(connection, state.side);
  if (state.side && !side) throw notFound("Side");
  const lists = await connectionPicklists(accountDeps(c), scopeOf(principal), id, { refresh: state.refresh ?? false, discoverPartner: false });
  const saved = side ? connection.sides.find((s) => s.side === side)!.settings! : null;
  const platform = side ? connection.sides.find((s) => s.side === side)!.platform : null;
  const target = lists.target.state === "ready" ? lists.target.picklists : null;
  const failed = Boolean(state.sideErrors || state.sharedErrors);
  return render(
    c,
    `${connection.name}: settings`,
    <ConnectionSettingsPage
      principal={principal}
      connection={connection}
      csrf={csrfFor(c)}
      side={side}
      settings={saved && state.sideSettings ? asTyped(sideSettingsSchema, saved, state.sideSettings) : saved}
      picklistsState={side ? lists[side] : null}
      noteTypes={(platform ? connectorFor(platform)?.facts.noteTypes : null) ?? []}
      ticketDefaults={platform ? connectorFor(platform)?.facts.ticketDefaults : undefined}
      timeEntryDefaults={timeEntryDefaultsOf(platform)}
      targetFields={fieldChoices(target?.customFields)}
      sharedSettings={state.shared ? asTyped(connectionSettingsSchema, connection.settings, state.shared) : connection.settings}
      sideErrors={state.sideErrors}
      sharedErrors={state.sharedErrors}
      alertEmail={canEmailAlerts(c.env)}
      message={failed ? "Nothing was saved: please correct the fields below." : undefined}
    />,
    { active: "/connections", status: failed ? 400 : 200 },
  );
}

export const connectionSettingsPages = new Hono<AppEnv>()
  .get("/connections/:id/settings", (c) => settingsPage(c, c.req.param("id"), { side: c.req.query("side") }))
  .post("/connections/:id/settings/side", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const form = await formValues(c);
    const side = text(form, "side");
    const patch = sidePatch(form);
    try {
      await updateConnection(c.get("db"), signedIn(c), id, { side: { ...(side === "source" || side === "target" ? { side } : {}), settings: patch } }, c.req.header("CF-Connecting-IP"));
    } catch (err) {
      const errors = fieldErrorsOf(err, { prefix: "side.settings.", rename: formField });
      if (!errors) throw err;
      return settingsPage(c, id, { side: side ?? undefined, sideSettings: patch, sideErrors: errors });
    }
    const warning = await boardMismatch(c, id, side, patch);
    return redirectWithFlash(
      c,
      `/connections/${id}/settings${side ? `?side=${side}` : ""}`,
      warning ? { kind: "error", message: `Saved, but check it: ${warning}` } : { kind: "success", message: "Your side's settings are saved; the next run uses them." },
    );
  })
  .post("/connections/:id/settings/shared", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const patch = sharedPatch(await formValues(c));
    try {
      await updateConnection(c.get("db"), signedIn(c), id, { settings: patch }, c.req.header("CF-Connecting-IP"), { alertEmail: canEmailAlerts(c.env) });
    } catch (err) {
      const errors = fieldErrorsOf(err, { prefix: "settings.", rename: formField });
      if (!errors) throw err;
      return settingsPage(c, id, { shared: patch, sharedErrors: errors });
    }
    return redirectWithFlash(c, `/connections/${id}/settings`, { kind: "success", message: "Shared settings saved." });
  })
  .post("/connections/:id/settings/refresh", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const side = c.req.query("side");
    if (c.req.header("HX-Request") === "true") return settingsPage(c, id, { side, refresh: true });
    await connectionPicklists(accountDeps(c), scopeOf(signedIn(c)), id, { refresh: true });
    return redirectWithFlash(c, `/connections/${id}/settings${side ? `?side=${side}` : ""}`, { kind: "success", message: "Platform data refreshed." });
  });
