import { describe, expect, it } from "vitest";
import { describeNotStored, notStored, writeField } from "../../src/sync/engine/field-access";
import { ticket } from "../support/canonical-ticket";

describe("what a platform kept of a write", () => {
  it("finds nothing missing when the answer holds what was written, in the platform's normal forms", () => {
    const answer = ticket("T1", {
      status: { id: "open", name: "open" },
      queue: { id: "3", name: "Support" },
      assignee: { id: "alice", name: "Alice" },
      customFields: { "2": 7.5, "3": true, Due: "2026-03-01T00:00:00Z", Tags: "vip " },
      partnerReference: "INC0042",
    });
    // A queue and an owner written by name, a number written as text, a date in another spelling.
    const write = { statusId: "open", queueId: "Support", assigneeId: "alice", customFields: { "2": "7.50", "3": "true", Due: "2026-03-01", Tags: "vip" }, partnerReference: "INC0042", title: "Reshaped by the platform" };
    expect(notStored(write, ticket("T1", { ...answer, title: "Reshaped" }))).toEqual([]);
  });

  it("names each field the platform answered 200 to and did not keep, with what it kept", () => {
    const answer = ticket("T1", { status: { id: "1", name: "New" }, customFields: { u_ref: "" }, partnerReference: null });
    const dropped = notStored({ statusId: "2", customFields: { u_ref: "R-9", u_gone: "x" }, partnerReference: "CW-7" }, answer);
    expect(dropped).toEqual([
      { field: "status", wrote: "2", kept: "New (1)" },
      { field: "customFields.u_ref", wrote: "R-9", kept: null },
      { field: "customFields.u_gone", wrote: "x", kept: null },
      { field: "partnerReference", wrote: "CW-7", kept: null },
    ]);
    expect(describeNotStored("target", dropped.slice(0, 1))).toBe(
      'The target platform accepted the write but did not store a field (status: wrote "2", the target kept "New (1)"). The value is not counted as synced and is written again on the next run.',
    );
  });

  it("refuses to write the ticket type instead of dropping it", () => {
    expect(() => writeField({}, "ticketType", "problem")).toThrow(expect.objectContaining({ code: "field_not_found" }));
  });
});
