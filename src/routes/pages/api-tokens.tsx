// The API tokens page. A new token is rendered in the response to its creation and nowhere else.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { createApiTokenSchema } from "../../schemas/api-tokens";
import { createApiToken, listTokens, revokeApiToken } from "../../services/api-tokens";
import { ApiTokensPage } from "../../../views/pages/api-tokens";
import type { FieldErrors } from "../../../views/components/form";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";

async function tokensPage(c: Context<AppEnv>, extra: { created?: { name: string; token: string }; errors?: FieldErrors; status?: 200 | 201 | 400 } = {}) {
  const principal = signedIn(c);
  const page = await listTokens(c.get("db"), scopeOf(principal), { limit: 200 });
  return render(
    c,
    "API tokens",
    <ApiTokensPage principal={principal} tokens={page.data} csrf={csrfFor(c)} created={extra.created} errors={extra.errors} message={extra.errors ? "Please correct the fields below." : undefined} />,
    { active: "/tokens", status: extra.status ?? 200 },
  );
}

export const apiTokensPages = new Hono<AppEnv>()
  .use("/tokens/*", requireRole("admin"))
  .use("/tokens", requireRole("admin"))
  .get("/tokens", (c) => tokensPage(c))
  .post("/tokens", async (c) => {
    const form = await parseForm(c, createApiTokenSchema);
    if (!form.ok) return tokensPage(c, { errors: form.errors, status: 400 });
    const created = await createApiToken(c.get("db"), signedIn(c), form.data, c.req.header("CF-Connecting-IP"));
    return tokensPage(c, { created: { name: created.name, token: created.token }, status: 201 });
  })
  .post("/tokens/:id/revoke", async (c) => {
    await revokeApiToken(c.get("db"), signedIn(c), c.req.param("id"), c.req.header("CF-Connecting-IP"));
    return redirectWithFlash(c, "/tokens", { kind: "success", message: "Token revoked." });
  });
