// Property tests: ServiceNow records survive the trip through the canonical model unchanged (every
// display value and every field the model has no place for included), for every state and
// priority the simulated instance knows; writes carry exactly the fields asked for.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Ticket, TicketWrite } from "../../src/connectors/canonical";
import { KNOWN_TABLES, settingsSchema } from "../../src/connectors/servicenow/config";
import {
  attachmentFromRecord,
  attachmentToRecord,
  commentToJournal,
  journalToComment,
  recordToTicket,
  recordToTimeEntry,
  requesterField,
  ticketToRecord,
  ticketWriteToPayload,
  timeEntryToRecord,
  type SnField,
} from "../../src/connectors/servicenow/mapping";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { durationDisplay, priorityFor, snTime } from "../../src/simulators/servicenow/tables";

const { store } = createServiceNowSimulator();
const settings = settingsSchema.parse({});

/** The instance's choices for a table's field, inheriting from task as the instance does. */
function choices(table: string, element: string): SnField[] {
  const rows = store.list("sys_choice");
  const own = rows.filter((c) => c.name === table && c.element === element);
  return (own.length > 0 ? own : rows.filter((c) => c.name === "task" && c.element === element)).map((c) => ({ value: c.value!, display_value: c.label! }));
}

const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const time = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => snTime(new Date(Math.floor(ms / 1000) * 1000)));
/** A plain field: display usually equals the value, sometimes not (another user time zone, a formatted number). */
const plain = (value: fc.Arbitrary<string>) => fc.tuple(value, fc.option(fc.string(), { freq: 4 })).map(([v, d]) => ({ value: v, display_value: d ?? v }));
const reference = fc.oneof(fc.constant({ value: "", display_value: "" }), fc.record({ value: hex32, display_value: fc.string() }));
const choice = (table: string, element: string) => fc.oneof(fc.constantFrom(...choices(table, element)), fc.constant({ value: "", display_value: "" }));
const extraFields = fc.dictionary(fc.stringMatching(/^x_[a-z]{1,8}$/), fc.record({ value: fc.string(), display_value: fc.string() }), { maxKeys: 4 });
const customFields = fc.dictionary(fc.stringMatching(/^u_[a-z]{1,8}$/), plain(fc.string()), { maxKeys: 3 });

function ticketRecord(table: string) {
  return fc
    .record({
      sys_id: plain(hex32), number: plain(fc.string()), short_description: plain(fc.string()), description: plain(fc.string()),
      correlation_id: plain(fc.string()), sys_created_on: plain(time), sys_updated_on: plain(time), sys_updated_by: plain(fc.string()),
      state: choice(table, "state"), priority: choice(table, "priority"), impact: choice(table, "impact"), urgency: choice(table, "urgency"),
      company: reference, assignment_group: reference, assigned_to: reference, requester: reference,
      extra: extraFields, custom: customFields,
    })
    .map(({ requester, extra, custom, ...fields }) => ({ ...extra, ...custom, ...fields, [requesterField(table)]: requester }));
}

describe("ServiceNow ticket mapping", () => {
  for (const table of KNOWN_TABLES) {
    it(`keeps every ${table} record value through canonical and back, for every state and priority`, () => {
      fc.assert(
        fc.property(ticketRecord(table), (record) => {
          const closed = settings.closedStates[table] ?? [];
          const ticket = recordToTicket(table, record, closed);
          expect(ticket.closed).toBe(closed.includes(record.state.value));
          expect(ticketToRecord(ticket)).toEqual(record);
        }),
      );
    });
  }

  it("keeps every canonical ticket value through the ServiceNow record and back", () => {
    const ref = (items: SnField[]) => fc.option(fc.constantFrom(...items.map((c) => ({ id: c.value, name: c.display_value }))), { nil: null });
    const anyRef = fc.option(fc.record({ id: hex32, name: fc.string() }), { nil: null });
    const iso = time.map((t) => `${t.replace(" ", "T")}Z`);
    const ticket = fc.constantFrom(...KNOWN_TABLES).chain((table) =>
      fc.record({
        id: hex32, number: fc.string(), ticketType: fc.constant(table), title: fc.string(), description: fc.string(),
        status: ref(choices(table, "state")), priority: ref(choices(table, "priority")),
        requester: fc.option(fc.record({ id: fc.option(hex32, { nil: null }), name: fc.string({ minLength: 1 }), email: fc.constant(null) }), { nil: null }),
        company: anyRef, queue: anyRef, assignee: anyRef,
        customFields: fc.dictionary(fc.stringMatching(/^u_[a-z]{1,8}$/), fc.string(), { maxKeys: 3 }),
        partnerReference: fc.option(fc.string({ minLength: 1 }), { nil: null }), createdAt: iso, updatedAt: iso,
        updatedBy: fc.option(fc.string({ minLength: 1 }), { nil: null }), closed: fc.constant(false), extra: extraFields,
      }),
    );
    fc.assert(
      fc.property(ticket, (generated) => {
        const closedStates = settings.closedStates[generated.ticketType] ?? [];
        const t: Ticket = { ...generated, closed: generated.status !== null && closedStates.includes(generated.status.id) };
        expect(recordToTicket(t.ticketType, ticketToRecord(t), closedStates)).toEqual(t);
      }),
    );
  });
});

describe("ServiceNow comment, attachment and time mapping", () => {
  it("keeps every journal entry value, for comments and work notes, text and HTML", () => {
    const entry = fc.record({
      sys_id: hex32, element: fc.constantFrom("comments", "work_notes"), element_id: hex32, name: fc.constantFrom(...KNOWN_TABLES),
      value: fc.oneof(fc.string(), fc.string().map((s) => `[code]${s}[/code]`)), sys_created_on: time, sys_created_by: fc.string(),
    });
    fc.assert(
      fc.property(entry, (record) => {
        const comment = journalToComment(record);
        expect(comment.public).toBe(record.element === "comments");
        expect(commentToJournal(comment)).toEqual(record);
      }),
    );
  });

  it("keeps every attachment metadata value", () => {
    const meta = fc.record({
      sys_id: hex32, file_name: fc.string(), size_bytes: fc.oneof(fc.nat().map(String), fc.constant("")), content_type: fc.string(), sys_created_on: time,
      table_name: fc.constantFrom(...KNOWN_TABLES), table_sys_id: hex32, hash: fc.string(), download_link: fc.string(),
    });
    fc.assert(
      fc.property(meta, (record) => {
        expect(attachmentToRecord(attachmentFromRecord(record))).toEqual(record);
      }),
    );
  });

  it("keeps every time worked value, including seconds that do not make a whole minute", () => {
    const entry = fc
      .record({ seconds: fc.nat({ max: 10 * 86_400 }), sys_id: plain(hex32), user: reference, comments: plain(fc.string()), sys_created_on: plain(time), task: reference, extra: extraFields })
      .map(({ seconds, extra, ...fields }) => {
        const value = snTime(new Date(seconds * 1000));
        return { ...extra, ...fields, time_worked: { value, display_value: durationDisplay(value) } };
      });
    fc.assert(
      fc.property(entry, (record) => {
        const mapped = recordToTimeEntry(record);
        expect(mapped.minutes).toBe(Math.floor(Date.parse(`${record.time_worked.value.replace(" ", "T")}Z`) / 60_000));
        expect(timeEntryToRecord(mapped)).toEqual(record);
      }),
    );
  });
});

describe("ServiceNow write mapping", () => {
  it("writes each priority the instance knows as the impact and urgency its lookup rules turn back into that priority", () => {
    for (const table of settings.computedPriorityTables) {
      for (const { value } of choices(table, "priority")) {
        const body = ticketWriteToPayload(table, { priorityId: value }, settings);
        expect(body).not.toHaveProperty("priority");
        expect(priorityFor(body.impact!, body.urgency!)).toBe(value);
      }
    }
    expect(ticketWriteToPayload("sc_task", { priorityId: "2" }, settings)).toEqual({ priority: "2" });
  });

  it("writes exactly the fields given, adding resolution fields only for states that need them", () => {
    const write = fc.constantFrom("incident", "sc_task").chain((table) =>
      fc.tuple(
        fc.constant(table),
        fc.record(
          {
            title: fc.string(), description: fc.string(), statusId: fc.constantFrom(...choices(table, "state").map((c) => c.value)),
            queueId: hex32, companyId: hex32, assigneeId: hex32, partnerReference: fc.string(),
            requester: fc.record({ id: hex32, name: fc.string(), email: fc.constant(null) }),
          },
          { requiredKeys: [] },
        ),
      ),
    );
    const names: Record<string, string[]> = {
      title: ["short_description"], description: ["description"], statusId: ["state"], queueId: ["assignment_group"], companyId: ["company"],
      assigneeId: ["assigned_to"], partnerReference: ["correlation_id", "correlation_display"],
    };
    fc.assert(
      fc.property(write, ([table, fields]) => {
        const body = ticketWriteToPayload(table, fields as TicketWrite, settings);
        const closing = fields.statusId !== undefined && (settings.closeFields[table]?.states ?? []).includes(fields.statusId);
        const expected = Object.keys(fields).flatMap((key) => (key === "requester" ? [requesterField(table)] : names[key]!));
        if (closing) expected.push("close_code", "close_notes");
        expect(Object.keys(body).sort()).toEqual(expected.sort());
      }),
    );
  });
});
