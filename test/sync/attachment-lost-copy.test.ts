// A file whose upload answer was lost is found on the other side by name, size and bytes, and
// adopted, not sent again. Checking that copy means downloading it; a download that comes back
// garbled (here: ServiceNow's 200 with another body) proves nothing, so the file waits for the
// next run instead of going twice.
import { beforeAll, expect, it } from "vitest";
import { runSync } from "../../src/sync/engine/run-sync";
import { connectWiseToServiceNow } from "../faults/support/cw-sn-pair";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { engineDeps } from "../support/sync-fixture";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

it("is attached once when its upload answer was lost and the check of the copy came back garbled", async () => {
  // ticket 4 carries a document
  const { sn, connectionId } = await connectWiseToServiceNow(org, network, { label: "lost", tickets: 5 });
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
