// The JSON API under /api/v1. Each file adds one resource's routes; the OpenAPI document is read
// off this router, so a route that is not mounted here is not documented either.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { buildOpenApiDocument, describe } from "../../api/openapi";
import { hooks } from "../hooks";
import { writesNeedAdmin } from "../../auth/authenticate";
import { setupApi } from "./setup";
import { signupApi } from "./signup";
import { organisationApi } from "./organisation";
import { usersApi } from "./users";
import { invitationAcceptApi, invitationsApi } from "./invitations";
import { operatorApi } from "./operator";
import { accountApi } from "./account";
import { apiTokensApi } from "./api-tokens";
import { auditLogApi } from "./audit-log";
import { platformAccountsApi } from "./platform-accounts";
import { connectionsApi } from "./connections";
import { runsApi } from "./runs";
import { connectionSyncApi } from "./connection-sync";
import { syncIssuesApi } from "./sync-issues";
import { webhooksApi } from "./webhooks";
import { overviewApi } from "./overview";

export const API_INFO = {
  title: "Lockstep API",
  version: "1.0.0",
  description:
    "Every action of the Lockstep pages, as JSON. Authenticate with `Authorization: Bearer <token>` (make one on the " +
    "API tokens page). Errors have the body `{\"error\":{\"code\",\"message\",\"details\",\"requestId\"}}`; lists are " +
    "paged with `limit` and `cursor`.",
};

const routes = new Hono<AppEnv>()
  .route("/", accountApi)
  .route("/", invitationAcceptApi)
  .route("/", operatorApi)
  .use(writesNeedAdmin)
  .route("/", setupApi)
  .route("/", signupApi)
  .route("/", usersApi)
  .route("/", organisationApi)
  .route("/", invitationsApi)
  .route("/", apiTokensApi)
  .route("/", auditLogApi)
  .route("/", platformAccountsApi)
  .route("/", connectionsApi)
  .route("/", runsApi)
  .route("/", connectionSyncApi)
  .route("/", syncIssuesApi)
  .route("/", webhooksApi)
  .route("/", overviewApi);

let document: ReturnType<typeof buildOpenApiDocument> | undefined;
export function openApiDocument() {
  // The webhook receivers live at /hooks, outside /api/v1, and are documented with their own server.
  document ??= buildOpenApiDocument(routes, API_INFO, [{ app: hooks, mount: "/hooks", description: "Webhook receivers, called by platforms" }]);
  return document;
}

export const api = routes.get(
  "/openapi.json",
  describe({ summary: "This API's OpenAPI 3.1 document", tags: ["Meta"], access: "public", responses: { 200: { description: "The document." } } }),
  (c) => c.json(openApiDocument()),
);
