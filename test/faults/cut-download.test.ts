// Found by the fault suite: a file download cut off mid-body. The run must leave nothing in flight
// (the connection's object can be evicted once its alarm has returned) and the next run carries
// the file. Small and quick, so the case is easy to work on alone.
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import { connectionSyncStub } from "../../src/sync/connection-sync";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { connectWiseToServiceNow } from "./support/cw-sn-pair";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

it("a download cut mid-body leaves nothing running, and the file arrives on the next run", async () => {
  // ticket 4 carries a document
  const { cw, sn, connectionId } = await connectWiseToServiceNow(org, network, { label: "cut", tickets: 5, accountSettings: { timeoutMs: 250 } });
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
