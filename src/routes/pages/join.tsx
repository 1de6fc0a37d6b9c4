// Public: the page a team invitation link opens. The token is the only credential, so it is
// checked first; on success the invitee is signed in, as after setup.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { writeSessionCookie } from "../../auth/cookies";
import { nameSchema, passwordSchema } from "../../schemas/common";
import { acceptInvitation, findInvitation } from "../../services/invitations";
import { createSession } from "../../services/sessions";
import { auditEntry } from "../../services/audit";
import { InvitationInvalidPage, JoinPage, type JoinValues } from "../../../views/pages/invitations";
import type { FieldErrors } from "../../../views/components/form";
import { csrfFor, parseForm, redirectWithFlash, render } from "./render";
import { fieldErrorsOf } from "./form-errors";

const joinSchema = z.object({ name: nameSchema, password: passwordSchema });

async function joinPage(c: Context<AppEnv>, token: string, extra: { values?: JoinValues; errors?: FieldErrors; message?: string; status?: 400 | 403 | 409 } = {}) {
  const { invitation, orgName, invitedBy } = await findInvitation(c.get("db"), token);
  return render(
    c,
    `Join ${orgName}`,
    <JoinPage csrf={csrfFor(c)} token={token} email={invitation.email} orgName={orgName} role={invitation.role} invitedBy={invitedBy} values={extra.values} errors={extra.errors} message={extra.message} />,
    { status: extra.status ?? 200 },
  );
}

function invalid(c: Context<AppEnv>, err: unknown) {
  if (err instanceof ApiError && err.code === "not_found") return render(c, "Invitation not valid", <InvitationInvalidPage message={err.message} />, { status: 404 });
  throw err;
}

export const joinPages = new Hono<AppEnv>()
  .get("/invite/:token", async (c) => {
    try {
      return await joinPage(c, c.req.param("token"));
    } catch (err) {
      return invalid(c, err);
    }
  })
  .post("/invite/:token", async (c) => {
    const token = c.req.param("token");
    const db = c.get("db");
    const ip = c.req.header("CF-Connecting-IP");
    const form = await parseForm(c, joinSchema);
    try {
      if (!form.ok) return await joinPage(c, token, { values: { name: form.raw["name"] }, errors: form.errors, message: "Please correct the fields below.", status: 400 });
      let accepted: Awaited<ReturnType<typeof acceptInvitation>>;
      try {
        accepted = await acceptInvitation(db, token, form.data, { ip, operatorEmails: c.get("config").operatorEmails });
      } catch (err) {
        const errors = fieldErrorsOf(err);
        if (errors) return await joinPage(c, token, { values: { name: form.data.name }, errors, message: "Please correct the fields below.", status: 400 });
        if (err instanceof ApiError && (err.code === "conflict" || err.code === "forbidden")) return await joinPage(c, token, { values: { name: form.data.name }, message: err.message, status: err.code === "forbidden" ? 403 : 409 });
        throw err;
      }
      const { user, orgName } = accepted;
      const session = await createSession(db, user);
      await db.batch([session.insert, auditEntry(db, { orgId: user.orgId, userId: user.id, label: user.email }, { action: "session.signed_in" }, ip)]);
      writeSessionCookie(c, session.token);
      return redirectWithFlash(c, "/", { kind: "success", message: `Welcome to ${orgName}: you are signed in as ${user.email}.` });
    } catch (err) {
      return invalid(c, err);
    }
  });
