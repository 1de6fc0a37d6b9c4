// Platform account pages: the same services as /api/v1/platform-accounts, driven by forms, with
// Test connection and Refresh platform data answered in place through htmx.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { connectorFor, connectors } from "../../connectors/registry";
import { getPicklists, refreshPicklists, testAccount } from "../../services/account-checks";
import { createAccount, deleteAccount, getAccount, listAccounts, updateAccount } from "../../services/platform-accounts";
import { AccountFormPage, AccountPage, ChoosePlatformPage, PicklistsFragment, PicklistsUnavailable, PlatformAccountsPage, TestResultFragment } from "../../../views/pages/platform-accounts";
import { fieldsOf, typedValues, type SchemaField } from "../../../views/components/schema-fields";
import type { FieldErrors } from "../../../views/components/form";
import { accountDeps } from "../api/deps";
import { csrfFor, redirectWithFlash, render, signedIn } from "./render";
import { safeNext } from "../../auth/safe-next";
import { formValues, text, type FormValues } from "./form-values";

const labels = Object.fromEntries(Object.entries(connectors).map(([key, c]) => [key, c.facts.label]));
const isHtmx = (c: Context<AppEnv>) => c.req.header("HX-Request") === "true";

function formShape(platform: string) {
  const connector = connectorFor(platform);
  if (!connector) throw new ApiError("not_found", "Unknown platform.");
  return {
    connector,
    credentialFields: fieldsOf(connector.credentialsSchema),
    settingFields: fieldsOf(connector.settingsSchema),
    help: connector.facts.credentialHelp,
  };
}

/** The sign-in method of the stored credentials: the alternative whose required fields are all set. */
function storedVariant(fields: SchemaField[], credentialsSet: string[]): Record<string, unknown> {
  const discriminator = fields.find((f) => f.discriminator);
  if (!discriminator) return {};
  const fits = (option: string) => fields.filter((f) => f.required && f.when?.values.includes(option)).every((f) => credentialsSet.includes(f.name));
  const option = discriminator.options?.find(fits);
  return option ? { [discriminator.name]: option } : {};
}

/** Non-secret values carried by the sign-in method switch (a GET, so never a secret). */
function switchedValues(c: Context<AppEnv>, fields: SchemaField[]): Record<string, unknown> {
  const discriminator = fields.find((f) => f.discriminator);
  const value = discriminator ? c.req.query(`credentials.${discriminator.name}`) : undefined;
  return discriminator && value ? { [discriminator.name]: value } : {};
}

function fieldErrors(err: unknown): FieldErrors | null {
  if (!(err instanceof ApiError) || (err.code !== "invalid_input" && err.code !== "credentials_required")) return null;
  const fields = (err.details as { fields?: { path: string; message: string }[] } | undefined)?.fields ?? [];
  // An item of a list (`settings.boardIds.1`) is reported at the list's field.
  return Object.fromEntries(fields.map((f) => [f.path.replace(/(\.\d+)+$/, ""), f.message.charAt(0).toUpperCase() + f.message.slice(1)]));
}

async function accountPage(c: Context<AppEnv>, id: string, extra: { errors?: FieldErrors; message?: string; status?: 400; credentials?: Record<string, unknown> } = {}) {
  const principal = signedIn(c);
  const account = await getAccount(c.get("db"), scopeOf(principal), id);
  const shape = formShape(account.platform);
  const credentialValues = extra.credentials ?? { ...storedVariant(shape.credentialFields, account.credentialsSet), ...switchedValues(c, shape.credentialFields) };
  return render(
    c,
    account.name,
    <AccountPage principal={principal} account={account} label={shape.connector.facts.label} csrf={csrfFor(c)} credentialFields={shape.credentialFields} settingFields={shape.settingFields} help={shape.help} errors={extra.errors} message={extra.message} credentialValues={credentialValues} />,
    { active: "/platform-accounts", status: extra.status ?? 200 },
  );
}

/** A same-site page to return to after saving (e.g. the accept page); anything else is ignored. */
function nextOf(next: string | null | undefined): string | undefined {
  const safe = safeNext(next ?? undefined);
  return safe === "/" ? undefined : safe;
}

export const platformAccountPages = new Hono<AppEnv>()
  .get("/platform-accounts", async (c) => {
    const principal = signedIn(c);
    const page = await listAccounts(c.get("db"), scopeOf(principal), { limit: 200 });
    return render(c, "Platform accounts", <PlatformAccountsPage principal={principal} accounts={page.data} labels={labels} />, { active: "/platform-accounts" });
  })
  .get("/platform-accounts/new", requireRole("admin"), (c) => {
    const platform = c.req.query("platform");
    const next = nextOf(c.req.query("next"));
    if (!platform || !connectorFor(platform)) {
      return render(c, "Add a platform account", <ChoosePlatformPage platforms={Object.entries(labels).map(([key, label]) => ({ key, label }))} next={next} />, { active: "/platform-accounts" });
    }
    const shape = formShape(platform);
    // The sign-in method switch re-asks for this form with the non-secret fields typed so far.
    const values = { name: c.req.query("name"), baseUrl: c.req.query("baseUrl"), credentials: switchedValues(c, shape.credentialFields) };
    return render(c, "Add a platform account", <AccountFormPage csrf={csrfFor(c)} platform={{ key: platform, label: shape.connector.facts.label }} {...shape} values={values} next={next} />, { active: "/platform-accounts" });
  })
  .post("/platform-accounts", requireRole("admin"), async (c) => {
    const raw = await formValues(c);
    const shape = formShape(text(raw, "platform") ?? "");
    const credentials = typedValues(raw, "credentials", shape.credentialFields);
    const settings = typedValues(raw, "settings", shape.settingFields);
    try {
      const account = await createAccount(
        accountDeps(c),
        signedIn(c),
        { name: text(raw, "name") ?? "", platform: text(raw, "platform")!, baseUrl: text(raw, "baseUrl") ?? "", credentials, settings },
        c.req.header("CF-Connecting-IP"),
      );
      const next = nextOf(text(raw, "next"));
      if (next) return redirectWithFlash(c, next, { kind: "success", message: `${account.name} saved. Test its connection below.` });
      return redirectWithFlash(c, `/platform-accounts/${account.id}`, { kind: "success", message: `${account.name} saved. Test the connection next.` });
    } catch (err) {
      const errors = fieldErrors(err);
      if (!errors) throw err;
      if (!text(raw, "name")) errors["name"] = "Is required";
      // Typed secrets are not sent back; the sign-in method is.
      const discriminator = shape.credentialFields.find((f) => f.discriminator)?.name;
      const values = { name: text(raw, "name") ?? undefined, baseUrl: text(raw, "baseUrl") ?? undefined, credentials: discriminator ? { [discriminator]: credentials[discriminator] } : {}, settings };
      return render(
        c,
        "Add a platform account",
        <AccountFormPage csrf={csrfFor(c)} platform={{ key: text(raw, "platform")!, label: shape.connector.facts.label }} {...shape} values={values} errors={errors} message="Please correct the fields below." next={nextOf(text(raw, "next"))} />,
        { status: 400, active: "/platform-accounts" },
      );
    }
  })
  .get("/platform-accounts/:id", (c) => accountPage(c, c.req.param("id")))
  .post("/platform-accounts/:id", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const account = await getAccount(c.get("db"), scopeOf(signedIn(c)), id);
    const shape = formShape(account.platform);
    const raw = await formValues(c);
    const credentials = typedValues(raw, "credentials", shape.credentialFields);
    // The form always posts the sign-in method; unchanged and alone, it replaces nothing.
    const stored = storedVariant(shape.credentialFields, account.credentialsSet);
    const [discriminator] = Object.keys(stored);
    // A new base URL needs the credentials typed again, sign-in method included.
    const moving = (text(raw, "baseUrl") ?? account.baseUrl) !== account.baseUrl;
    if (!moving && discriminator && credentials[discriminator] === stored[discriminator] && Object.keys(credentials).length === 1) delete credentials[discriminator];
    try {
      await updateAccount(
        accountDeps(c),
        signedIn(c),
        id,
        { name: text(raw, "name") ?? undefined, baseUrl: text(raw, "baseUrl") ?? undefined, credentials, settings: typedValues(raw, "settings", shape.settingFields) },
        c.req.header("CF-Connecting-IP"),
      );
      return redirectWithFlash(c, `/platform-accounts/${id}`, { kind: "success", message: "Changes saved." });
    } catch (err) {
      const errors = fieldErrors(err);
      if (!errors) throw err;
      const chosen = discriminator ? { [discriminator]: typedValues(raw, "credentials", shape.credentialFields)[discriminator] } : {};
      const message = err instanceof ApiError && err.code === "credentials_required" ? err.message : "Please correct the fields below.";
      return accountPage(c, id, { errors, message, status: 400, credentials: chosen });
    }
  })
  .post("/platform-accounts/:id/delete", requireRole("admin"), async (c) => {
    await deleteAccount(c.get("db"), signedIn(c), c.req.param("id"), c.req.header("CF-Connecting-IP"));
    return redirectWithFlash(c, "/platform-accounts", { kind: "success", message: "Platform account deleted." });
  })
  .post("/platform-accounts/:id/test", requireRole("admin"), async (c) => {
    const result = await testAccount(accountDeps(c), signedIn(c), c.req.param("id"), c.req.header("CF-Connecting-IP"));
    if (isHtmx(c)) return c.html(<TestResultFragment result={result} />);
    return redirectWithFlash(c, `/platform-accounts/${c.req.param("id")}`, { kind: result.ok ? "success" : "error", message: result.message });
  })
  .get("/platform-accounts/:id/picklists", async (c) => {
    try {
      const cached = await getPicklists(accountDeps(c), scopeOf(signedIn(c)), c.req.param("id"));
      return c.html(<PicklistsFragment {...cached} />);
    } catch (err) {
      // The platform could not be read: say why where the values would be.
      if (err instanceof ApiError && err.code === "conflict") return c.html(<PicklistsUnavailable message={err.message} />);
      throw err;
    }
  })
  .post("/platform-accounts/:id/picklists/refresh", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    try {
      const cached = await refreshPicklists(accountDeps(c), scopeOf(signedIn(c)), id);
      if (isHtmx(c)) return c.html(<PicklistsFragment {...cached} />);
      return redirectWithFlash(c, `/platform-accounts/${id}`, { kind: "success", message: "Platform data refreshed." });
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== "conflict") throw err;
      if (isHtmx(c)) return c.html(<PicklistsUnavailable message={err.message} />);
      return redirectWithFlash(c, `/platform-accounts/${id}`, { kind: "error", message: err.message });
    }
  });
