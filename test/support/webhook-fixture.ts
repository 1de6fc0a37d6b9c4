// The demo's pairing (ConnectWise source, ServiceNow target) with simulators that call back into
// the Worker in process, as the platforms would call Lockstep, plus helpers to let every call
// and every run they cause finish: no sleeps, no cron.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { connectwiseConnector } from "../../src/connectors/connectwise/index";
import { servicenowConnector } from "../../src/connectors/servicenow/index";
import { createDb } from "../../src/db/client";
import { syncRuns } from "../../src/db/schema";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator, type ServiceNowSimulatorOptions } from "../../src/simulators/servicenow/app";
import { connectionSyncStub, LAST_RUN_END_KEY } from "../../src/sync/connection-sync";
import { runSync } from "../../src/sync/engine/run-sync";
import { api } from "../helpers";
import { addAccount, createConnection, engineDeps } from "./sync-fixture";

export const CW_BASE = "https://cw.sim.test/v4_6_release/apis/3.0";
export const SN_BASE = "https://sn.sim.test";
const SN_CREDENTIALS = { authType: "basic" as const, username: "lockstep.integration", password: "sn-password" };

/** The platforms reach Lockstep through the Worker's own fetch handler. */
export const toWorker = (request: Request) => exports.default.fetch(request);

export function simulators(snOptions: ServiceNowSimulatorOptions = {}) {
  return { cw: createConnectWiseSimulator({ webhooks: toWorker }), sn: createServiceNowSimulator({ webhooks: toWorker, ...snOptions }) };
}

export async function demoConnection(org: { token: string; organisation: { id: string } }) {
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const source = await addAccount(org.token, { name: "CW", platform: "connectwise", baseUrl: CW_BASE, credentials: { companyId, publicKey, privateKey, clientId } });
  const target = await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: SN_BASE, credentials: SN_CREDENTIALS });
  return createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: DEMO_SIDE_SETTINGS.source }, target: { accountId: target, settings: DEMO_SIDE_SETTINGS.target } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
}

/** The first manual run, then automatic sync on: the state in which webhooks queue runs. */
export async function readyForAutomatic(token: string, connectionId: string) {
  const first = await runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: "2020-01-01T00:00:00.000Z" });
  if (first.status !== "success") throw new Error(`first run: ${first.status}`);
  const on = await api(`/connections/${connectionId}/automatic`, token, { method: "PUT", json: { enabled: true } });
  if (on.status !== 200) throw new Error(`automatic: ${on.status} ${await on.text()}`);
}

export const cwClient = () =>
  connectwiseConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: CW_BASE, credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS }, settings: connectwiseConnector.settingsSchema.parse({}) } });
export const snClient = () =>
  servicenowConnector.create({ fetch: (i, init) => fetch(i, init), config: { baseUrl: SN_BASE, credentials: SN_CREDENTIALS, settings: servicenowConnector.settingsSchema.parse({}) } });

/** Registers a ConnectWise callback through the real endpoint, as the setup steps say. */
export async function registerCallback(url: string, body: Record<string, unknown> = {}) {
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const res = await fetch(`${CW_BASE}/system/callbacks`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${companyId}+${publicKey}:${privateKey}`)}`, clientId, "Content-Type": "application/json" },
    body: JSON.stringify({ url, type: "Ticket", level: "Owner", description: "Lockstep", isSelfSuppressedFlag: false, ...body }),
  });
  if (res.status !== 201) throw new Error(`callback: ${res.status} ${await res.text()}`);
}

/** Adds the Business Rule the ServiceNow setup answer describes, through the simulator's control endpoint. */
export async function addBusinessRule(url: string, secret: string, table = "incident") {
  const res = await fetch(`${SN_BASE}/__control/business-rules`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ table, url, secret }) });
  if (res.status !== 201) throw new Error(`business rule: ${res.status} ${await res.text()}`);
}

export async function createSecret(token: string, connectionId: string, side: "source" | "target", json: Record<string, unknown> = {}) {
  const res = await api(`/connections/${connectionId}/webhooks/${side}/secret`, token, { method: "POST", json });
  if (res.status !== 201) throw new Error(`secret: ${res.status} ${await res.text()}`);
  return (await res.json()) as { secret: string; url: string; scheme: string; previousSecretsExpireAt: string | null; setup: { steps: string[]; script?: string } };
}

export function syncStub(orgId: string, connectionId: string) {
  return connectionSyncStub(env, orgId, connectionId);
}

/** As if the gap a webhook run waits after the previous run had passed: no sleeps in tests. */
export async function gapPassed(stub: ReturnType<typeof syncStub>): Promise<void> {
  await runInDurableObject(stub, (_instance, state) => state.storage.put(LAST_RUN_END_KEY, 0));
}

/**
 * True when nothing was waiting to run: the Durable Object is given its turn (its alarm, if any,
 * fires) and no run row is added or changes state.
 */
export async function nothingRuns(sims: Parameters<typeof settle>[0], orgId: string, connectionId: string): Promise<boolean> {
  const snapshot = async () => JSON.stringify((await runsOf(connectionId)).map((r) => [r.id, r.status]).sort());
  const before = await snapshot();
  await settle(sims, orgId, connectionId);
  return (await snapshot()) === before;
}

/**
 * Lets everything settle: every webhook the simulators have sent is answered, and every run it
 * queued is carried out, including the runs that the runs' own writes cause (echoes), until
 * nothing moves, with time enough between runs for the webhook gap to pass. Returns how many
 * runs it carried out.
 */
export async function settle(sims: { cw: { webhooks: { flush(): Promise<void> } }; sn: { webhooks: { flush(): Promise<void> } } }, orgId: string, connectionId: string): Promise<number> {
  const stub = syncStub(orgId, connectionId);
  let runs = 0;
  for (let round = 0; round < 10; round++) {
    await sims.cw.webhooks.flush();
    await sims.sn.webhooks.flush();
    await gapPassed(stub);
    const ran = await runDurableObjectAlarm(stub);
    await stub.drain();
    if (!ran) return runs;
    runs++;
  }
  throw new Error("runs kept queueing more runs: the webhooks do not converge");
}

export async function runsOf(connectionId: string) {
  return createDb(env.DB).select().from(syncRuns).where(eq(syncRuns.connectionId, connectionId));
}
