// The install operators' API (OPERATOR_EMAILS): every organisation, its connections, usage and
// billing state, which they set. Mounted before the admin-only write rule: operator rights come
// from the address, not from the role in their own organisation. The `use` answers 404 before
// anything else (even to the signed-out); `describe`'s `operator` access documents and re-checks it.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params } from "../../api/openapi";
import { requireOperator } from "../../auth/require-operator";
import { idParamSchema } from "../../schemas/common";
import { billingChangeSchema, operatorOrganisationSchema, trialEndOf } from "../../schemas/operator";
import { getOrganisationForOperator, listOrganisationsForOperator, setBillingState } from "../../services/operator";

const tags = ["Operator"];
const OPERATOR_ONLY = "Only for the install's operators (OPERATOR_EMAILS); anyone else gets 404.";

export const operatorApi = new Hono<AppEnv>()
  .use("/operator/*", requireOperator)
  .get(
    "/operator/organisations",
    describe({ summary: "Every organisation, with usage and billing", description: OPERATOR_ONLY, tags, access: "operator", responses: { 200: { description: "Oldest first.", schema: z.object({ data: z.array(operatorOrganisationSchema) }) } } }),
    async (c) => c.json({ data: await listOrganisationsForOperator(c.get("db")) }),
  )
  .get(
    "/operator/organisations/:id",
    describe({ summary: "One organisation, with usage and billing", description: OPERATOR_ONLY, tags, access: "operator", responses: { 200: { description: "The organisation.", schema: operatorOrganisationSchema } } }),
    params(idParamSchema),
    async (c) => c.json(await getOrganisationForOperator(c.get("db"), c.req.valid("param").id)),
  )
  .put(
    "/operator/organisations/:id/billing",
    describe({
      summary: "Set an organisation's billing state",
      description: `${OPERATOR_ONLY} \`active\`, \`trial\` until \`trialEndsAt\`, or \`suspended\`. Where the install requires billing, automatic sync of the connections it pays for stops at the next tick while it is not active (manual sync stays possible) and resumes, with nothing lost, once it is. Audited in the organisation's log and yours.`,
      tags,
      access: "operator",
      responses: { 200: { description: "The organisation as it is now.", schema: operatorOrganisationSchema } },
    }),
    params(idParamSchema),
    jsonBody(billingChangeSchema),
    async (c) => {
      const input = c.req.valid("json");
      const change = input.status === "trial" ? { status: "trial" as const, trialEndsAt: trialEndOf(input.trialEndsAt!) } : { status: input.status };
      return c.json(await setBillingState(c.get("db"), c.get("principal")!, c.req.valid("param").id, change, c.req.header("CF-Connecting-IP")));
    },
  );
