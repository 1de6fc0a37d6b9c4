// First-run setup, sign-in and sign-out pages.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { clearSessionCookie, writeSessionCookie } from "../../auth/cookies";
import { safeNext } from "../../auth/safe-next";
import { emailSchema } from "../../schemas/common";
import { setupSchema } from "../../schemas/setup";
import { auditEntry } from "../../services/audit";
import { createSession, endSession } from "../../services/sessions";
import { userForSignIn } from "../../services/sign-in";
import { isSetUp, setUp } from "../../services/setup";
import { LoginPage } from "../../../views/pages/login";
import { SetupDonePage, SetupPage } from "../../../views/pages/setup";
import { csrfFor, parseForm, redirectWithFlash, render } from "./render";

/** One message for an unknown email and a wrong password: no hint which one it was. */
const WRONG_CREDENTIALS = "Wrong email or password.";

const loginSchema = z.object({ email: emailSchema, password: z.string().min(1), next: z.string().optional() });

export const authPages = new Hono<AppEnv>()
  .get("/setup", async (c) => {
    if (await isSetUp(c.get("db"))) return c.redirect("/login", 303);
    return render(c, "Set up", <SetupPage csrf={csrfFor(c)} />);
  })
  .post("/setup", async (c) => {
    const db = c.get("db");
    if (await isSetUp(db)) throw new ApiError("already_set_up", "Lockstep is already set up. Sign in instead.");
    const form = await parseForm(c, setupSchema);
    if (!form.ok) {
      const values = { organisationName: form.raw["organisation.name"], ownerName: form.raw["owner.name"], ownerEmail: form.raw["owner.email"] };
      return render(c, "Set up", <SetupPage csrf={csrfFor(c)} values={values} errors={form.errors} message="Please correct the fields below." />, { status: 400 });
    }
    const result = await setUp(db, form.data, { withSession: true, ip: c.req.header("CF-Connecting-IP") });
    writeSessionCookie(c, result.sessionToken!);
    return render(c, "Ready", <SetupDonePage token={result.token} />, { status: 201 });
  })
  .get("/login", async (c) => {
    if (!(await isSetUp(c.get("db")))) return c.redirect("/setup", 303);
    if (c.get("principal")?.via === "session") return c.redirect(safeNext(c.req.query("next")), 303);
    // Checked now, so a hostile `next` is neither carried by the form nor followed later.
    return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} next={safeNext(c.req.query("next"))} />);
  })
  .post("/login", async (c) => {
    const db = c.get("db");
    const form = await parseForm(c, loginSchema);
    const email = form.ok ? form.data.email : (form.raw["email"] ?? "");
    const next = safeNext(form.ok ? form.data.next : form.raw["next"]);
    const user = form.ok ? await userForSignIn(db, form.data.email, form.data.password) : null;
    if (!user || !form.ok) {
      return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} email={email} message={WRONG_CREDENTIALS} next={next} />, { status: 401 });
    }
    const session = await createSession(db, user);
    await db.batch([session.insert, auditEntry(db, { orgId: user.orgId, userId: user.id, label: user.email }, { action: "session.signed_in" }, c.req.header("CF-Connecting-IP"))]);
    writeSessionCookie(c, session.token);
    return c.redirect(next, 303);
  })
  .post("/logout", async (c) => {
    const principal = c.get("principal");
    if (principal?.sessionId) await endSession(c.get("db"), principal.sessionId);
    clearSessionCookie(c);
    return redirectWithFlash(c, "/login", { kind: "info", message: "You are signed out." });
  });
