// First-run setup, sign-in and sign-out pages.
import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { users } from "../../db/schema";
import { dummyPasswordHash, verifyPassword } from "../../crypto/password";
import { clearSessionCookie, writeSessionCookie } from "../../auth/cookies";
import { emailSchema } from "../../schemas/common";
import { setupSchema } from "../../schemas/setup";
import { auditEntry } from "../../services/audit";
import { createSession, endSession } from "../../services/sessions";
import { recordSignInFailure, recordSignInSuccess, signInRetryAfter, throttledMessage } from "../../auth/sign-in-throttle";
import { isSetUp, setUp } from "../../services/setup";
import { LoginPage } from "../../../views/pages/login";
import { SetupDonePage, SetupPage } from "../../../views/pages/setup";
import { csrfFor, parseForm, redirectWithFlash, render } from "./render";
import { fieldErrorsOf } from "./form-errors";

/** One message for an unknown email and a wrong password: no hint which one it was. */
const WRONG_CREDENTIALS = "Wrong email or password.";

const loginSchema = z.object({ email: emailSchema, password: z.string().min(1), next: z.string().optional() });

/** Only same-site paths: `next=//evil.example` must not turn sign-in into an open redirect. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

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
    return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} next={c.req.query("next")} />);
  })
  .post("/login", async (c) => {
    const db = c.get("db");
    const ip = c.req.header("CF-Connecting-IP");
    const form = await parseForm(c, loginSchema);
    const email = form.ok ? form.data.email : (form.raw["email"] ?? "");
    const next = form.ok ? form.data.next : form.raw["next"];
    if (!form.ok) return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} email={email} message={WRONG_CREDENTIALS} next={next} />, { status: 401 });
    // Throttled before anything is looked up: the same answer whether the account exists or not.
    const keys = { email: form.data.email, ip };
    const retryAfter = await signInRetryAfter(c.env.SIGN_IN_THROTTLE, keys);
    if (retryAfter !== null) {
      c.header("Retry-After", String(retryAfter));
      return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} email={email} message={throttledMessage(retryAfter)} next={next} />, { status: 429 });
    }
    const [user] = await db.select().from(users).where(eq(users.email, form.data.email)).limit(1);
    // Always spend one password hash, so an unknown email answers as slowly as a wrong password.
    const valid = await verifyPassword(form.data.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !valid) {
      await recordSignInFailure(c.env.SIGN_IN_THROTTLE, keys);
      // An organisation's log shows attempts on its users; an unknown email belongs to nobody's
      // log, so it goes to the Worker's log. Never the password.
      if (user) {
        await auditEntry(db, { orgId: user.orgId, userId: null, label: form.data.email }, { action: "session.sign_in_failed", targetType: "user", targetId: user.id, details: { email: form.data.email } }, ip).run();
      } else {
        console.warn(JSON.stringify({ event: "sign_in_failed_unknown_email", email: form.data.email, ip: ip ?? null }));
      }
      return render(c, "Sign in", <LoginPage csrf={csrfFor(c)} email={email} message={WRONG_CREDENTIALS} next={next} />, { status: 401 });
    }
    const session = await createSession(db, user);
    await db.batch([session.insert, auditEntry(db, { orgId: user.orgId, userId: user.id, label: user.email }, { action: "session.signed_in" }, ip)]);
    await recordSignInSuccess(c.env.SIGN_IN_THROTTLE, keys);
    writeSessionCookie(c, session.token);
    return c.redirect(safeNext(next), 303);
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
