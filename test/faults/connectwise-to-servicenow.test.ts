// The demo's pair under faults: 1,000 ConnectWise tickets synced to ServiceNow while both
// platforms fail one call in ten at random, run until both sides agree.
import { beforeAll, describe, expect, it } from "vitest";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { MAX_RUNS, FAILURE_RATE, TICKETS, setUpConnectWisePair } from "./support/cw-sn-pair";
import { scenarioSeed } from "./support/random";
import { reportScenario, syncUntilConverged } from "./support/scenario";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

describe("ConnectWise → ServiceNow under faults", () => {
  it("converges with 10% of calls failing at random", async () => {
    const name = "ConnectWise → ServiceNow, random faults";
    const { cw, sn, connectionId, check } = await setUpConnectWisePair(org, network, "faults");
    const result = await syncUntilConverged({
      name, seed: scenarioSeed(9_001), orgId: org.organisation.id, connectionId, faults: { connectwise: cw.faults, servicenow: sn.faults },
      failureRate: FAILURE_RATE, check, maxRuns: MAX_RUNS, since: "2020-01-01T00:00:00.000Z",
    });
    reportScenario(name, result);
    expect(result.last?.problems.slice(0, 20) ?? ["never checked: no run finished without failures"]).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.last!.counted).toMatchObject({ tickets: TICKETS, comments: 3 * TICKETS });
  });
});
