import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { useSimulatorNetwork } from "./simulator-network";

const network = useSimulatorNetwork();

describe("simulator network", () => {
  it("routes a registered host to its simulator and refuses unknown hosts", async () => {
    network.mount("sim.example.test", new Hono().get("/ping", (c) => c.json({ pong: true })));
    const res = await fetch("https://sim.example.test/ping");
    expect(await res.json()).toEqual({ pong: true });
    await expect(fetch("https://unknown.example.test/")).rejects.toThrow();
  });
});
