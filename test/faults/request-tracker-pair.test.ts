// Two Request Tracker instances under faults: 1,000 tickets on A synced to B while both fail one
// call in ten at random, run until both agree.
import { beforeAll, describe, expect, it } from "vitest";
import { setupFirstOrganisation } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { MAX_RUNS, FAILURE_RATE, TICKETS, setUpRequestTrackerPair } from "./support/rt-pair";
import { scenarioSeed } from "./support/random";
import { reportScenario, syncUntilConverged } from "./support/scenario";

const network = useSimulatorNetwork();
let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

describe("Request Tracker → Request Tracker under faults", () => {
  it("converges with 10% of calls failing at random", async () => {
    const name = "RT → RT, random faults";
    const { a, b, connectionId, check } = await setUpRequestTrackerPair(org, network, "faults");
    const result = await syncUntilConverged({
      name, seed: scenarioSeed(9_101), orgId: org.organisation.id, connectionId, faults: { "rt-a": a.faults, "rt-b": b.faults },
      failureRate: FAILURE_RATE, check, maxRuns: MAX_RUNS, since: "2020-01-01T00:00:00.000Z",
    });
    reportScenario(name, result);
    expect(result.last?.problems.slice(0, 20) ?? ["never checked: no run finished without failures"]).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.last!.counted).toMatchObject({ tickets: TICKETS, comments: 2 * TICKETS });
  });
});
