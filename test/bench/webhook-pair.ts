// The demo's ConnectWise → ServiceNow pair with signed callbacks into the Worker, in step after
// its first run, automatic sync on, the callback registered as the setup steps say, and the
// injected latency on both platforms: what the webhook-latency and idle-tick scenarios start from.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import { connections } from "../../src/db/schema";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { connectionSyncStub, WEBHOOK_GAP_KEY } from "../../src/sync/connection-sync";
import { api, setupFirstOrganisation } from "../helpers";
import { createConnection } from "../support/sync-fixture";
import { CW_BASE, LATENCY_MS, client, connectWiseAndServiceNowAccounts, network } from "./harness";

export async function webhookPair() {
  const org = await setupFirstOrganisation();
  const toWorker = (request: Request) => exports.default.fetch(request);
  const cw = createConnectWiseSimulator({ webhooks: toWorker });
  const sn = createServiceNowSimulator({ webhooks: toWorker });
  const route = network({ "cw.sim.test": cw.app, "sn.sim.test": sn.app });
  const { source, target } = await connectWiseAndServiceNowAccounts(org.token);
  const connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: DEMO_SIDE_SETTINGS.source }, target: { accountId: target, settings: DEMO_SIDE_SETTINGS.target } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
  const stub = connectionSyncStub(env, org.organisation.id, connectionId);
  // The benchmark times a change's path to the other side, not the gap between webhook runs.
  await runInDurableObject(stub, (_instance, state) => state.storage.put(WEBHOOK_GAP_KEY, 0));
  // The first run by hand, automatic sync on, the callback registered as the setup steps say.
  const first = await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { since: "2020-01-01T00:00:00Z" } });
  expect(first.status).toBe(202);
  while (await runDurableObjectAlarm(stub)) await stub.drain();
  expect((await api(`/connections/${connectionId}/automatic`, org.token, { method: "PUT", json: { enabled: true } })).status).toBe(200);
  await createDb(env.DB).update(connections).set({ manualCooldownSeconds: 0 }).where(eq(connections.id, connectionId));
  const secret = (await (await api(`/connections/${connectionId}/webhooks/source/secret`, org.token, { method: "POST", json: {} })).json()) as { url: string };
  const hook = secret.url.replace(/^https?:\/\/[^/]+/, "https://lockstep.test");
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const registered = await route(`${CW_BASE}/system/callbacks`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${companyId}+${publicKey}:${privateKey}`)}`, clientId, "Content-Type": "application/json" },
    body: JSON.stringify({ url: hook, type: "Ticket", level: "Owner", description: "Lockstep", isSelfSuppressedFlag: false }),
  });
  expect(registered.status).toBe(201);
  for (const sim of [cw, sn]) Object.assign(sim.faults, { latencyMs: LATENCY_MS });
  while (await runDurableObjectAlarm(stub)) await stub.drain();
  return { cw, sn, stub, cwApi: client("connectwise", CW_BASE, route), snApi: client("servicenow", "https://sn.sim.test", route) };
}
