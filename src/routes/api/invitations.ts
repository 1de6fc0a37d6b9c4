// Team invitations. Owners and admins make, list and revoke them; accepting is public (the link's
// token is the credential) and mounted apart, before the admin-only write rule.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { idParamSchema } from "../../schemas/common";
import { acceptedInvitationSchema, acceptInvitationSchema, createInvitationSchema, invitationSchema, newInvitationSchema } from "../../schemas/invitations";
import { accountEmailChannel } from "../../services/account-email";
import { acceptInvitation, createInvitation, listInvitations, revokeInvitation } from "../../services/invitations";
import { mintToken } from "../../services/api-tokens";

const tags = ["Users"];

export const invitationsApi = new Hono<AppEnv>()
  .get(
    "/invitations",
    describe({ summary: "List pending invitations", tags, access: "admin", responses: { 200: { description: "Invitations not yet used, revoked or expired, newest first.", schema: z.object({ data: z.array(invitationSchema) }) } } }),
    async (c) => c.json({ data: await listInvitations(c.get("db"), scopeOf(c.get("principal")!)) }),
  )
  .post(
    "/invitations",
    describe({
      summary: "Invite a teammate",
      description:
        "Makes a one-time link, valid 7 days, for the address to join your organisation with the role given (at most your own). The link is answered once (`Cache-Control: no-store`) and emailed where the install sends email; the invitee chooses their own name and password. A newer invitation to the same address replaces a pending one. An address that already has a user on this install is refused (409).",
      tags,
      access: "admin",
      responses: { 201: { description: "The invitation and its link, shown once.", schema: newInvitationSchema } },
      errors: ["conflict"],
    }),
    jsonBody(createInvitationSchema),
    async (c) => {
      const made = await createInvitation(c.get("db"), c.get("principal")!, c.req.valid("json"), {
        origin: new URL(c.req.url).origin,
        email: accountEmailChannel(c.env),
        ip: c.req.header("CF-Connecting-IP"),
        operatorEmails: c.get("config").operatorEmails,
      });
      c.header("Cache-Control", "no-store");
      return c.json({ invitation: made.invitation, url: `${new URL(c.req.url).origin}/invite/${made.token}`, emailed: made.emailed }, 201);
    },
  )
  .delete(
    "/invitations/:id",
    describe({ summary: "Revoke a pending invitation", description: "Its link stops working at once.", tags, access: "admin", responses: { 204: { description: "Revoked." } } }),
    params(idParamSchema),
    async (c) => {
      await revokeInvitation(c.get("db"), c.get("principal")!, c.req.valid("param").id, c.req.header("CF-Connecting-IP"));
      return c.body(null, 204);
    },
  );

export const invitationAcceptApi = new Hono<AppEnv>().post(
  "/invitations/accept",
  describe({
    summary: "Accept a team invitation",
    description: "With the token from the invitation link, creates your user with the name and password you choose. The link works once. Answers an API token with your rights (shown once), as setup does.",
    tags,
    access: "public",
    responses: { 201: { description: "You are a user of the organisation.", schema: acceptedInvitationSchema } },
    errors: ["not_found", "conflict"],
  }),
  jsonBody(acceptInvitationSchema),
  async (c) => {
    const db = c.get("db");
    const { token, ...input } = c.req.valid("json");
    const { user, orgName } = await acceptInvitation(db, token, input, { ip: c.req.header("CF-Connecting-IP"), operatorEmails: c.get("config").operatorEmails });
    const apiToken = await mintToken(db, { orgId: user.orgId, userId: user.id, name: "Created on accepting the invitation", role: user.role });
    await apiToken.insert.run();
    c.header("Cache-Control", "no-store");
    return c.json({ token: apiToken.token, organisation: { id: user.orgId, name: orgName }, user: { id: user.id, name: user.name, email: user.email, role: user.role } }, 201);
  },
);
