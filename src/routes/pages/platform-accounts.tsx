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
import { AccountFormPage, AccountPage, ChoosePlatformPage, PicklistsFragment, PlatformAccountsPage, TestResultFragment } from "../../../views/pages/platform-accounts";
import { fieldsOf, type SchemaField } from "../../../views/components/schema-fields";
import type { FieldErrors } from "../../../views/components/form";
import { accountDeps } from "../api/deps";
import { csrfFor, redirectWithFlash, render, signedIn } from "./render";

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

/** Form strings to the types the platform's schema expects; empty means "not given". */
function typed(raw: Record<string, string>, prefix: string, fields: SchemaField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = raw[`${prefix}.${field.name}`];
    if (field.type === "checkbox") out[field.name] = value === "true";
    else if (value === undefined || value === "") continue;
    else out[field.name] = field.type === "number" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return out;
}

async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function fieldErrors(err: unknown): FieldErrors | null {
  if (!(err instanceof ApiError) || err.code !== "invalid_input") return null;
  const fields = (err.details as { fields?: { path: string; message: string }[] } | undefined)?.fields ?? [];
  return Object.fromEntries(fields.map((f) => [f.path, f.message.charAt(0).toUpperCase() + f.message.slice(1)]));
}

async function accountPage(c: Context<AppEnv>, id: string, extra: { errors?: FieldErrors; message?: string; status?: 400 } = {}) {
  const principal = signedIn(c);
  const account = await getAccount(c.get("db"), scopeOf(principal), id);
  const shape = formShape(account.platform);
  return render(
    c,
    account.name,
    <AccountPage principal={principal} account={account} label={shape.connector.facts.label} csrf={csrfFor(c)} credentialFields={shape.credentialFields} settingFields={shape.settingFields} help={shape.help} errors={extra.errors} message={extra.message} />,
    { active: "/platform-accounts", status: extra.status ?? 200 },
  );
}

export const platformAccountPages = new Hono<AppEnv>()
  .get("/platform-accounts", async (c) => {
    const principal = signedIn(c);
    const page = await listAccounts(c.get("db"), scopeOf(principal), { limit: 200 });
    return render(c, "Platform accounts", <PlatformAccountsPage principal={principal} accounts={page.data} labels={labels} />, { active: "/platform-accounts" });
  })
  .get("/platform-accounts/new", requireRole("admin"), (c) => {
    const platform = c.req.query("platform");
    if (!platform || !connectorFor(platform)) {
      return render(c, "Add a platform account", <ChoosePlatformPage platforms={Object.entries(labels).map(([key, label]) => ({ key, label }))} />, { active: "/platform-accounts" });
    }
    const shape = formShape(platform);
    return render(c, "Add a platform account", <AccountFormPage csrf={csrfFor(c)} platform={{ key: platform, label: shape.connector.facts.label }} {...shape} />, { active: "/platform-accounts" });
  })
  .post("/platform-accounts", requireRole("admin"), async (c) => {
    const raw = await formFields(c);
    const shape = formShape(raw["platform"] ?? "");
    try {
      const account = await createAccount(
        accountDeps(c),
        signedIn(c),
        {
          name: (raw["name"] ?? "").trim(),
          platform: raw["platform"]!,
          baseUrl: raw["baseUrl"] ?? "",
          credentials: typed(raw, "credentials", shape.credentialFields),
          settings: typed(raw, "settings", shape.settingFields),
        },
        c.req.header("CF-Connecting-IP"),
      );
      return redirectWithFlash(c, `/platform-accounts/${account.id}`, { kind: "success", message: `${account.name} saved. Test the connection next.` });
    } catch (err) {
      const errors = fieldErrors(err);
      if (!errors) throw err;
      if (!raw["name"]?.trim()) errors["name"] = "Is required";
      const values = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith("credentials.") && k !== "_csrf"));
      return render(
        c,
        "Add a platform account",
        <AccountFormPage csrf={csrfFor(c)} platform={{ key: raw["platform"]!, label: shape.connector.facts.label }} {...shape} values={values} errors={errors} message="Please correct the fields below." />,
        { status: 400, active: "/platform-accounts" },
      );
    }
  })
  .get("/platform-accounts/:id", (c) => accountPage(c, c.req.param("id")))
  .post("/platform-accounts/:id", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const account = await getAccount(c.get("db"), scopeOf(signedIn(c)), id);
    const shape = formShape(account.platform);
    const raw = await formFields(c);
    try {
      await updateAccount(
        accountDeps(c),
        signedIn(c),
        id,
        { name: raw["name"]?.trim() || undefined, baseUrl: raw["baseUrl"] || undefined, credentials: typed(raw, "credentials", shape.credentialFields), settings: typed(raw, "settings", shape.settingFields) },
        c.req.header("CF-Connecting-IP"),
      );
      return redirectWithFlash(c, `/platform-accounts/${id}`, { kind: "success", message: "Changes saved." });
    } catch (err) {
      const errors = fieldErrors(err);
      if (!errors) throw err;
      return accountPage(c, id, { errors, message: "Please correct the fields below.", status: 400 });
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
    const cached = await getPicklists(accountDeps(c), scopeOf(signedIn(c)), c.req.param("id"));
    return c.html(<PicklistsFragment {...cached} />);
  })
  .post("/platform-accounts/:id/picklists/refresh", requireRole("admin"), async (c) => {
    const cached = await refreshPicklists(accountDeps(c), scopeOf(signedIn(c)), c.req.param("id"));
    if (isHtmx(c)) return c.html(<PicklistsFragment {...cached} />);
    return redirectWithFlash(c, `/platform-accounts/${c.req.param("id")}`, { kind: "success", message: "Platform data refreshed." });
  });
