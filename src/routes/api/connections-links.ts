// Ticket links of a connection: search, link two existing tickets, unlink one pair.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params, query } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { pageSchema } from "../../lib/pagination";
import { idParamSchema } from "../../schemas/common";
import { bulkLink, createLink, listLinks, unlink } from "../../services/ticket-links";
import { bulkLinkResultSchema, bulkLinkSchema, createLinkSchema, listLinksQuerySchema, ticketLinkViewSchema } from "../../schemas/connection-views";
import { accountDeps } from "./deps";

const tags = ["Ticket links"];
const ip = (h: string | undefined) => h ?? null;

export const connectionLinksApi = new Hono<AppEnv>()
  .get(
    "/connections/:id/links",
    describe({ summary: "Search ticket links", tags, access: "viewer", responses: { 200: { description: "A page of links, newest first.", schema: pageSchema(ticketLinkViewSchema) } } }),
    params(idParamSchema),
    query(listLinksQuerySchema),
    async (c) => c.json(await listLinks(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id, c.req.valid("query"))),
  )
  .post(
    "/connections/:id/links",
    describe({
      summary: "Link two existing tickets",
      description: "From now on they are kept in step instead of a copy being created. 409 when either ticket is already linked here.",
      tags,
      access: "admin",
      responses: { 201: { description: "Linked.", schema: ticketLinkViewSchema } },
      errors: ["conflict"],
    }),
    params(idParamSchema),
    jsonBody(createLinkSchema),
    async (c) => c.json(await createLink(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.valid("json"), ip(c.req.header("CF-Connecting-IP"))), 201),
  )
  .post(
    "/connections/:id/links/bulk",
    describe({
      summary: "Link existing tickets in bulk by a matching field",
      description:
        "Pairs every source ticket with the target ticket that carries its number as partner reference (or the other way round), among tickets updated since `since`. Already linked tickets are left as they are; nothing is created on either platform.",
      tags,
      access: "admin",
      responses: { 200: { description: "What was linked.", schema: bulkLinkResultSchema } },
      errors: ["conflict"],
    }),
    params(idParamSchema),
    jsonBody(bulkLinkSchema),
    async (c) => c.json(await bulkLink(accountDeps(c), c.get("principal")!, c.req.valid("param").id, c.req.valid("json").since, ip(c.req.header("CF-Connecting-IP")))),
  )
  .delete(
    "/links/:id",
    describe({
      summary: "Unlink a pair of tickets",
      description: "The link is kept for history as `unlinked`; later changes to either ticket are not synced.",
      tags,
      access: "admin",
      responses: { 204: { description: "Unlinked." } },
    }),
    params(idParamSchema),
    async (c) => {
      await unlink(c.get("db"), c.get("principal")!, c.req.valid("param").id, ip(c.req.header("CF-Connecting-IP")));
      return c.body(null, 204);
    },
  );
