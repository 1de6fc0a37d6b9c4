// The Users page: the same services as /api/v1/users, driven by forms.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../api/error-codes";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { roleSchema } from "../../schemas/common";
import { createUserSchema } from "../../schemas/users";
import { createUser, deleteUser, listUsers, updateUser } from "../../services/users";
import { UsersPage } from "../../../views/pages/users";
import type { FieldErrors } from "../../../views/components/form";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";

async function usersPage(
  c: Context<AppEnv>,
  extra: { errors?: FieldErrors; values?: Record<string, string | undefined>; message?: string; status?: 400 | 409 } = {},
) {
  const principal = signedIn(c);
  const page = await listUsers(c.get("db"), scopeOf(principal), { limit: 200 });
  return render(
    c,
    "Users",
    <UsersPage principal={principal} users={page.data} csrf={csrfFor(c)} errors={extra.errors} values={extra.values} message={extra.message} />,
    { active: "/users", status: extra.status ?? 200 },
  );
}

export const usersPages = new Hono<AppEnv>()
  .get("/users", (c) => usersPage(c))
  .post("/users", requireRole("admin"), async (c) => {
    const form = await parseForm(c, createUserSchema);
    if (!form.ok) return usersPage(c, { errors: form.errors, values: form.raw, message: "Please correct the fields below.", status: 400 });
    try {
      const user = await createUser(c.get("db"), signedIn(c), form.data, c.req.header("CF-Connecting-IP"));
      return redirectWithFlash(c, "/users", { kind: "success", message: `${user.email} can now sign in.` });
    } catch (err) {
      if (err instanceof ApiError && err.code === "conflict") {
        return usersPage(c, { errors: { email: "A user with this email is already in your organisation." }, values: { name: form.data.name, email: form.data.email, role: form.data.role }, status: 409 });
      }
      throw err;
    }
  })
  .post("/users/:id/role", requireRole("admin"), async (c) => {
    const form = await parseForm(c, z.object({ role: roleSchema }));
    if (!form.ok) throw new ApiError("invalid_input", "Choose a role.");
    const user = await updateUser(c.get("db"), signedIn(c), c.req.param("id"), { role: form.data.role }, c.req.header("CF-Connecting-IP"));
    return redirectWithFlash(c, "/users", { kind: "success", message: `${user.email} is now ${user.role}.` });
  })
  .post("/users/:id/delete", requireRole("admin"), async (c) => {
    await deleteUser(c.get("db"), signedIn(c), c.req.param("id"), c.req.header("CF-Connecting-IP"));
    return redirectWithFlash(c, "/users", { kind: "success", message: "User removed." });
  });
