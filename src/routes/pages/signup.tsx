// The partner's way in, public like sign-in: the invitation link /accept?code=… and sign-up.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { writeSessionCookie } from "../../auth/cookies";
import { signupSchema } from "../../schemas/signup";
import { findInvitation } from "../../services/connection-invitations";
import { signUp } from "../../services/signup";
import { AcceptLandingPage, SignupDonePage, SignupPage, type InvitationProblem, type SignupValues } from "../../../views/pages/signup";
import { platformLabels } from "./connections";
import { fieldErrorsOf } from "./form-errors";
import { csrfFor, parseForm, render } from "./render";

const acceptPath = (code: string) => `/connections/accept?code=${encodeURIComponent(code)}`;

function signupAgain(c: Context<AppEnv>, values: SignupValues, errors: Record<string, string>, message: string, status: 400 | 403 | 429 = 400) {
  return render(c, "Sign up", <SignupPage csrf={csrfFor(c)} mode={c.get("config").signup} values={values} errors={errors} message={message} />, { status });
}

export const signupPages = new Hono<AppEnv>()
  .get("/accept", async (c) => {
    const code = (c.req.query("code") ?? "").trim().slice(0, 64);
    // Someone signed in already belongs to an organisation: straight to choosing its account.
    if (c.get("principal")?.via === "session" && code) return c.redirect(acceptPath(code), 303);
    const invitation = code ? await findInvitation(c.get("db"), code) : null;
    let problem: InvitationProblem | null = null;
    if (!code) problem = "missing";
    else if (!invitation) problem = "unknown";
    else if (invitation.claimedByOrgId) problem = "claimed";
    else if (invitation.expired) problem = "expired";
    return render(
      c,
      invitation ? `${invitation.invitedBy} invites you` : "Join a connection",
      <AcceptLandingPage invitation={invitation} problem={problem} code={code} csrf={csrfFor(c)} mode={c.get("config").signup} labels={platformLabels} />,
      { status: problem === "missing" || problem === "unknown" ? 404 : 200 },
    );
  })
  .get("/signup", (c) => {
    const mode = c.get("config").signup;
    return render(c, "Sign up", <SignupPage csrf={csrfFor(c)} mode={mode} values={{ code: c.req.query("code") }} />, { status: mode === "closed" ? 403 : 200 });
  })
  .post("/signup", async (c) => {
    const form = await parseForm(c, signupSchema);
    const raw = form.ok ? null : form.raw;
    const values: SignupValues = form.ok
      ? { organisationName: form.data.organisation.name, ownerName: form.data.owner.name, ownerEmail: form.data.owner.email, code: form.data.code }
      : { organisationName: raw!["organisation.name"], ownerName: raw!["owner.name"], ownerEmail: raw!["owner.email"], code: raw!["code"] };
    if (!form.ok) return signupAgain(c, values, form.errors, "Please correct the fields below.");
    try {
      const deps = { db: c.get("db"), throttle: c.env.SIGN_IN_THROTTLE, mode: c.get("config").signup, operatorEmails: c.get("config").operatorEmails };
      const result = await signUp(deps, form.data, { withSession: true, ip: c.req.header("CF-Connecting-IP") });
      writeSessionCookie(c, result.sessionToken!);
      const next = form.data.code ? acceptPath(form.data.code) : "/";
      return render(c, "Ready", <SignupDonePage token={result.token} next={next} invitedBy={result.invitation?.invitedBy ?? null} />, { status: 201 });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return signupAgain(c, values, errors, "Please correct the fields below.");
      if (!(err instanceof ApiError)) throw err;
      if (err.code === "rate_limited") {
        c.header("Retry-After", err.headers?.["Retry-After"] ?? "3600");
        return signupAgain(c, values, {}, err.message, 429);
      }
      if (err.code === "invitation_required") return signupAgain(c, values, { code: err.message }, "This install needs a verification code to sign up.", 403);
      if (err.code.startsWith("invitation_")) return signupAgain(c, values, { code: err.message }, "The verification code cannot be used.");
      if (err.code === "signup_closed") return signupAgain(c, values, {}, err.message, 403);
      throw err;
    }
  });
