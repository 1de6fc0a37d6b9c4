import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RtTicket } from "../../src/connectors/request-tracker/api-schemas";
import { settingsSchema } from "../../src/connectors/request-tracker/config";
import { DEFAULT_STATUSES, ticketFromRt, ticketToRt, ticketWriteFromRt, ticketWriteToRt, type MappingContext } from "../../src/connectors/request-tracker/mapping";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";

const BASE = "https://rt.sim.test";
const ctx: MappingContext = { ...settingsSchema.parse({}), baseUrl: BASE };
const rest = `${BASE}/REST/2.0`;
const { store } = createRequestTrackerSimulator();

const name = fc.stringMatching(/^[a-z][a-z0-9._@-]{0,15}$/);
const text = fc.string({ maxLength: 30 });
const iso = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => new Date(s * 1000).toISOString().replace(".000", ""));
const user = (id: string, fields: { EmailAddress: string; RealName: string }) => ({ type: "user", id, _url: `${rest}/user/${id}`, Name: id, ...fields });
const requestor = fc.record({ id: name, EmailAddress: fc.emailAddress(), RealName: text }).map(({ id, ...f }) => user(id, f));

/** RT tickets using every status and priority level the simulator knows, every queue and custom field. */
const rtTicket: fc.Arbitrary<RtTicket> = fc.record({
  id: fc.integer({ min: 1, max: 1e6 }).map(String),
  Subject: text,
  Status: fc.constantFrom(...DEFAULT_STATUSES.map((s) => s.name)),
  queue: fc.constantFrom(...store.queues),
  owner: fc.constantFrom(...store.users.map((u) => u.Name)),
  Priority: fc.integer({ min: 0, max: 120 }),
  Created: iso,
  LastUpdated: iso,
  updatedBy: name,
  Requestor: fc.array(requestor, { maxLength: 3 }),
  cfValues: fc.tuple(...store.customFields.map(() => fc.array(text, { maxLength: 2 }))),
  TimeWorked: fc.integer({ min: 0, max: 10_000 }),
  Due: iso,
}).map(({ queue, owner, updatedBy, cfValues, ...rt }) => ({
  ...rt,
  type: "ticket",
  _url: `${rest}/ticket/${rt.id}`,
  Queue: { type: "queue", id: String(queue.id), _url: `${rest}/queue/${queue.id}`, Name: queue.Name },
  Owner: { type: "user", id: owner, _url: `${rest}/user/${owner}`, Name: owner },
  LastUpdatedBy: { type: "user", id: updatedBy, _url: `${rest}/user/${updatedBy}`, Name: updatedBy },
  CustomFields: store.customFields.map((cf, i) => ({ type: "customfield", id: String(cf.id), _url: `${rest}/customfield/${cf.id}`, name: cf.Name, values: cfValues[i]! })),
}));

describe("RT ↔ canonical mapping", () => {
  it("RT ticket → canonical → RT ticket keeps every value, including those kept only in extra", () => {
    fc.assert(fc.property(rtTicket, (rt) => {
      expect(ticketToRt(ticketFromRt(rt, "desc", ctx), ctx)).toEqual(rt);
    }));
  });

  it("names every priority by its level and keeps raw numbers between levels", () => {
    fc.assert(fc.property(rtTicket, (rt) => {
      const ticket = ticketFromRt(rt, "", ctx);
      const level = rt.Priority >= 100 ? "High" : rt.Priority >= 50 ? "Medium" : "Low";
      expect(ticket.priority?.name).toBe(level);
      expect(ticket.extra.rtRawPriority ?? Number(ticket.priority?.id)).toBe(rt.Priority);
    }));
  });

  it("marks exactly the inactive lifecycle statuses as closed", () => {
    for (const status of DEFAULT_STATUSES) {
      const [sample] = fc.sample(rtTicket, 1);
      expect(ticketFromRt({ ...sample!, Status: status.name }, "", ctx).closed).toBe(["resolved", "rejected", "deleted"].includes(status.name));
    }
  });

  it("canonical write → RT body → canonical write keeps every field RT can take", () => {
    const write = fc.record({
      title: text, statusId: fc.constantFrom(...DEFAULT_STATUSES.map((s) => s.name)), priorityId: fc.constantFrom("0", "50", "100"),
      queueId: fc.constantFrom(...store.queues.map((q) => q.Name)), assigneeId: fc.constantFrom(...store.users.map((u) => u.Name)),
      // A matched contact: RT takes a requester only when the user exists (see ticketWriteToRt).
      requester: fc.emailAddress().chain((email) => fc.record({ id: fc.constant(email), name: text, email: fc.constant(email) })),
      customFields: fc.record({ Severity: fc.constantFrom("Low", "Medium", "High", "Critical"), Tags: text }),
      partnerReference: text, description: text, extra: fc.record({ Due: iso, TimeEstimated: fc.integer({ min: 0, max: 500 }) }),
    }, { requiredKeys: [] });
    fc.assert(fc.property(write, (w) => {
      const body = ticketWriteToRt(w, ctx, true);
      expect(ticketWriteFromRt(body, ctx, w.requester)).toEqual(w);
    }));
  });

  it("an update body carries only the fields that changed", () => {
    expect(ticketWriteToRt({ statusId: "resolved" }, ctx, false)).toEqual({ Status: "resolved" });
    expect(ticketWriteToRt({ partnerReference: "X-1" }, ctx, false)).toEqual({ CustomFields: { "Partner Reference": "X-1" } });
    expect(ticketWriteToRt({ description: "ignored on update" }, ctx, false)).toEqual({});
  });
});
