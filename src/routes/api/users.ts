import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params, query } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { idParamSchema } from "../../schemas/common";
import { resetLinkSchema, updateUserSchema, userSchema } from "../../schemas/users";
import { createResetLink, emailResetLink, resetUrl } from "../../services/passwords";
import { accountEmailChannel } from "../../services/account-email";
import { deleteUser, getUser, listUsers, updateUser } from "../../services/users";

const tags = ["Users"];

export const usersApi = new Hono<AppEnv>()
  .get(
    "/users",
    describe({ summary: "List users", tags, access: "viewer", responses: { 200: { description: "A page of users.", schema: pageSchema(userSchema) } } }),
    query(pageQuerySchema),
    async (c) => c.json(await listUsers(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("query"))),
  )
  .get(
    "/users/:id",
    describe({ summary: "Get a user", tags, access: "viewer", responses: { 200: { description: "The user.", schema: userSchema } } }),
    params(idParamSchema),
    async (c) => c.json(await getUser(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id)),
  )
  .patch(
    "/users/:id",
    describe({
      summary: "Change a user's name or role",
      description: "A lower role signs the user out everywhere. Passwords are never set here: `POST /users/{id}/password-reset` makes a one-time link for the user.",
      tags,
      access: "admin",
      responses: { 200: { description: "Updated.", schema: userSchema } },
      errors: ["conflict"],
    }),
    params(idParamSchema),
    jsonBody(updateUserSchema),
    async (c) =>
      c.json(await updateUser(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.valid("json"), c.req.header("CF-Connecting-IP"))),
  )
  .post(
    "/users/:id/password-reset",
    describe({
      summary: "Make a one-time password link for another user",
      description:
        "For a forgotten password. Answers the link once (`Cache-Control: no-store`) and emails it to the user where the install sends email; only its hash is kept. It works once, for 24 hours, and replaces any earlier link. Setting a password with it ends the user's sessions and revokes the API tokens they made. For your own password use `POST /account/password`.",
      tags,
      access: "admin",
      responses: { 201: { description: "The link, shown once.", schema: resetLinkSchema } },
      errors: ["conflict"],
    }),
    params(idParamSchema),
    async (c) => {
      const principal = c.get("principal")!;
      const ip = c.req.header("CF-Connecting-IP");
      const link = await createResetLink(c.get("db"), principal, c.req.valid("param").id, ip);
      const url = resetUrl(c, link.token);
      const emailed = await emailResetLink(c.get("db"), accountEmailChannel(c.env), principal, { ...link, url }, ip);
      c.header("Cache-Control", "no-store");
      return c.json({ url, expiresAt: link.expiresAt, emailed }, 201);
    },
  )
  .delete(
    "/users/:id",
    describe({ summary: "Remove a user", tags, access: "admin", responses: { 204: { description: "Removed." } }, errors: ["conflict"] }),
    params(idParamSchema),
    async (c) => {
      await deleteUser(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.header("CF-Connecting-IP"));
      return c.body(null, 204);
    },
  );
