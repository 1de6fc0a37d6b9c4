import { describe, expect, it } from "vitest";
import { buildDescription, emptyTicket, sampleTicket } from "../src/sync/description-builder";

const ticket = {
  ...sampleTicket(),
  title: "Printer offline",
  description: "It says Offline.\nRestarting did not help.",
  customFields: { Site: "London HQ", Billable: true, Floor: 3, Empty: "", Missing: null },
};

describe("the description builder", () => {
  it("writes the chosen fields as Label: value lines in the chosen order, then the separator and the original", () => {
    expect(buildDescription(ticket, { fields: ["priority", "title", "queue", "ticketType"], separator: "----" })).toBe(
      "Priority: High\nTitle: Printer offline\nQueue: Service Desk\nTicket type: incident\n----\nIt says Offline.\nRestarting did not help.",
    );
  });

  it("shows references by name and the requester as name <email>", () => {
    const text = buildDescription(ticket, { fields: ["status", "company", "assignee", "requester"], separator: "--" });
    expect(text.split("\n").slice(0, 4)).toEqual(["Status: In Progress", "Company: Contoso Ltd", "Assignee: Sam Taylor", "Requester: Jane Doe <jane.doe@contoso.example>"]);
    const emailOnly = { ...ticket, requester: { id: null, name: null, email: "x@y.example" } };
    expect(buildDescription(emailOnly, { fields: ["requester"], separator: "--" }).split("\n")[0]).toBe("Requester: x@y.example");
  });

  it("labels custom fields by their name", () => {
    const text = buildDescription(ticket, { fields: ["customFields.Site", "customFields.Billable", "customFields.Floor"], separator: "----" });
    expect(text.split("\n").slice(0, 3)).toEqual(["Site: London HQ", "Billable: Yes", "Floor: 3"]);
  });

  it("labels a custom field keyed by the platform's id with the name the platform lists for it", () => {
    const cw = { ...ticket, customFields: { "7": "SITE-100", "9": "unlabelled" } };
    const text = buildDescription(cw, { fields: ["customFields.7", "customFields.9"], separator: "----" }, { "7": "Site Code" });
    expect(text.split("\n").slice(0, 2)).toEqual(["Site Code: SITE-100", "9: unlabelled"]);
  });

  it("skips empty values", () => {
    const sparse = { ...ticket, company: null, assignee: { id: "1", name: "" }, requester: null };
    const text = buildDescription(sparse, { fields: ["company", "assignee", "requester", "customFields.Empty", "customFields.Missing", "customFields.Nope", "title"], separator: "----" });
    expect(text).toBe("Title: Printer offline\n----\nIt says Offline.\nRestarting did not help.");
  });

  it("is just the original description when no fields are chosen, or all chosen ones are empty", () => {
    expect(buildDescription(ticket, { fields: [], separator: "----" })).toBe(ticket.description);
    expect(buildDescription({ ...emptyTicket(), description: "Only this" }, { fields: ["status", "company"], separator: "----" })).toBe("Only this");
  });

  it("keeps each value on its line and ends with the separator when the original is empty", () => {
    const text = buildDescription({ ...ticket, title: "Two\nlines", description: "" }, { fields: ["title"], separator: "~~" });
    expect(text).toBe("Title: Two lines\n~~");
  });
});
