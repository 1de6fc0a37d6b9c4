// Deleting the signed-in owner's organisation, with every consequence shown first.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireRole } from "../../auth/authenticate";
import { clearSessionCookie } from "../../auth/cookies";
import { scopeOf } from "../../auth/principal";
import { deleteOrganisationSchema } from "../../schemas/organisation";
import { deleteOrganisation, deletionPreview } from "../../services/organisation-deletion";
import { DeleteOrganisationPage } from "../../../views/pages/organisation";
import { fieldErrorsOf } from "./form-errors";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";

export const organisationPages = new Hono<AppEnv>()
  .get("/organisation/delete", requireRole("owner"), async (c) =>
    render(c, "Delete the organisation", <DeleteOrganisationPage preview={await deletionPreview(c.get("db"), scopeOf(signedIn(c)))} csrf={csrfFor(c)} />),
  )
  .post("/organisation/delete", requireRole("owner"), async (c) => {
    const principal = signedIn(c);
    const again = async (errors: Record<string, string>) =>
      render(c, "Delete the organisation", <DeleteOrganisationPage preview={await deletionPreview(c.get("db"), scopeOf(principal))} csrf={csrfFor(c)} errors={errors} message="Nothing was deleted." />, {
        status: 400,
      });
    const form = await parseForm(c, deleteOrganisationSchema);
    if (!form.ok) return again(form.errors);
    try {
      const deleted = await deleteOrganisation(c.get("db"), principal, form.data, c.req.header("CF-Connecting-IP") ?? null);
      clearSessionCookie(c);
      return redirectWithFlash(c, "/login", { kind: "info", message: `${deleted.organisation.name} was deleted.` });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return again(errors);
      throw err;
    }
  });
