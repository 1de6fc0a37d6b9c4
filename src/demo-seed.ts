// The demo organisation `npm start` seeds: an owner to sign in as, a simulated ConnectWise and a
// simulated ServiceNow account (each holding a few dozen seeded tickets), and two connections
// between them: the Service Desk one, mapped and ready for the README's first manual sync, and
// the Network Operations one, whose first manual sync the seed runs itself (through the
// connection's Durable Object, as the Sync page would) before switching its automatic sync on,
// so that the demo syncs by itself. Idempotent: once any organisation exists it does nothing.
import type { Db } from "./db/client";
import type { Principal } from "./auth/principal";
import { setUp, isSetUp } from "./services/setup";
import { createAccount, type AccountDeps } from "./services/platform-accounts";
import { CONNECTWISE_SIMULATOR_DEFAULTS } from "./simulators/connectwise/app";
import { createConnection, updateConnection } from "./services/connections";
import { replaceMappings } from "./services/field-mappings";
import { startRun } from "./services/runs";
import { setAutomatic } from "./services/automatic-sync";
import { connections, syncRuns } from "./db/schema";
import { and, eq } from "drizzle-orm";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS, NOC_MAPPINGS, NOC_SIDE_SETTINGS } from "./demo-connection";

export const DEMO_LOGIN = { email: "demo@lockstep.local", password: "lockstep-demo" };

export const DEMO_CONNECTION_NAME = "Northwind ⇄ Contoso service desk";
export const AUTOMATIC_CONNECTION_NAME = "Northwind NOC alerts → Contoso (automatic)";

/** How long the seed waits for the automatic connection's first manual run. */
const INITIAL_RUN_TIMEOUT_MS = 60_000;

export type DemoSeedResult = { created: boolean; automatic?: { connectionId: string; enabled: boolean; message: string } };

export async function seedDemo(deps: AccountDeps, origin: string, env: Env): Promise<DemoSeedResult> {
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
    name: DEMO_CONNECTION_NAME,
    role: "source",
    platformAccountId: connectwise.id,
    partnerAccountId: servicenow.id,
  });
  await updateConnection(db, actor, connection.id, { settings: DEMO_CONNECTION_SETTINGS, side: { side: "source", settings: DEMO_SIDE_SETTINGS.source } });
  await updateConnection(db, actor, connection.id, { side: { side: "target", settings: DEMO_SIDE_SETTINGS.target } });
  await replaceMappings(db, actor, connection.id, { mappings: DEMO_MAPPINGS });

  const noc = await createConnection(db, actor, { name: AUTOMATIC_CONNECTION_NAME, role: "source", platformAccountId: connectwise.id, partnerAccountId: servicenow.id });
  await updateConnection(db, actor, noc.id, { settings: DEMO_CONNECTION_SETTINGS, side: { side: "source", settings: NOC_SIDE_SETTINGS.source } });
  await updateConnection(db, actor, noc.id, { side: { side: "target", settings: NOC_SIDE_SETTINGS.target } });
  await replaceMappings(db, actor, noc.id, { mappings: NOC_MAPPINGS });
  return { created: true, automatic: await startAutomatic(env, db, actor, noc.id) };
}

/**
 * Runs the connection's first manual sync, as an admin pressing *Sync now* would, waits for it,
 * and switches automatic sync on (which needs that completed run). A failure is reported, not
 * thrown: the rest of the demo works without it.
 */
async function startAutomatic(env: Env, db: Db, actor: Principal, connectionId: string): Promise<NonNullable<DemoSeedResult["automatic"]>> {
  const answer = await startRun(env, db, actor, connectionId, { mode: "quick", dryRun: false });
  const deadline = Date.now() + INITIAL_RUN_TIMEOUT_MS;
  for (;;) {
    const [row] = await db.select({ done: connections.initialSyncCompletedAt }).from(connections).where(eq(connections.id, connectionId));
    if (row?.done) break;
    const [run] = await db.select({ status: syncRuns.status, error: syncRuns.errorMessage }).from(syncRuns).where(and(eq(syncRuns.id, answer.runId), eq(syncRuns.status, "failed")));
    if (run) return { connectionId, enabled: false, message: `its first sync ended ${run.status}: ${run.error ?? "no message"}` };
    if (Date.now() > deadline) return { connectionId, enabled: false, message: "its first sync did not finish within a minute" };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await setAutomatic(db, actor, connectionId, true, { billingRequired: false });
  return { connectionId, enabled: true, message: "first sync done, automatic sync on" };
}
