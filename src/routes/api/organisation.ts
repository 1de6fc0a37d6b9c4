// The caller's own organisation: what deleting it would erase, and deleting it.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { deleteOrganisationSchema, deletionPreviewSchema } from "../../schemas/organisation";
import { deleteOrganisation, deletionPreview } from "../../services/organisation-deletion";

const tags = ["Organisation"];

export const organisationApi = new Hono<AppEnv>()
  .get(
    "/organisation/deletion-preview",
    describe({
      summary: "What deleting your organisation erases",
      description: "Its users, API tokens, platform accounts (credentials) and every connection it is on, with each partner's name.",
      tags,
      access: "owner",
      responses: { 200: { description: "What would go.", schema: deletionPreviewSchema } },
    }),
    async (c) => c.json(await deletionPreview(c.get("db"), scopeOf(c.get("principal")!))),
  )
  .delete(
    "/organisation",
    describe({
      summary: "Delete your organisation",
      description:
        "Owner only, with the organisation's name typed as `confirm`. At once and for good: platform credentials and webhook secrets are " +
        "destroyed; users, tokens, sessions, settings, the audit log and every connection it is on (links and history, for the partner " +
        "too) are deleted. Each partner's audit log records that the connection ended. Tickets on the platforms stay.",
      tags,
      access: "owner",
      responses: { 204: { description: "Deleted." } },
    }),
    jsonBody(deleteOrganisationSchema),
    async (c) => {
      await deleteOrganisation(c.get("db"), c.get("principal")!, c.req.valid("json"), c.req.header("CF-Connecting-IP") ?? null);
      return c.body(null, 204);
    },
  );
