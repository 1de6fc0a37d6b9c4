import { describe, expect, it } from "vitest";
import type { Ticket } from "../../src/connectors/canonical";
import { ticket } from "../support/canonical-ticket";
import { connectionSettingsSchema, sideSettingsSchema } from "../../src/schemas/connections";
import type { MappingRule } from "../../src/sync/engine/mapping-rules";
import { planChanges, type PlanInput } from "../../src/sync/engine/plan-changes";
import type { LinkState } from "../../src/sync/engine/types";

const statusRule = (policy: MappingRule["conflictPolicy"] = "latest_wins"): MappingRule => ({
  id: "m-status",
  ticketType: "*",
  sourceField: "status",
  targetField: "status",
  direction: "bidirectional",
  kind: "value",
  conflictPolicy: policy,
  pairs: [
    { sourceValue: "1", targetValue: "new" },
    { sourceValue: "2", targetValue: "open" },
    { sourceValue: "6", targetValue: "resolved" },
  ],
});

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    changes: { source: [], target: [] },
    links: [],
    rules: [statusRule()],
    settings: {
      source: sideSettingsSchema.parse({}),
      target: sideSettingsSchema.parse({ defaults: { statusId: "new", priorityId: "50", queueId: "1" } }),
      connection: connectionSettingsSchema.parse({}),
    },
    buildDescription: (t) => `From ${t.number}\n----\n${t.description}`,
    ...overrides,
  };
}

const linked = (synced: LinkState["synced"]): LinkState => ({
  id: "lnk1",
  state: "linked",
  originSide: "source",
  sourceTicketId: "S1",
  targetTicketId: "T1",
  sourceNumber: "#S1",
  targetNumber: "#T1",
  synced,
});

describe("planning", () => {
  it("creates with the target's defaults, the mapped values, the built description and the partner reference", () => {
    const [op] = planChanges(input({ changes: { source: [ticket("S1", { status: { id: "2", name: "Active" } })], target: [] } }));
    expect(op).toMatchObject({
      kind: "create",
      on: "target",
      fields: { statusId: "open", priorityId: "50", queueId: "1", title: "Ticket S1", description: "From #S1\n----\nBody", partnerReference: "#S1" },
      requesterEmail: "carol@acme.example",
    });
  });

  it("fails a ticket with an unpaired value, naming the field and the value", () => {
    const [op] = planChanges(input({ changes: { source: [ticket("S1", { status: { id: "4", name: "Awaiting user" } })], target: [] } }));
    expect(op).toMatchObject({ kind: "fail", code: "value_not_mapped" });
    expect(op?.kind === "fail" && op.message).toBe('status value "Awaiting user" (4) has no pair in the status → status mapping.');
  });

  it("fails creation when a required default is missing", () => {
    const settings = input().settings;
    const [op] = planChanges(input({ rules: [], settings: { ...settings, target: sideSettingsSchema.parse({ defaults: { statusId: "new" } }) }, changes: { source: [ticket("S1")], target: [] } }));
    expect(op).toMatchObject({ kind: "fail", code: "missing_default" });
    expect(op?.kind === "fail" && op.message).toContain("default priority");
  });

  it("does nothing for a linked pair whose mapped values are as last synced (our own echo)", () => {
    const ops = planChanges(input({ links: [linked({ "m-status": { source: "1", target: "new" } })], changes: { source: [ticket("S1")], target: [ticket("T1", { status: { id: "new", name: "new" } })] } }));
    expect(ops).toEqual([expect.objectContaining({ kind: "in_sync" })]);
  });

  it.each([
    ["source_wins", "source", { target: { statusId: "resolved" } }],
    ["target_wins", "target", { source: { statusId: "2" } }],
    ["latest_wins", "target", { source: { statusId: "2" } }],
  ] as const)("settles a conflict by %s and records both values", (policy, winner, writes) => {
    const ops = planChanges(
      input({
        rules: [statusRule(policy)],
        links: [linked({ "m-status": { source: "1", target: "new" } })],
        changes: {
          source: [ticket("S1", { status: { id: "6", name: "Resolved" }, updatedAt: "2026-01-01T10:00:00.000Z" })],
          target: [ticket("T1", { status: { id: "open", name: "open" }, updatedAt: "2026-01-01T10:05:00.000Z" })],
        },
      }),
    );
    expect(ops).toEqual([expect.objectContaining({ kind: "update", writes, conflicts: [expect.objectContaining({ sourceValue: "6", targetValue: "open", winner })] })]);
  });

  it("never writes a one-way field against its direction", () => {
    const rule: MappingRule = { ...statusRule(), direction: "source_to_target" };
    const ops = planChanges(input({ rules: [rule], links: [linked({ "m-status": { source: "1", target: "new" } })], changes: { source: [], target: [ticket("T1", { status: { id: "open", name: "open" } })] } }));
    expect(ops).toEqual([expect.objectContaining({ kind: "in_sync" })]);
  });

  it("skips unlinked pairs and tickets the filters exclude, saying why", () => {
    const settings = input().settings;
    const ops = planChanges(
      input({
        links: [{ ...linked({}), state: "unlinked" }],
        settings: { ...settings, source: sideSettingsSchema.parse({ filters: { excludedStatusIds: ["6"] } }) },
        changes: { source: [ticket("S1"), ticket("S2", { status: { id: "6", name: "Resolved" } })], target: [] },
      }),
    );
    expect(ops.map((op) => op.kind === "skip" && op.reason)).toEqual(["the pair was unlinked", 'not synced: its status "Resolved" is excluded']);
  });

  it("ignores new target tickets unless bi-directional creation is on, then creates them on the source", () => {
    const target = [ticket("T9", { status: { id: "open", name: "open" } })];
    expect(planChanges(input({ changes: { source: [], target } }))).toEqual([]);
    const settings = input().settings;
    const on = planChanges(
      input({
        changes: { source: [], target },
        settings: {
          ...settings,
          source: sideSettingsSchema.parse({ defaults: { statusId: "1", priorityId: "3" } }),
          connection: connectionSettingsSchema.parse({ bidirectionalCreation: { enabled: true } }),
        },
      }),
    );
    expect(on).toEqual([expect.objectContaining({ kind: "create", on: "source", fields: expect.objectContaining({ statusId: "2" }) })]);
    // A target ticket that carries a source number is one of ours: never copied back.
    const ours = planChanges(
      input({
        changes: { source: [], target: [ticket("T10", { partnerReference: "#S7" })] },
        settings: { ...settings, source: sideSettingsSchema.parse({ defaults: { statusId: "1", priorityId: "3" } }), connection: connectionSettingsSchema.parse({ bidirectionalCreation: { enabled: true } }) },
      }),
    );
    expect(ours).toEqual([expect.objectContaining({ kind: "skip", reason: "it was created from source ticket #S7; link the pair instead" })]);
  });

  it("creates with every default of the receiving side that a mapping does not set", () => {
    const settings = input().settings;
    const defaults = { companyId: "c7", queueId: "q2", statusId: "new", priorityId: "50", ownerId: "alice", sourceId: "email", categoryId: "network" };
    const [op] = planChanges(input({ rules: [], settings: { ...settings, target: sideSettingsSchema.parse({ defaults }) }, changes: { source: [ticket("S1")], target: [] } }));
    expect(op).toMatchObject({
      kind: "create",
      fields: { companyId: "c7", queueId: "q2", statusId: "new", priorityId: "50", assigneeId: "alice", sourceId: "email", categoryId: "network" },
    });
  });

  it("applies a ticket type's own mappings instead of the ones for all types", () => {
    const problemOnly: MappingRule = { ...statusRule(), id: "m-problem", ticketType: "problem", pairs: [{ sourceValue: "1", targetValue: "open" }] };
    const rules = [statusRule(), problemOnly];
    const [incident, problem] = planChanges(input({ rules, changes: { source: [ticket("S1"), ticket("S2", { ticketType: "problem" })], target: [] } }));
    expect(incident).toMatchObject({ kind: "create", fields: { statusId: "new" } });
    expect(problem).toMatchObject({ kind: "create", fields: { statusId: "open" } });
  });

  it("carries a target-to-source mapping back, and never from the source", () => {
    const back: MappingRule = { id: "m-ref", ticketType: "*", sourceField: "customFields.ref", targetField: "customFields.u_ref", direction: "target_to_source", kind: "direct", conflictPolicy: "latest_wins", pairs: [] };
    const link = linked({ "m-status": { source: "1", target: "new" }, "m-ref": { source: null, target: null } });
    const fromTarget = planChanges(input({ rules: [statusRule(), back], links: [link], changes: { source: [], target: [ticket("T1", { status: { id: "new", name: "new" }, customFields: { u_ref: "R-9" } })] } }));
    expect(fromTarget).toEqual([expect.objectContaining({ kind: "update", writes: { source: { customFields: { ref: "R-9" } } } })]);
    const fromSource = planChanges(input({ rules: [statusRule(), back], links: [link], changes: { source: [ticket("S1", { customFields: { ref: "changed" } })], target: [] } }));
    expect(fromSource).toEqual([expect.objectContaining({ kind: "in_sync" })]);
  });

  it("fails a ticket with field_not_found when a mapping names a field its platform lacks, or writes the ticket type", () => {
    const gone: MappingRule = { ...statusRule(), id: "m-gone", kind: "direct", pairs: [], sourceField: "customFields.1", targetField: "customFields.u_gone", unavailable: "customFields.u_gone: the target platform has no such custom field" };
    const [missing] = planChanges(input({ rules: [gone], changes: { source: [ticket("S1")], target: [] } }));
    expect(missing).toMatchObject({ kind: "fail", code: "field_not_found", message: "customFields.u_gone: the target platform has no such custom field" });
    const typed: MappingRule = { ...statusRule(), id: "m-type", kind: "direct", pairs: [], sourceField: "title", targetField: "ticketType", direction: "source_to_target" };
    const [type] = planChanges(input({ rules: [statusRule(), typed], changes: { source: [ticket("S1")], target: [] } }));
    expect(type).toMatchObject({ kind: "fail", code: "field_not_found" });
  });
});
