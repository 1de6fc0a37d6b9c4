// Connections: create (with a verification code for the partner, or internal), accept by code,
// list, read, edit and delete. Field mappings, the description preview and ticket links are
// mounted from their own files under the same paths.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { canEmailAlerts } from "../../env";
import { describe, jsonBody, params, query } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { pageSchema } from "../../lib/pagination";
import { idParamSchema } from "../../schemas/common";
import { acceptConnectionSchema, createConnectionSchema } from "../../schemas/connections";
import { acceptConnection, createConnection, deleteConnection, getConnection, leaveConnection, listConnections, updateConnection } from "../../services/connections";
import { connectionViewSchema, createdConnectionSchema, listConnectionsQuerySchema, updateConnectionSchema } from "../../schemas/connection-views";
import { connectionLinksApi } from "./connections-links";
import { emailAcceptance } from "../../services/connection-emails";
import { connectionMappingsApi } from "./connections-mappings";
import { connectionPicklistsApi } from "./connections-picklists";

const tags = ["Connections"];
const ip = (h: string | undefined) => h ?? null;

export const connectionsApi = new Hono<AppEnv>()
  .get(
    "/connections",
    describe({
      summary: "List connections",
      description: "Connections your organisation is a side of; filter by `status` to list pending invitations apart.",
      tags,
      access: "viewer",
      responses: { 200: { description: "A page of connections, newest first.", schema: pageSchema(connectionViewSchema) } },
    }),
    query(listConnectionsQuerySchema),
    async (c) => c.json(await listConnections(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("query"))),
  )
  .post(
    "/connections",
    describe({
      summary: "Create a connection",
      description:
        "Your account takes the side `role`. Without `partnerAccountId` the connection is pending until the partner accepts it with " +
        "the verification code in the answer (shown once, valid 7 days). With `partnerAccountId` (another account of yours) it is an " +
        "internal connection, active at once.",
      tags,
      access: "admin",
      responses: { 201: { description: "Created.", schema: createdConnectionSchema } },
    }),
    jsonBody(createConnectionSchema),
    async (c) => c.json(await createConnection(c.get("db"), c.get("principal")!, c.req.valid("json"), ip(c.req.header("CF-Connecting-IP"))), 201),
  )
  .post(
    "/connections/accept",
    describe({
      summary: "Accept a connection with its verification code",
      description: "Your account takes the side the partner left open. An expired code, or your own organisation's invitation, answers 409.",
      tags,
      access: "admin",
      responses: { 200: { description: "The connection, now active.", schema: connectionViewSchema } },
      errors: ["conflict"],
    }),
    jsonBody(acceptConnectionSchema),
    async (c) => {
      const principal = c.get("principal")!;
      const connection = await acceptConnection(c.get("db"), principal, c.req.valid("json"), ip(c.req.header("CF-Connecting-IP")));
      await emailAcceptance(c.env, c.get("db"), connection.id, principal.orgName);
      return c.json(connection);
    },
  )
  .get(
    "/connections/:id",
    describe({ summary: "Get a connection", tags, access: "viewer", responses: { 200: { description: "The connection; the partner's account is never shown.", schema: connectionViewSchema } } }),
    params(idParamSchema),
    async (c) => c.json(await getConnection(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id)),
  )
  .patch(
    "/connections/:id",
    describe({
      summary: "Edit a connection",
      description: "Name and connection settings are shared; `side.settings` changes your own side only (403 for the partner's side).",
      tags,
      access: "admin",
      responses: { 200: { description: "Updated.", schema: connectionViewSchema } },
    }),
    params(idParamSchema),
    jsonBody(updateConnectionSchema),
    async (c) =>
      c.json(
        await updateConnection(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.valid("json"), ip(c.req.header("CF-Connecting-IP")), {
          alertEmail: canEmailAlerts(c.env),
        }),
      ),
  )
  .delete(
    "/connections/:id",
    describe({
      summary: "Delete a connection",
      description: "Either side's admin may. Its mappings, links and run history go with it; the tickets on both platforms stay.",
      tags,
      access: "admin",
      responses: { 204: { description: "Deleted." } },
    }),
    params(idParamSchema),
    async (c) => {
      await deleteConnection(c.get("db"), c.get("principal")!, c.req.valid("param").id, ip(c.req.header("CF-Connecting-IP")));
      return c.body(null, 204);
    },
  )
  .post(
    "/connections/:id/leave",
    describe({
      summary: "Leave a connection",
      description:
        "Your organisation leaves a connection with a partner: nothing syncs any more (for good), your side lets go of its platform " +
        "account and webhook secrets, and both organisations keep reading its links and run history. The partner's log and connection " +
        "page say it ended. An internal connection has no partner: delete it instead.",
      tags,
      access: "admin",
      responses: { 200: { description: "The ended connection.", schema: connectionViewSchema } },
      errors: ["conflict"],
    }),
    params(idParamSchema),
    async (c) => c.json(await leaveConnection(c.get("db"), c.get("principal")!, c.req.valid("param").id, ip(c.req.header("CF-Connecting-IP")))),
  )
  .route("/", connectionMappingsApi)
  .route("/", connectionPicklistsApi)
  .route("/", connectionLinksApi);
