// Found by the fault suite: a file download cut off mid-body. The run must leave nothing in flight
// (the connection's object can be evicted once its alarm has returned) and the next run carries
// the file. Small and quick, so the case is easy to work on alone.
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection } from "../support/sync-fixture";
import { seedConnectWiseBacklog } from "./support/seed-connectwise";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

it("a download cut mid-body leaves nothing running, and the file arrives on the next run", async () => {
  const cw = createConnectWiseSimulator();
  const sn = createServiceNowSimulator();
  seedConnectWiseBacklog(cw.store, 5); // ticket 4 carries a document
  for (const table of ["task", "sys_journal_field", "sys_attachment", "task_time_worked"]) sn.store.rows.get(table)!.splice(0);
  network.mount("cw-cut.sim.test", cw.app);
  network.mount("sn-cut.sim.test", sn.app);
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const source = await addAccount(org.token, { name: "CW", platform: "connectwise", baseUrl: "https://cw-cut.sim.test/v4_6_release/apis/3.0", credentials: { companyId, publicKey, privateKey, clientId }, settings: { timeoutMs: 250 } });
  const target = await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: "https://sn-cut.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" }, settings: { timeoutMs: 250 } });
  const connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: DEMO_SIDE_SETTINGS.source }, target: { accountId: target, settings: DEMO_SIDE_SETTINGS.target } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
  cw.faults.next({ kind: "cut" }, { method: "GET", path: /\/download$/ });
  const stub = connectionSyncStub(env, org.organisation.id, connectionId);
  const runToEnd = async () => {
    while (await runDurableObjectAlarm(stub)) await stub.drain();
  };
  await stub.requestRun({ connectionId, mode: "quick", trigger: "automatic", since: "2020-01-01T00:00:00Z" });
  await runToEnd();
  expect(cw.faults.calls.filter((c) => c.path.endsWith("/download"))).toHaveLength(1);
  // workerd waits for requests in flight, then refuses: "it still has active references".
  await evictDurableObject(stub);
  await stub.requestRun({ connectionId, mode: "quick", trigger: "automatic" });
  await runToEnd();
  const files = sn.store.list("sys_attachment");
  expect(files.map((f) => f.file_name)).toEqual(["capture-4.bin"]);
});
