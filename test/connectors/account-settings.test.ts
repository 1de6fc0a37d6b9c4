// Every platform account setting changes what the connector does. The settings each connector
// documents that other files do not already prove (ConnectWise boards and page size, RT queues
// and attachment limit, ServiceNow tables and close fields are covered beside their features).
import { describe, expect, it } from "vitest";
import { connectwiseConnector } from "../../src/connectors/connectwise";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { settingsSchema as rtSettingsSchema } from "../../src/connectors/request-tracker/config";
import { servicenowConnector } from "../../src/connectors/servicenow";
import { settingsSchema as snSettingsSchema } from "../../src/connectors/servicenow/config";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();

describe("ConnectWise apiVersion", () => {
  it("pins the response shape with the versioned Accept header on every JSON call, and sends plain JSON without it", async () => {
    const sim = createConnectWiseSimulator();
    network.mount("cw.sim.test", sim.app);
    const accepts: string[] = [];
    const client = (apiVersion?: string) =>
      connectwiseConnector.create({
        fetch: (input, init) => {
          accepts.push(new Headers(init?.headers).get("Accept") ?? "");
          return fetch(input, init);
        },
        config: {
          baseUrl: "https://cw.sim.test/v4_6_release/apis/3.0",
          credentials: { ...CONNECTWISE_SIMULATOR_DEFAULTS },
          settings: { boardIds: [], pageSize: 50, timeoutMs: 5_000, ...(apiVersion ? { apiVersion } : {}) },
        },
      });
    await client("2025.16").testConnection();
    expect(accepts.length).toBeGreaterThan(0);
    expect(new Set(accepts)).toEqual(new Set(["application/vnd.connectwise.com+json; version=2025.16"]));
    accepts.length = 0;
    await client().testConnection();
    expect(new Set(accepts)).toEqual(new Set(["application/json"]));
  });
});

describe("ServiceNow priorityMatrix", () => {
  it("writes the impact and urgency the admin's matrix gives for a priority, not the baseline's", async () => {
    const sim = createServiceNowSimulator();
    network.mount("sn.sim.test", sim.app);
    const client = servicenowConnector.create({
      fetch: (input, init) => fetch(input, init),
      config: {
        baseUrl: "https://sn.sim.test",
        credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" },
        // This instance's lookup rules give priority 2 for high impact and low urgency.
        settings: snSettingsSchema.parse({ priorityMatrix: { "2": { impact: "1", urgency: "3" } } }),
      },
    });
    const [incident] = (await client.listChanged({ since: "2000-01-01T00:00:00Z", cursor: null, ticketType: "incident" })).tickets;
    await client.updateTicket(incident!.id, "incident", { priorityId: "2" });
    expect(sim.store.writes.at(-1)?.body).toMatchObject({ impact: "1", urgency: "3" });
  });
});

describe("Request Tracker queues and extraStatuses", () => {
  const connect = (settings: Record<string, unknown>) =>
    requestTrackerConnector.create({
      fetch: (input, init) => fetch(input, init),
      config: { baseUrl: "https://rt.sim.test", credentials: { kind: "token", token: "1-20-lockstep-sim-token", username: "lockstep" }, settings: rtSettingsSchema.parse(settings) },
    });

  it("creates a ticket with no queue given in the first configured queue", async () => {
    const sim = createRequestTrackerSimulator();
    network.mount("rt.sim.test", sim.app);
    const created = await connect({ queues: ["Billing", "Support"] }).createTicket("ticket", { title: "No queue given", statusId: "new" });
    expect(created.queue?.name).toBe("Billing");
  });

  it("lists a custom lifecycle's statuses, and reads a ticket in an inactive one as closed", async () => {
    const sim = createRequestTrackerSimulator();
    network.mount("rt.sim.test", sim.app);
    const client = connect({ extraStatuses: [{ name: "awaiting parts", closed: false }, { name: "archived", closed: true }] });
    const { statuses } = await client.discover();
    expect(statuses.filter((s) => ["awaiting parts", "archived"].includes(s.id)).map((s) => [s.id, s.closed])).toEqual([
      ["awaiting parts", false],
      ["archived", true],
    ]);
    const ticket = sim.store.tickets[0]!;
    ticket.Status = "archived";
    expect((await client.getTicket(String(ticket.id), "ticket")).closed).toBe(true);
    ticket.Status = "awaiting parts";
    expect((await client.getTicket(String(ticket.id), "ticket")).closed).toBe(false);
  });
});
