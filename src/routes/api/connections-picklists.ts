// Both sides' picklists of a connection, for choosing defaults and pairing mapped values.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, params } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { idParamSchema } from "../../schemas/common";
import { connectionPicklistsSchema } from "../../schemas/connection-picklists";
import { connectionPicklists } from "../../services/connection-picklists";
import { accountDeps } from "./deps";

const tags = ["Connections"];

export const connectionPicklistsApi = new Hono<AppEnv>()
  .get(
    "/connections/:id/picklists",
    describe({
      summary: "Both sides' picklists",
      description:
        "Statuses, priorities, boards/queues/groups, types, companies, note types, custom fields, members and work roles of each " +
        "side, from the cache (read from the platform on first use), so that value pairs can name the partner's values too. " +
        "A side that cannot be read has `state: failed` and the reason. Of a partner organisation's side only statuses, " +
        "priorities, ticket types and custom field definitions are shown; its boards, companies, note types, members and " +
        "work roles are empty lists: they stay with the partner.",
      tags,
      access: "viewer",
      responses: { 200: { description: "Each side's picklists or why they are missing.", schema: connectionPicklistsSchema } },
    }),
    params(idParamSchema),
    async (c) => c.json(await connectionPicklists(accountDeps(c), scopeOf(c.get("principal")!), c.req.valid("param").id)),
  )
  .post(
    "/connections/:id/picklists/refresh",
    describe({
      summary: "Refresh both sides' platform data",
      description: "Reads both sides' picklists from the platforms again, e.g. after a status was added on either side.",
      tags,
      access: "admin",
      responses: { 200: { description: "Each side's fresh picklists or why they could not be read.", schema: connectionPicklistsSchema } },
    }),
    params(idParamSchema),
    async (c) => c.json(await connectionPicklists(accountDeps(c), scopeOf(c.get("principal")!), c.req.valid("param").id, { refresh: true })),
  );
