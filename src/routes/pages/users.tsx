// The Users page: the same services as /api/v1/users and /api/v1/invitations, driven by forms.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { requireRole } from "../../auth/authenticate";
import { hasRole, scopeOf } from "../../auth/principal";
import { roleSchema } from "../../schemas/common";
import { createInvitationSchema } from "../../schemas/invitations";
import { deleteUser, listUsers, updateUser } from "../../services/users";
import { createInvitation, listInvitations, revokeInvitation } from "../../services/invitations";
import { accountEmailChannel } from "../../services/account-email";
import { UsersPage } from "../../../views/pages/users";
import { ResetLinkPage } from "../../../views/pages/passwords";
import { InvitationLinkPage } from "../../../views/pages/invitations";
import { createResetLink, emailResetLink, resetUrl } from "../../services/passwords";
import type { FieldErrors } from "../../../views/components/form";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";
import { fieldErrorsOf } from "./form-errors";

async function usersPage(
  c: Context<AppEnv>,
  extra: { errors?: FieldErrors; values?: Record<string, string | undefined>; message?: string; status?: 400 | 403 | 409 } = {},
) {
  const principal = signedIn(c);
  const db = c.get("db");
  const page = await listUsers(db, scopeOf(principal), { limit: 200 });
  const invitations = hasRole(principal, "admin") ? await listInvitations(db, scopeOf(principal)) : [];
  return render(
    c,
    "Users",
    <UsersPage
      principal={principal}
      users={page.data}
      invitations={invitations}
      emailEnabled={Boolean(accountEmailChannel(c.env))}
      csrf={csrfFor(c)}
      errors={extra.errors}
      values={extra.values}
      message={extra.message}
    />,
    { active: "/users", status: extra.status ?? 200 },
  );
}

export const usersPages = new Hono<AppEnv>()
  .get("/users", (c) => usersPage(c))
  .post("/invitations", requireRole("admin"), async (c) => {
    const form = await parseForm(c, createInvitationSchema);
    if (!form.ok) return usersPage(c, { errors: form.errors, values: form.raw, message: "Please correct the fields below.", status: 400 });
    const principal = signedIn(c);
    try {
      const made = await createInvitation(c.get("db"), principal, form.data, { origin: new URL(c.req.url).origin, email: accountEmailChannel(c.env), ip: c.req.header("CF-Connecting-IP"), operatorEmails: c.get("config").operatorEmails });
      // render() marks every page `Cache-Control: no-store`: the link is in this answer only.
      return render(
        c,
        "Invitation",
        <InvitationLinkPage email={made.invitation.email} role={made.invitation.role} url={`${new URL(c.req.url).origin}/invite/${made.token}`} expiresAt={made.invitation.expiresAt} emailed={made.emailed} />,
        { active: "/users", status: 201 },
      );
    } catch (err) {
      // An address in use, or a role above the inviter's: said next to the field it is about.
      if (err instanceof ApiError && (err.code === "conflict" || err.code === "forbidden")) {
        const field = err.code === "conflict" || (err.details as { fields?: unknown } | undefined)?.fields ? "email" : "role";
        return usersPage(c, { errors: { [field]: err.message }, values: form.data, status: err.code === "conflict" ? 409 : 403 });
      }
      const errors = fieldErrorsOf(err);
      if (errors) return usersPage(c, { errors, values: form.data, message: "Please correct the fields below.", status: 400 });
      throw err;
    }
  })
  .post("/invitations/:id/revoke", requireRole("admin"), async (c) => {
    await revokeInvitation(c.get("db"), signedIn(c), c.req.param("id"), c.req.header("CF-Connecting-IP"));
    return redirectWithFlash(c, "/users", { kind: "success", message: "Invitation revoked: its link no longer works." });
  })
  .post("/users/:id/role", requireRole("admin"), async (c) => {
    const form = await parseForm(c, z.object({ role: roleSchema }));
    if (!form.ok) throw new ApiError("invalid_input", "Choose a role.");
    const user = await updateUser(c.get("db"), signedIn(c), c.req.param("id"), { role: form.data.role }, c.req.header("CF-Connecting-IP"));
    return redirectWithFlash(c, "/users", { kind: "success", message: `${user.email} is now ${user.role}.` });
  })
  .post("/users/:id/password-reset", requireRole("admin"), async (c) => {
    const principal = signedIn(c);
    const ip = c.req.header("CF-Connecting-IP");
    const link = await createResetLink(c.get("db"), principal, c.req.param("id"), ip);
    const url = resetUrl(c, link.token);
    const emailed = await emailResetLink(c.get("db"), accountEmailChannel(c.env), principal, { ...link, url }, ip);
    // render() marks every page `Cache-Control: no-store`: the link is in this answer only.
    return render(c, "Password link", <ResetLinkPage email={link.user.email} url={url} expiresAt={link.expiresAt} emailed={emailed} />, { active: "/users", status: 201 });
  })
  .post("/users/:id/delete", requireRole("admin"), async (c) => {
    await deleteUser(c.get("db"), signedIn(c), c.req.param("id"), c.req.header("CF-Connecting-IP"));
    return redirectWithFlash(c, "/users", { kind: "success", message: "User removed." });
  });
