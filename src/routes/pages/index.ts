// The server-rendered pages. Sign-in, setup, sign-up and the invitation link are public; everything else needs a session.
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { isSetUp } from "../../services/setup";
import { authPages } from "./auth";
import { signupPages } from "./signup";
import { apiTokensPages } from "./api-tokens";
import { miscPages } from "./misc";
import { requireSignedIn } from "./render";
import { usersPages } from "./users";
import { organisationPages } from "./organisation";
import { accountPages, resetPasswordPages } from "./passwords";
import { joinPages } from "./join";
import { operatorPages } from "./operator";
import { platformAccountPages } from "./platform-accounts";
import { connectionPages } from "./connections";
import { connectionSettingsPages } from "./connection-settings";
import { connectionDescriptionPages } from "./connection-description";
import { connectionMappingPages } from "./connection-mappings";
import { dashboardPages } from "./dashboard";
import { runPages } from "./runs";
import { connectionSyncPages } from "./connection-sync";
import { connectionIssuePages } from "./connection-issues";
import { connectionLinkPages } from "./connection-links";

const signedInPages = new Hono<AppEnv>()
  .use(async (c, next) => {
    // A fresh install has nobody to sign in: send the first visitor to setup.
    if (!c.get("principal") && c.req.method === "GET" && !(await isSetUp(c.get("db")))) return c.redirect("/setup", 303);
    return next();
  })
  .use(requireSignedIn)
  .route("/", miscPages)
  .route("/", usersPages)
  .route("/", organisationPages)
  .route("/", accountPages)
  .route("/", apiTokensPages)
  .route("/", platformAccountPages)
  .route("/", connectionPages)
  .route("/", connectionSettingsPages)
  .route("/", connectionDescriptionPages)
  .route("/", connectionMappingPages)
  .route("/", dashboardPages)
  .route("/", runPages)
  .route("/", connectionSyncPages)
  .route("/", connectionIssuePages)
  .route("/", connectionLinkPages)
  .route("/", operatorPages);

export const pages = new Hono<AppEnv>().route("/", authPages).route("/", signupPages).route("/", resetPasswordPages).route("/", joinPages).route("/", signedInPages);
