// Idle cost (issue 9): the demo's pair in step, one 5-minute cron tick with nothing changed:
// API calls per side and D1 statements (the cron's and the connection's object's).
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { it } from "vitest";
import { runScheduled } from "../../../src/sync/scheduled";
import { SCENARIOS, report } from "../harness";
import { webhookPair } from "../webhook-pair";

it.runIf(SCENARIOS.includes("idle-tick"))("idle-tick", async () => {
  const { cw, sn, stub } = await webhookPair();
  // The platforms stamp to the second and a run re-reads what was stamped in its last two
  // seconds, so the ticks before the counted one are spaced as real ones are.
  const tick = async () => {
    await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
    while (await runDurableObjectAlarm(stub)) await stub.drain();
  };
  await tick();
  await scheduler.wait(2_500);
  await tick();
  await scheduler.wait(2_500);
  cw.faults.calls.length = 0;
  sn.faults.calls.length = 0;
  const before = await stub.usage();
  const cron = await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env);
  while (await runDurableObjectAlarm(stub)) await stub.drain();
  const after = await stub.usage();
  report("idle-tick", {
    calls: { source: cw.faults.calls.length, target: sn.faults.calls.length },
    listCalls: { source: cw.faults.calls.filter((c) => c.method === "GET" && /\/service\/tickets$/.test(c.path)).length, target: sn.faults.calls.filter((c) => c.method === "GET" && /\/table\/incident$/.test(c.path)).length },
    d1Statements: cron.queries + (after.d1Queries - before.d1Queries),
    cronQueries: cron.queries,
    objectD1: after.d1Queries - before.d1Queries,
  });
});
