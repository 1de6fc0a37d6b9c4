// The demo organisation `npm start` seeds: an owner to sign in as, a simulated ConnectWise and a
// simulated ServiceNow account (each holding a few dozen seeded tickets), and a connection
// between them, mapped and ready for a first manual sync. Idempotent: once any organisation
// exists it does nothing, so a restarted demo keeps its data.
import type { Db } from "./db/client";
import type { Principal } from "./auth/principal";
import { setUp, isSetUp } from "./services/setup";
import { createAccount, type AccountDeps } from "./services/platform-accounts";
import { CONNECTWISE_SIMULATOR_DEFAULTS } from "./simulators/connectwise/app";
import { createConnection, updateConnection } from "./services/connections";
import { replaceMappings } from "./services/field-mappings";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "./demo-connection";

export const DEMO_LOGIN = { email: "demo@lockstep.local", password: "lockstep-demo" };

export async function seedDemo(deps: AccountDeps, origin: string): Promise<{ created: boolean }> {
  const db: Db = deps.db;
  if (await isSetUp(db)) return { created: false };
  const result = await setUp(db, {
    organisation: { name: "Northwind MSP (demo)" },
    owner: { name: "Demo Admin", email: DEMO_LOGIN.email, password: DEMO_LOGIN.password },
  }, { demoPassword: true });
  const actor: Principal = {
    orgId: result.organisation.id,
    orgName: result.organisation.name,
    userId: result.owner.id,
    userName: result.owner.name,
    userEmail: result.owner.email,
    role: "owner",
    via: "session",
  };
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const connectwise = await createAccount(deps, actor, {
    name: "Northwind ConnectWise (simulated)",
    platform: "connectwise",
    baseUrl: `${origin}/__sim/connectwise/v4_6_release/apis/3.0`,
    credentials: { companyId, publicKey, privateKey, clientId },
    settings: {},
  });
  const servicenow = await createAccount(deps, actor, {
    name: "Contoso ServiceNow (simulated)",
    platform: "servicenow",
    baseUrl: `${origin}/__sim/servicenow`,
    credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" },
    settings: {},
  });
  const connection = await createConnection(db, actor, {
    name: "Northwind ⇄ Contoso service desk",
    role: "source",
    platformAccountId: connectwise.id,
    partnerAccountId: servicenow.id,
  });
  await updateConnection(db, actor, connection.id, { settings: DEMO_CONNECTION_SETTINGS, side: { side: "source", settings: DEMO_SIDE_SETTINGS.source } });
  await updateConnection(db, actor, connection.id, { side: { side: "target", settings: DEMO_SIDE_SETTINGS.target } });
  await replaceMappings(db, actor, connection.id, { mappings: DEMO_MAPPINGS });
  return { created: true };
}
