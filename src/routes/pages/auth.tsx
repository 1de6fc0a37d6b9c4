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
import { auditFailedSignIn, userForSignIn } from "../../services/sign-in";
import { signInSucceeded, takeSignInAttempt, throttledMessage } from "../../auth/sign-in-throttle";
import { isSetUp, setUp } from "../../services/setup";
import { LoginPage } from "../../../views/pages/login";
import { SetupDonePage, SetupPage } from "../../../views/pages/setup";
import { csrfFor, parseForm, redirectWithFlash, render } from "./render";
import { fieldErrorsOf } from "./form-errors";

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
    let result: Awaited<ReturnType<typeof setUp>>;
    try {
      result = await setUp(db, form.data, { withSession: true, ip: c.req.header("CF-Connecting-IP") });
    } catch (err) {
      // A password too easy to guess: said next to the field, with the other values kept.
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      const values = { organisationName: form.data.organisation.name, ownerName: form.data.owner.name, ownerEmail: form.data.owner.email };
      return render(c, "Set up", <SetupPage csrf={csrfFor(c)} values={values} errors={errors} message="Please correct the fields below." />, { status: 400 });
    }
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
    const ip = c.req.header("CF-Connecting-IP");
    const form = await parseForm(c, loginSchema);
    const email = form.ok ? form.data.email : (form.raw["email"] ?? "");
    const next = safeNext(form.ok ? form.data.next : form.raw["next"]);
    if (!form.ok) return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} email={email} message={WRONG_CREDENTIALS} next={next} />, { status: 401 });
    // Throttled before anything is looked up: the same answer whether the account exists or not.
    const keys = { email: form.data.email, ip };
    const taken = await takeSignInAttempt(c.env.SIGN_IN_THROTTLE, keys);
    if ("retryAfter" in taken) {
      c.header("Retry-After", String(taken.retryAfter));
      return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} email={email} message={throttledMessage(taken.retryAfter)} next={next} />, { status: 429 });
    }
    const user = await userForSignIn(db, form.data.email, form.data.password);
    if (!user) {
      // The attempt was counted when it was taken: a failure stays counted.
      // An unknown email belongs to no organisation's log, so it goes to the Worker's log.
      if (!(await auditFailedSignIn(db, form.data.email, ip))) {
        console.warn(JSON.stringify({ event: "sign_in_failed_unknown_email", email: form.data.email, ip: ip ?? null }));
      }
      return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} email={email} message={WRONG_CREDENTIALS} next={next} />, { status: 401 });
    }
    const session = await createSession(db, user);
    await db.batch([session.insert, auditEntry(db, { orgId: user.orgId, userId: user.id, label: user.email }, { action: "session.signed_in" }, ip)]);
    await signInSucceeded(taken.attempt);
    writeSessionCookie(c, session.token);
    return c.redirect(next, 303);
  })
  .post("/logout", async (c) => {
    const principal = c.get("principal");
    if (principal?.sessionId) {
      const db = c.get("db");
      await endSession(db, principal.sessionId);
      await auditEntry(db, principal, { action: "session.signed_out" }, c.req.header("CF-Connecting-IP")).run();
    }
    clearSessionCookie(c);
    return redirectWithFlash(c, "/login", { kind: "info", message: "You are signed out." });
  });
