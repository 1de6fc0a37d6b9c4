import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CwTicket as ApiTicket } from "../../src/connectors/connectwise/api";
import { commentToNote, createBody, noteToComment, SUMMARY_MAX, ticketFromCanonical, ticketToCanonical } from "../../src/connectors/connectwise/mapping";
import { seededConnectWiseStore } from "../../src/simulators/connectwise/seed";

const store = seededConnectWiseStore();
const stamp = fc.date({ min: new Date("2015-01-01T00:00:00Z"), max: new Date("2035-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d{3}Z$/, "Z"));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Any ticket the simulator could hold: every board with its own statuses and types, every priority, company, contact and member. */
const vendorTicket: fc.Arbitrary<ApiTicket> = fc.record({
  id: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  summary: fc.string({ maxLength: SUMMARY_MAX }),
  board: fc.constantFrom(...store.boards),
  statusIndex: fc.nat(),
  typeIndex: maybe(fc.nat()),
  priority: maybe(fc.constantFrom(...store.priorities)),
  company: fc.constantFrom(...store.companies),
  contact: maybe(fc.constantFrom(...store.contacts)),
  contactName: maybe(fc.string()),
  contactEmailAddress: maybe(fc.emailAddress()),
  owner: maybe(fc.constantFrom(...store.members)),
  severity: maybe(fc.constantFrom("Low", "Medium", "High")),
  externalXRef: maybe(fc.string({ maxLength: 100 })),
  initialDescription: maybe(fc.string()),
  closedFlag: maybe(fc.boolean()),
  custom: fc.tuple(maybe(fc.string()), maybe(fc.double({ noNaN: true, noDefaultInfinity: true })), maybe(fc.boolean())),
  withCustomFields: fc.boolean(),
  info: fc.record({ lastUpdated: stamp, updatedBy: maybe(fc.constantFrom("jsmith", "lockstep-api")), dateEntered: maybe(stamp), enteredBy: maybe(fc.constantFrom("jsmith", "amorgan")) }),
  unknownVendorField: maybe(fc.jsonValue()),
}).map((r) => {
  const statuses = store.statuses.filter((s) => s.board.id === r.board.id);
  const types = store.types.filter((t) => t.board.id === r.board.id);
  const status = statuses[r.statusIndex % statuses.length]!;
  const type = r.typeIndex === undefined ? undefined : types[r.typeIndex % types.length];
  const drop = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return drop({
    id: r.id, summary: r.summary, recordType: "ServiceTicket", board: { id: r.board.id, name: r.board.name }, status: { id: status.id, name: status.name },
    type: type && { id: type.id, name: type.name }, priority: r.priority && { id: r.priority.id, name: r.priority.name }, company: { id: r.company.id, identifier: r.company.identifier, name: r.company.name },
    contact: r.contact && { id: r.contact.id, name: `${r.contact.firstName} ${r.contact.lastName}` }, contactName: r.contactName, contactEmailAddress: r.contactEmailAddress,
    owner: r.owner && { id: r.owner.id, identifier: r.owner.identifier }, severity: r.severity, externalXRef: r.externalXRef, initialDescription: r.initialDescription, closedFlag: r.closedFlag,
    customFields: r.withCustomFields ? store.customFieldDefs.map((d, i) => drop({ ...d, value: r.custom[i] })) : undefined,
    _info: drop(r.info), futureField: r.unknownVendorField,
  }) as ApiTicket;
});

describe("ConnectWise mapping", () => {
  it("maps any vendor ticket to canonical and back without losing a value, extras included", () => {
    fc.assert(fc.property(vendorTicket, (t) => {
      expect(ticketFromCanonical(structuredClone(ticketToCanonical(t)))).toEqual(t);
    }), { numRuns: 300 });
  });

  it("round-trips every seeded ticket exactly", () => {
    for (const t of store.tickets.values()) expect(ticketFromCanonical(ticketToCanonical(t as unknown as ApiTicket))).toEqual(t);
  });

  it("keeps picklist ids through canonical → vendor → canonical for every status, priority, board, company and member", () => {
    const write = fc.record({
      status: fc.constantFrom(...store.statuses), priority: fc.constantFrom(...store.priorities), company: fc.constantFrom(...store.companies),
      owner: fc.constantFrom(...store.members), title: fc.string({ minLength: 1, maxLength: SUMMARY_MAX }),
    });
    fc.assert(fc.property(write, (w) => {
      const body = createBody({ title: w.title, queueId: String(w.status.board.id), statusId: String(w.status.id), priorityId: String(w.priority.id), companyId: String(w.company.id), assigneeId: String(w.owner.id) });
      // What ConnectWise stores: the references as sent, with names filled in.
      const stored = { ...body, id: 1, summary: body.summary as string, board: { ...w.status.board }, status: { id: w.status.id, name: w.status.name }, priority: { id: w.priority.id, name: w.priority.name },
        company: { id: w.company.id, name: w.company.name }, owner: { id: w.owner.id, name: w.owner.identifier }, _info: { lastUpdated: "2024-01-01T00:00:00Z" } } as ApiTicket;
      const back = ticketToCanonical(stored);
      expect([back.title, back.queue?.id, back.status?.id, back.priority?.id, back.company?.id, back.assignee?.id]).toEqual([w.title, String(w.status.board.id), String(w.status.id), String(w.priority.id), String(w.company.id), String(w.owner.id)]);
    }));
  });

  it("keeps a title longer than 100 characters whole in the description while the summary fits", () => {
    fc.assert(fc.property(fc.string({ minLength: SUMMARY_MAX + 1, maxLength: 400 }), fc.string(), (title, description) => {
      const body = createBody({ title, description });
      expect((body.summary as string).length).toBeLessThanOrEqual(SUMMARY_MAX);
      expect(body.initialDescription).toBe(`Title: ${title}${description ? `\n\n${description}` : ""}`);
    }));
  });

  it("writes each note kind with its flag and reads it back as the same kind and visibility", () => {
    const kinds = [["discussion", true], ["internal", false], ["resolution", true]] as const;
    fc.assert(fc.property(fc.constantFrom(...kinds), fc.string({ minLength: 1 }), ([kind, isPublic], body) => {
      const note = { id: 1, ...commentToNote({ body, format: "text", public: isPublic, kind }) } as Parameters<typeof noteToComment>[0];
      const comment = noteToComment(note);
      expect([comment.kind, comment.public, comment.body]).toEqual([kind, isPublic, body]);
    }));
  });
});
