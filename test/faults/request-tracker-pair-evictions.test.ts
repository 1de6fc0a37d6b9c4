// Two Request Tracker instances under faults, with the connection's Durable Object evicted at
// random points between chunks as well.
import { beforeAll, describe, expect, it } from "vitest";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { MAX_RUNS, FAILURE_RATE, setUpRequestTrackerPair } from "./support/rt-pair";
import { scenarioSeed } from "./support/random";
import { reportScenario, syncUntilConverged } from "./support/scenario";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

describe("Request Tracker → Request Tracker under faults", () => {
  it("converges with 10% of calls failing and the Durable Object evicted at random between chunks", async () => {
    const name = "RT → RT, random faults and evictions";
    const { a, b, connectionId, check } = await setUpRequestTrackerPair(org, network, "evictions");
    const result = await syncUntilConverged({
      name, seed: scenarioSeed(9_102), orgId: org.organisation.id, connectionId, faults: { "rt-a": a.faults, "rt-b": b.faults },
      failureRate: FAILURE_RATE, check, maxRuns: MAX_RUNS, since: "2020-01-01T00:00:00.000Z", evictionRate: 0.5, chunkTickets: 50,
    });
    reportScenario(name, result);
    expect(result.last?.problems.slice(0, 20) ?? ["never checked: no run finished without failures"]).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.evictions).toBeGreaterThan(0);
  });
});
