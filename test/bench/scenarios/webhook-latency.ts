// Webhook to target latency (issue 9): a change on ConnectWise, its signed callback into the
// Worker, the connection's object's run, timed until ServiceNow shows it; p50 and p99 of 100.
import { runDurableObjectAlarm } from "cloudflare:test";
import { it } from "vitest";
import { SCENARIOS, report } from "../harness";
import { webhookPair } from "../webhook-pair";

it.runIf(SCENARIOS.includes("webhook-latency"))("webhook-latency", async () => {
  const { cw, sn, stub, cwApi, snApi } = await webhookPair();
  const boardTickets = [...cw.store.tickets.values()].filter((t) => t.board.id === 1).map((t) => String(t.id));
  const latencies: number[] = [];
  for (let i = 0; i < 100; i++) {
    const id = boardTickets[i % boardTickets.length]!;
    const title = `Changed ${i} on ConnectWise`;
    const started = Date.now();
    await cwApi.updateTicket(id, "ticket", { title });
    // The callback goes out, the Worker answers 202 and the object's alarm (due at once) runs.
    for (let tries = 0; ; tries++) {
      await cw.webhooks.flush();
      if (await runDurableObjectAlarm(stub)) await stub.drain();
      const incident = await snApi.findByPartnerReference("incident", id);
      if (incident?.title === title) break;
      if (tries > 50) throw new Error(`change ${i} never arrived`);
    }
    latencies.push(Date.now() - started);
    await sn.webhooks.flush();
    while (await runDurableObjectAlarm(stub)) await stub.drain();
  }
  latencies.sort((x, y) => x - y);
  report("webhook-latency", { changes: latencies.length, p50Ms: latencies[Math.floor(latencies.length * 0.5)], p99Ms: latencies[Math.ceil(latencies.length * 0.99) - 1] });
});
