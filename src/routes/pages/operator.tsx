// The Operator page: the same services as /api/v1/operator, for the install's operators only;
// anyone else gets the not-found page.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { requireOperator } from "../../auth/require-operator";
import { billingChangeSchema, trialEndOf } from "../../schemas/operator";
import { listOrganisationsForOperator, setBillingState } from "../../services/operator";
import { OperatorPage } from "../../../views/pages/operator";
import type { FieldErrors } from "../../../views/components/form";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";
import { fieldErrorsOf } from "./form-errors";

async function operatorPage(c: Context<AppEnv>, errorsFor?: { orgId: string; errors: FieldErrors }) {
  const organisations = await listOrganisationsForOperator(c.get("db"));
  return render(c, "Operator", <OperatorPage organisations={organisations} billingRequired={c.get("config").billingRequired} csrf={csrfFor(c)} errorsFor={errorsFor} />, {
    active: "/operator",
    status: errorsFor ? 400 : 200,
  });
}

export const operatorPages = new Hono<AppEnv>()
  .use("/operator", requireOperator)
  .use("/operator/*", requireOperator)
  .get("/operator", (c) => operatorPage(c))
  .post("/operator/organisations/:id/billing", async (c) => {
    const orgId = c.req.param("id");
    const form = await parseForm(c, billingChangeSchema);
    if (!form.ok) return operatorPage(c, { orgId, errors: form.errors });
    const input = form.data;
    const change = input.status === "trial" ? { status: "trial" as const, trialEndsAt: trialEndOf(input.trialEndsAt!) } : { status: input.status };
    try {
      const org = await setBillingState(c.get("db"), signedIn(c), orgId, change, c.req.header("CF-Connecting-IP"));
      return redirectWithFlash(c, "/operator", { kind: "success", message: `Billing of ${org.name} is now ${org.billingStatus}${org.billingTrialEndsAt ? ` until ${org.billingTrialEndsAt.slice(0, 10)}` : ""}.` });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return operatorPage(c, { orgId, errors });
      throw err;
    }
  });
