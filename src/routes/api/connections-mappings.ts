// Field mappings of a connection, and the preview of the description builder.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { idParamSchema } from "../../schemas/common";
import { putMappingsSchema } from "../../schemas/connections";
import { getConnection } from "../../services/connections";
import { listMappings, replaceMappings } from "../../services/field-mappings";
import { buildDescription, emptyTicket, sampleTicket } from "../../sync/description-builder";
import { descriptionPreviewSchema, mappingsViewSchema } from "../../schemas/connection-views";

const tags = ["Connections"];

export const connectionMappingsApi = new Hono<AppEnv>()
  .get(
    "/connections/:id/mappings",
    describe({
      summary: "List field mappings",
      description: "With value pairs and, once both sides' picklists are cached, the picklist values that have no pair yet.",
      tags,
      access: "viewer",
      responses: { 200: { description: "The mappings, in order.", schema: mappingsViewSchema } },
    }),
    params(idParamSchema),
    async (c) => c.json(await listMappings(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id)),
  )
  .put(
    "/connections/:id/mappings",
    describe({
      summary: "Replace the field mappings",
      description:
        "Replaces the whole set at once; it takes effect on the next run. Refused (400) when one value would translate to two, " +
        "a direct mapping has pairs, a mapping repeats, it would write ticketType, or (once that side's picklists are cached) it names a " +
        "custom field the side's platform does not list. Custom fields are stored as `customFields.<id>`, the id its side's picklists give " +
        "(`customFields[].id`); a display name naming exactly one field is stored as that id.",
      tags,
      access: "admin",
      responses: { 200: { description: "The saved mappings.", schema: mappingsViewSchema } },
    }),
    params(idParamSchema),
    jsonBody(putMappingsSchema),
    async (c) =>
      c.json(await replaceMappings(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.valid("json"), c.req.header("CF-Connecting-IP") ?? null)),
  )
  .post(
    "/connections/:id/description-preview",
    describe({
      summary: "Preview the built description",
      description: "Renders the description a created ticket would get, for the given sample ticket or a built-in one.",
      tags,
      access: "admin",
      responses: { 200: { description: "The composed description.", schema: z.object({ description: z.string() }) } },
    }),
    params(idParamSchema),
    jsonBody(descriptionPreviewSchema),
    async (c) => {
      const input = c.req.valid("json");
      const connection = await getConnection(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id);
      const config = input.description ?? connection.settings.description;
      const ticket = input.ticket ? { ...emptyTicket(), ...input.ticket } : sampleTicket();
      return c.json({ description: buildDescription(ticket, config) });
    },
  );
