import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { describe, jsonBody, params, query } from "../../api/openapi";
import { scopeOf } from "../../auth/principal";
import { picklistsSchema } from "../../connectors/canonical";
import { pageQuerySchema, pageSchema } from "../../lib/pagination";
import { idParamSchema } from "../../schemas/common";
import { createPlatformAccountSchema, platformAccountSchema, testResultSchema, updatePlatformAccountSchema } from "../../schemas/platform-accounts";
import { getPicklists, refreshPicklists, testAccount } from "../../services/account-checks";
import { createAccount, deleteAccount, getAccount, listAccounts, updateAccount } from "../../services/platform-accounts";
import { accountDeps } from "./deps";
import { z } from "zod";

const tags = ["Platform accounts"];
const picklistsResponse = z.object({ picklists: picklistsSchema, fetchedAt: z.string() });
const ip = (h: string | undefined) => h ?? null;

export const platformAccountsApi = new Hono<AppEnv>()
  .get(
    "/platform-accounts",
    describe({ summary: "List platform accounts", tags, access: "viewer", responses: { 200: { description: "A page of accounts (never their credentials).", schema: pageSchema(platformAccountSchema) } } }),
    query(pageQuerySchema),
    async (c) => c.json(await listAccounts(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("query"))),
  )
  .post(
    "/platform-accounts",
    describe({
      summary: "Add a platform account",
      description: "Credentials are validated by the platform's schema, encrypted at rest and never returned.",
      tags,
      access: "admin",
      responses: { 201: { description: "Created.", schema: platformAccountSchema } },
    }),
    jsonBody(createPlatformAccountSchema),
    async (c) => c.json(await createAccount(accountDeps(c), c.get("principal")!, c.req.valid("json"), ip(c.req.header("CF-Connecting-IP"))), 201),
  )
  .get(
    "/platform-accounts/:id",
    describe({ summary: "Get a platform account", tags, access: "viewer", responses: { 200: { description: "The account.", schema: platformAccountSchema } } }),
    params(idParamSchema),
    async (c) => c.json(await getAccount(c.get("db"), scopeOf(c.get("principal")!), c.req.valid("param").id)),
  )
  .patch(
    "/platform-accounts/:id",
    describe({
      summary: "Edit a platform account",
      description:
        "Credential fields left out or empty keep their stored value, except when `baseUrl` changes: stored credentials are only ever sent to the URL they were entered for, so a new base URL needs all of them again (`credentials_required`).",
      tags,
      access: "admin",
      responses: { 200: { description: "Updated.", schema: platformAccountSchema } },
      errors: ["credentials_required"],
    }),
    params(idParamSchema),
    jsonBody(updatePlatformAccountSchema),
    async (c) => c.json(await updateAccount(accountDeps(c), c.get("principal")!, c.req.valid("param").id, c.req.valid("json"), ip(c.req.header("CF-Connecting-IP")))),
  )
  .delete(
    "/platform-accounts/:id",
    describe({ summary: "Delete a platform account", tags, access: "admin", responses: { 204: { description: "Deleted." } }, errors: ["conflict"] }),
    params(idParamSchema),
    async (c) => {
      await deleteAccount(c.get("db"), c.get("principal")!, c.req.valid("param").id, ip(c.req.header("CF-Connecting-IP")));
      return c.body(null, 204);
    },
  )
  .post(
    "/platform-accounts/:id/test",
    describe({
      summary: "Test connection",
      description: "Answers 200 either way: `Connection tested`, or `Test failed: <reason a person can act on>`.",
      tags,
      access: "admin",
      responses: { 200: { description: "The result, also stored on the account.", schema: testResultSchema } },
    }),
    params(idParamSchema),
    async (c) => c.json(await testAccount(accountDeps(c), c.get("principal")!, c.req.valid("param").id, ip(c.req.header("CF-Connecting-IP")))),
  )
  .get(
    "/platform-accounts/:id/picklists",
    describe({ summary: "The platform's picklists (cached)", tags, access: "viewer", responses: { 200: { description: "Boards/queues/groups, statuses, priorities, types, companies, note types, custom fields.", schema: picklistsResponse } }, errors: ["conflict"] }),
    params(idParamSchema),
    async (c) => c.json(await getPicklists(accountDeps(c), scopeOf(c.get("principal")!), c.req.valid("param").id)),
  )
  .post(
    "/platform-accounts/:id/picklists/refresh",
    describe({ summary: "Refresh platform data", tags, access: "admin", responses: { 200: { description: "Freshly discovered picklists.", schema: picklistsResponse } }, errors: ["conflict"] }),
    params(idParamSchema),
    async (c) => c.json(await refreshPicklists(accountDeps(c), scopeOf(c.get("principal")!), c.req.valid("param").id)),
  );
