// The demo's pair under faults, with the connection's Durable Object evicted at random points
// between chunks as well.
import { beforeAll, describe, expect, it } from "vitest";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { MAX_RUNS, FAILURE_RATE, setUpConnectWisePair } from "./support/cw-sn-pair";
import { scenarioSeed } from "./support/random";
import { reportScenario, syncUntilConverged } from "./support/scenario";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

describe("ConnectWise → ServiceNow under faults", () => {
  it("converges with 10% of calls failing and the Durable Object evicted at random between chunks", async () => {
    const name = "ConnectWise → ServiceNow, random faults and evictions";
    const { cw, sn, connectionId, check } = await setUpConnectWisePair(org, network, "evictions");
    const result = await syncUntilConverged({
      name, seed: scenarioSeed(9_002), orgId: org.organisation.id, connectionId, faults: { connectwise: cw.faults, servicenow: sn.faults },
      failureRate: FAILURE_RATE, check, maxRuns: MAX_RUNS, since: "2020-01-01T00:00:00.000Z", evictionRate: 0.5, chunkTickets: 50,
    });
    reportScenario(name, result);
    expect(result.last?.problems.slice(0, 20) ?? ["never checked: no run finished without failures"]).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.evictions).toBeGreaterThan(0);
  });
});
