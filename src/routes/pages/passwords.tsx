// Password pages: your own change on /account; the one-time link pages another user opens.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { passwordSchema } from "../../schemas/common";
import { changeOwnPasswordSchema } from "../../schemas/users";
import { changeOwnPassword, findResetLink, resetPasswordWithLink } from "../../services/passwords";
import { AccountPage, ResetLinkInvalidPage, SetPasswordPage } from "../../../views/pages/passwords";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";
import { fieldErrorsOf } from "./form-errors";

const ended = (tokensRevoked: number) =>
  `Your other sessions were signed out${tokensRevoked ? ` and ${tokensRevoked} API token${tokensRevoked === 1 ? " was" : "s were"} revoked` : ""}.`;

/** Signed-in: anyone, viewers too, may change their own password. */
export const accountPages = new Hono<AppEnv>()
  .get("/account", (c) => render(c, "Your account", <AccountPage principal={signedIn(c)} csrf={csrfFor(c)} />))
  .post("/account/password", async (c) => {
    const principal = signedIn(c);
    const form = await parseForm(c, changeOwnPasswordSchema);
    if (!form.ok) return render(c, "Your account", <AccountPage principal={principal} csrf={csrfFor(c)} errors={form.errors} message="Please correct the fields below." />, { status: 400 });
    try {
      const change = await changeOwnPassword({ db: c.get("db"), throttle: c.env.SIGN_IN_THROTTLE }, principal, form.data, c.req.header("CF-Connecting-IP"));
      return redirectWithFlash(c, "/account", { kind: "success", message: `Password changed. ${ended(change.tokensRevoked)}` });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return render(c, "Your account", <AccountPage principal={principal} csrf={csrfFor(c)} errors={errors} message="Please correct the fields below." />, { status: 400 });
      if (err instanceof ApiError && err.code === "rate_limited") {
        for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
        return render(c, "Your account", <AccountPage principal={principal} csrf={csrfFor(c)} message={err.message} />, { status: 429 });
      }
      throw err;
    }
  });

/** Public: the page a one-time link opens. The token is the only credential, so it is checked first. */
export const resetPasswordPages = new Hono<AppEnv>()
  .get("/reset-password/:token", async (c) => {
    try {
      const { user } = await findResetLink(c.get("db"), c.req.param("token"));
      return render(c, "Set your password", <SetPasswordPage csrf={csrfFor(c)} token={c.req.param("token")} email={user.email} />);
    } catch (err) {
      if (err instanceof ApiError && err.code === "not_found") return render(c, "Link not valid", <ResetLinkInvalidPage message={err.message} />, { status: 404 });
      throw err;
    }
  })
  .post("/reset-password/:token", async (c) => {
    const token = c.req.param("token");
    const db = c.get("db");
    const form = await parseForm(c, z.object({ password: passwordSchema }));
    try {
      if (!form.ok) {
        const { user } = await findResetLink(db, token);
        return render(c, "Set your password", <SetPasswordPage csrf={csrfFor(c)} token={token} email={user.email} errors={form.errors} message="Please correct the fields below." />, { status: 400 });
      }
      const done = await resetPasswordWithLink(db, token, form.data.password, c.req.header("CF-Connecting-IP"));
      return redirectWithFlash(c, "/login", { kind: "success", message: `Password set for ${done.email}. Sign in with it. Your other sessions were ended and your API tokens revoked.` });
    } catch (err) {
      if (err instanceof ApiError && err.code === "not_found") return render(c, "Link not valid", <ResetLinkInvalidPage message={err.message} />, { status: 404 });
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      const { user } = await findResetLink(db, token);
      return render(c, "Set your password", <SetPasswordPage csrf={csrfFor(c)} token={token} email={user.email} errors={errors} message="Please correct the fields below." />, { status: 400 });
    }
  });
