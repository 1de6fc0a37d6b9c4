// The demo organisation `npm start` seeds: an owner to sign in as, and a simulated ConnectWise
// and a simulated ServiceNow account (each holding a few dozen seeded tickets). Idempotent:
// once any organisation exists it does nothing, so a restarted demo keeps its data.
import type { Db } from "./db/client";
import type { Principal } from "./auth/principal";
import { setUp, isSetUp } from "./services/setup";
import { createAccount, type AccountDeps } from "./services/platform-accounts";
import { CONNECTWISE_SIMULATOR_DEFAULTS } from "./simulators/connectwise/app";

export const DEMO_LOGIN = { email: "demo@lockstep.local", password: "lockstep-demo" };

export async function seedDemo(deps: AccountDeps, origin: string): Promise<{ created: boolean }> {
  const db: Db = deps.db;
  if (await isSetUp(db)) return { created: false };
  const result = await setUp(db, {
    organisation: { name: "Northwind MSP (demo)" },
    owner: { name: "Demo Admin", email: DEMO_LOGIN.email, password: DEMO_LOGIN.password },
  });
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
  await createAccount(deps, actor, {
    name: "Northwind ConnectWise (simulated)",
    platform: "connectwise",
    baseUrl: `${origin}/__sim/connectwise/v4_6_release/apis/3.0`,
    credentials: { companyId, publicKey, privateKey, clientId },
    settings: {},
  });
  await createAccount(deps, actor, {
    name: "Contoso ServiceNow (simulated)",
    platform: "servicenow",
    baseUrl: `${origin}/__sim/servicenow`,
    credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" },
    settings: {},
  });
  return { created: true };
}
