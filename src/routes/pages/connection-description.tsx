// Description builder page: arrange the fields (unsaved until "Save layout"), preview the text
// with the very function a run uses, and save through updateConnection like the API.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import type { Picklists, Ticket } from "../../connectors/canonical";
import { connectionSettingsSchema } from "../../schemas/connections";
import { getConnection, updateConnection } from "../../services/connections";
import { connectionPicklists } from "../../services/connection-picklists";
import { buildDescription, sampleTicket } from "../../sync/description-builder";
import { fieldChoices } from "../../../views/components/canonical-fields";
import type { FieldErrors } from "../../../views/components/form";
import { DescriptionPage, DescriptionPreview, type DescriptionDraft } from "../../../views/pages/connection-description";
import { accountDeps } from "../api/deps";
import { fieldErrorsOf } from "./form-errors";
import { formValues, text, type FormValues } from "./form-values";
import { csrfFor, redirectWithFlash, render, signedIn } from "./render";

const descriptionSchema = connectionSettingsSchema.shape.description.unwrap();

/** The built-in sample, with a plausible value for each of the source's own custom fields. */
function previewTicket(source: Picklists | null): Ticket {
  const ticket = sampleTicket();
  for (const cf of source?.customFields ?? []) {
    ticket.customFields[cf.id] ??= cf.options?.[0] ?? (cf.type === "number" ? 3 : cf.type === "boolean" ? true : cf.type === "date" ? "2026-11-23" : `Sample ${cf.name.toLowerCase()}`);
  }
  return ticket;
}

const labelsOf = (source: Picklists | null) => Object.fromEntries((source?.customFields ?? []).map((cf) => [cf.id, cf.name]));

function postedDraft(form: FormValues): DescriptionDraft {
  return { fields: (form["fields"] ?? []).filter(Boolean), separator: form["separator"]?.at(-1) ?? "" };
}

/** Applies one arrangement button: `add`, `up:i`, `down:i`, `remove:i`. */
function arranged(draft: DescriptionDraft, op: string, add: string | null): DescriptionDraft {
  const fields = [...draft.fields];
  const [verb, at] = op.split(":");
  const i = Number(at);
  if (verb === "add" && add && !fields.includes(add)) fields.push(add);
  else if (verb === "remove" && i >= 0 && i < fields.length) fields.splice(i, 1);
  else if ((verb === "up" && i > 0) || (verb === "down" && i < fields.length - 1)) {
    const j = verb === "up" ? i - 1 : i + 1;
    [fields[i], fields[j]] = [fields[j]!, fields[i]!];
  }
  return { ...draft, fields };
}

async function page(c: Context<AppEnv>, id: string, state: { draft?: DescriptionDraft; errors?: FieldErrors; unsaved?: boolean } = {}) {
  const principal = signedIn(c);
  const connection = await getConnection(c.get("db"), scopeOf(principal), id);
  const lists = await connectionPicklists(accountDeps(c), scopeOf(principal), id, { discoverPartner: false });
  const source = lists.source.state === "ready" ? lists.source.picklists : null;
  const draft = state.draft ?? connection.settings.description;
  const valid = descriptionSchema.safeParse(draft);
  const failed = Boolean(state.errors);
  return render(
    c,
    `${connection.name}: description`,
    <DescriptionPage
      principal={principal}
      connection={connection}
      csrf={csrfFor(c)}
      draft={draft}
      choices={fieldChoices(source?.customFields).filter((f) => f.id !== "description")}
      preview={buildDescription(previewTicket(source), valid.success ? valid.data : connection.settings.description, labelsOf(source))}
      errors={state.errors}
      message={failed ? "Not saved: please correct the fields below." : undefined}
      unsaved={state.unsaved ?? false}
    />,
    { active: "/connections", status: failed ? 400 : 200 },
  );
}

export const connectionDescriptionPages = new Hono<AppEnv>()
  .get("/connections/:id/description", (c) => page(c, c.req.param("id")))
  .post("/connections/:id/description", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const form = await formValues(c);
    const draft = postedDraft(form);
    const op = text(form, "op");
    if (op) return page(c, id, { draft: arranged(draft, op, text(form, "add")), unsaved: true });
    try {
      await updateConnection(c.get("db"), signedIn(c), id, { settings: { description: draft } }, c.req.header("CF-Connecting-IP"));
    } catch (err) {
      const errors = fieldErrorsOf(err, { prefix: "settings.description.", rename: (path) => path.replace(/^fields\.\d+$/, "fields") });
      if (!errors) throw err;
      return page(c, id, { draft, errors });
    }
    return redirectWithFlash(c, `/connections/${id}/description`, { kind: "success", message: "Description layout saved; descriptions written from now on use it." });
  })
  .post("/connections/:id/description/preview", requireRole("admin"), async (c) => {
    const principal = signedIn(c);
    const id = c.req.param("id");
    // Reading the connection first keeps other organisations out (404).
    await getConnection(c.get("db"), scopeOf(principal), id);
    const form = await formValues(c);
    const draft = descriptionSchema.safeParse(postedDraft(form));
    const lists = await connectionPicklists(accountDeps(c), scopeOf(principal), id, { discoverPartner: false });
    const source = lists.source.state === "ready" ? lists.source.picklists : null;
    c.header("Cache-Control", "no-store");
    if (!draft.success) return c.html(<DescriptionPreview text={`Cannot preview: ${draft.error.issues.map((i) => i.message).join("; ")}`} />);
    return c.html(<DescriptionPreview text={buildDescription(previewTicket(source), draft.data, labelsOf(source))} />);
  });
