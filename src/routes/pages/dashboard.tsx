// The dashboard and the billing page: the same services as GET /api/v1/dashboard and /billing.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { scopeOf } from "../../auth/principal";
import { billingOf } from "../../services/billing";
import { accountBudgetReader, dashboardOf } from "../../services/dashboard";
import { listAccounts } from "../../services/platform-accounts";
import { BillingPage } from "../../../views/pages/billing";
import { DashboardPage } from "../../../views/pages/dashboard";
import { render, signedIn } from "./render";

export const dashboardPages = new Hono<AppEnv>()
  .get("/", async (c) => {
    const principal = signedIn(c);
    const db = c.get("db");
    const dashboard = await dashboardOf(db, scopeOf(principal), { budgetUsed: accountBudgetReader(c.env), billingRequired: c.get("config").billingRequired });
    const accounts = dashboard.connections.length ? 0 : (await listAccounts(db, scopeOf(principal), { limit: 200 })).data.length;
    return render(c, "Dashboard", <DashboardPage principal={principal} dashboard={dashboard} accounts={accounts} />, { active: "/" });
  })
  .get("/billing", async (c) => {
    const billing = await billingOf(c.get("db"), scopeOf(signedIn(c)), { billingRequired: c.get("config").billingRequired });
    return render(c, "Billing and usage", <BillingPage billing={billing} />, { active: "/billing" });
  });
