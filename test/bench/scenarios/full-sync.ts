// Full initial syncs (issue 9): `cw-sn-<tickets>` (ConnectWise → ServiceNow) and `rt-rt-<tickets>`
// (Request Tracker → Request Tracker), each platform held to its vendor's concurrency with the
// injected latency on every call. scripts/bench.mjs runs each in a workerd of its own, so the
// workerd's peak memory is that sync's.
import { expect, it } from "vitest";
import { SCENARIOS, fullSync, pair, report } from "../harness";
import { checkConnectWiseSeed, checkRequestTrackerSeed } from "../seed-check";

const FULL = /^(cw-sn|rt-rt)-(\d+)$/;

for (const scenario of SCENARIOS.filter((s) => FULL.test(s))) {
  it(scenario, async () => {
    const [, kind, tickets] = FULL.exec(scenario)!;
    await (kind === "cw-sn" ? checkConnectWiseSeed() : checkRequestTrackerSeed());
    const p = await pair(kind as "cw-sn" | "rt-rt", Number(tickets));
    const result = await fullSync(scenario, p, true);
    expect(result.status).toBe("success");
    report(scenario, result);
  });
}
