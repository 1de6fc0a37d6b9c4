// The dashboard and billing figures, as the pages show them.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { billingSchema, dashboardSchema } from "../../schemas/overview";
import { billingOf } from "../../services/billing";
import { accountBudgetReader, dashboardOf } from "../../services/dashboard";

export const overviewApi = new Hono<AppEnv>()
  .get(
    "/dashboard",
    describe({
      summary: "Each connection's health and tickets synced and failed per day",
      tags: ["Dashboard"],
      access: "viewer",
      responses: { 200: { description: "Health per connection; daily totals over 30 days.", schema: dashboardSchema } },
    }),
    async (c) => c.json(await dashboardOf(c.get("db"), scopeOf(c.get("principal")!), { budgetUsed: accountBudgetReader(c.env), billingRequired: c.get("config").billingRequired })),
  )
  .get(
    "/billing",
    describe({
      summary: "Billing status and usage",
      description: "Tickets synced per connection and month are what billing counts.",
      tags: ["Billing"],
      access: "viewer",
      responses: { 200: { description: "Your billing status and usage.", schema: billingSchema } },
    }),
    async (c) => c.json(await billingOf(c.get("db"), scopeOf(c.get("principal")!), { billingRequired: c.get("config").billingRequired })),
  );
