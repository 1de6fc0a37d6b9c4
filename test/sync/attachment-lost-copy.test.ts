// A file whose upload answer was lost is found on the other side by name, size and bytes, and
// adopted, not sent again. Checking that copy means downloading it; a download that comes back
// garbled (here: ServiceNow's 200 with another body) proves nothing, so the file waits for the
// next run instead of going twice.
import { beforeAll, expect, it } from "vitest";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { DEMO_CONNECTION_SETTINGS, DEMO_MAPPINGS, DEMO_SIDE_SETTINGS } from "../../src/demo-connection";
import { runSync } from "../../src/sync/engine/run-sync";
import { seedConnectWiseBacklog } from "../faults/support/seed-connectwise";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { addAccount, createConnection, engineDeps } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

it("is attached once when its upload answer was lost and the check of the copy came back garbled", async () => {
  const cw = createConnectWiseSimulator();
  const sn = createServiceNowSimulator();
  seedConnectWiseBacklog(cw.store, 5); // ticket 4 carries a document
  for (const table of ["task", "sys_journal_field", "sys_attachment", "task_time_worked"]) sn.store.rows.get(table)!.splice(0);
  network.mount("cw-lost.sim.test", cw.app);
  network.mount("sn-lost.sim.test", sn.app);
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const source = await addAccount(org.token, { name: "CW", platform: "connectwise", baseUrl: "https://cw-lost.sim.test/v4_6_release/apis/3.0", credentials: { companyId, publicKey, privateKey, clientId } });
  const target = await addAccount(org.token, { name: "SN", platform: "servicenow", baseUrl: "https://sn-lost.sim.test", credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" } });
  const connectionId = await createConnection(
    org.organisation.id,
    { source: { accountId: source, settings: DEMO_SIDE_SETTINGS.source }, target: { accountId: target, settings: DEMO_SIDE_SETTINGS.target } },
    { mappings: DEMO_MAPPINGS, settings: DEMO_CONNECTION_SETTINGS },
  );
  const run = () => runSync(engineDeps(), { connectionId, mode: "quick", trigger: "manual", since: "2020-01-01T00:00:00Z" });
  const uploads = () => sn.faults.calls.filter((c) => c.method === "POST" && c.path.endsWith("/attachment/file")).length;
  // ServiceNow keeps the file, but its answer is cut off.
  sn.faults.next({ kind: "cut" }, { method: "POST", path: /\/attachment\/file$/ });
  await run();
  expect(uploads()).toBe(1);
  // The next run downloads the copy to compare; that download comes back as another body.
  sn.faults.next({ kind: "malformed" }, { method: "GET", path: /\/attachment\/[0-9a-f]+\/file$/ });
  await run();
  await run();
  expect(uploads()).toBe(1);
  expect(sn.store.list("sys_attachment").map((f) => f.file_name)).toEqual(["capture-4.bin"]);
});
