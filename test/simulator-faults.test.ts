import { describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../src/simulators/request-tracker/app";

// A broken answer still has its status line: the platform handled the call. The fault suite
// relies on the simulators doing the write before breaking its answer, as a real platform would.
const auth = { Authorization: `Basic ${btoa("lockstep:lockstep-password")}`, "Content-Type": "application/json" };
const create = (sim: ReturnType<typeof createRequestTrackerSimulator>) =>
  sim.app.fetch(new Request("https://rt.sim.test/REST/2.0/ticket", { method: "POST", headers: auth, body: JSON.stringify({ Queue: "General", Subject: "Broken answer" }) }));

describe("simulator faults", () => {
  it("cut an answer mid-body after the write took effect", async () => {
    const sim = createRequestTrackerSimulator();
    const before = sim.store.tickets.length;
    sim.faults.next({ kind: "cut" });
    const res = await create(sim);
    expect(res.status).toBe(201);
    await expect(res.text()).rejects.toThrow("connection reset by simulator");
    expect(sim.store.tickets.length).toBe(before + 1);
    expect(sim.store.tickets.at(-1)!.Subject).toBe("Broken answer");
  });

  it("answer a write with a body that is not JSON after it took effect", async () => {
    const sim = createRequestTrackerSimulator();
    const before = sim.store.tickets.length;
    sim.faults.next({ kind: "malformed" });
    const res = await create(sim);
    expect(res.status).toBe(201);
    await expect(res.json()).rejects.toThrow();
    expect(sim.store.tickets.length).toBe(before + 1);
  });

  it("refuse a write with a 500 or a 429 without doing it", async () => {
    const sim = createRequestTrackerSimulator();
    const before = sim.store.tickets.length;
    sim.faults.next({ kind: "status", status: 500 }).next({ kind: "status", status: 429, retryAfter: "3" });
    expect((await create(sim)).status).toBe(500);
    const limited = await create(sim);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("3");
    expect(sim.store.tickets.length).toBe(before);
  });
});
