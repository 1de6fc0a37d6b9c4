// Each platform's event, once verified, reduced to the tickets it names.
import { describe, expect, it } from "vitest";
import { connectorFor, platformKeys } from "../../src/connectors/registry";
import { connectwiseWebhook } from "../../src/connectors/connectwise/webhook";
import { requestTrackerWebhook } from "../../src/connectors/request-tracker/webhook";
import { servicenowWebhook } from "../../src/connectors/servicenow/webhook";

describe("webhook payloads", () => {
  it("ConnectWise: a ticket callback names its ID; callbacks about other records name none", () => {
    expect(connectwiseWebhook.ticketIds.parse({ Action: "updated", Type: "ticket", ID: 1042, Entity: "{}" })).toEqual(["1042"]);
    expect(connectwiseWebhook.ticketIds.parse({ Action: "added", Type: "Ticket", ID: "7" })).toEqual(["7"]);
    expect(connectwiseWebhook.ticketIds.parse({ Action: "updated", Type: "company", ID: 19 })).toEqual([]);
    expect(connectwiseWebhook.ticketIds.safeParse({ Action: "updated", Type: "ticket", ID: "12; drop" }).success).toBe(false);
    // No id that is no record's: zero, or more digits than any integer id has.
    expect(connectwiseWebhook.ticketIds.safeParse({ Action: "updated", Type: "ticket", ID: "0" }).success).toBe(false);
    expect(connectwiseWebhook.ticketIds.safeParse({ Action: "updated", Type: "ticket", ID: "9".repeat(200_000) }).success).toBe(false);
    expect(connectwiseWebhook.ticketIds.safeParse({ Action: "updated", Type: "ticket", ID: 1e300 }).success).toBe(false);
  });

  it("ServiceNow: the Business Rule's body names the record's sys_id", () => {
    const sysId = "9d385017c611228701d22104cc95c371";
    expect(servicenowWebhook.ticketIds.parse({ table: "incident", sys_id: sysId, number: "INC0010001", operation: "update" })).toEqual([sysId]);
    expect(servicenowWebhook.ticketIds.safeParse({ table: "incident", sys_id: "../../etc" }).success).toBe(false);
  });

  it("Request Tracker: the Scrip's body names the ticket", () => {
    expect(requestTrackerWebhook.ticketIds.parse({ ticket: 12, transaction: 120, type: "Correspond" })).toEqual(["12"]);
    expect(requestTrackerWebhook.ticketIds.parse({ ticket: "12" })).toEqual(["12"]);
    expect(requestTrackerWebhook.ticketIds.safeParse({ ticket: -1 }).success).toBe(false);
    expect(requestTrackerWebhook.ticketIds.safeParse({ ticket: "1".repeat(17) }).success).toBe(false);
  });

  it("every platform that declares a scheme can read its events and explain its setup with the URL", () => {
    for (const key of platformKeys) {
      const connector = connectorFor(key)!;
      expect(Boolean(connector.webhook)).toBe(connector.facts.webhooks !== null);
      const setup = connector.webhook?.setup({ url: "https://lockstep.example/hooks/con_1/source/abc", secret: "abc" });
      expect(setup?.steps.length).toBeGreaterThan(0);
      expect(setup?.script).toContain("https://lockstep.example/hooks/con_1/source/abc");
    }
  });
});
