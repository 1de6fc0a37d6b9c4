// Engine overhead (issue 9): the 1,000-ticket ConnectWise → ServiceNow sync with no latency and no
// concurrency limit, for the engine's own time per ticket.
import { expect, it } from "vitest";
import { SCENARIOS, fullSync, pair, report } from "../harness";
import { checkConnectWiseSeed } from "../seed-check";

it.runIf(SCENARIOS.includes("engine-overhead"))("engine-overhead", async () => {
  await checkConnectWiseSeed();
  const p = await pair("cw-sn", 1_000);
  const result = await fullSync("engine-overhead", p, false);
  expect(result.status).toBe("success");
  // CPU per ticket cannot be read inside workerd, but in local workerd the clock moves while code
  // computes (on Cloudflare it stands still until the next I/O), so the wall time during which no
  // D1 statement, R2 operation or platform call was in flight is time the isolate spent
  // computing: the engine's, the test runner's (small) and the simulators' between calls. It is
  // a lower bound on the engine's CPU: computing that overlaps another ticket's call in flight
  // is not counted. The simulators' handlers run inside their calls, so they are left out.
  const engineMsPerTicket = Math.round((result.time.restMs / result.tickets) * 1000) / 1000;
  report("engine-overhead", {
    tickets: result.tickets,
    wallMs: result.wallMs,
    simBusyMs: result.simBusyMs,
    engineMsPerTicket,
    d1PerTicket: result.d1PerTicket,
    calls: result.calls,
    time: result.time,
    perTicket: result.perTicket,
  });
});
