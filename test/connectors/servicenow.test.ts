// The ServiceNow connector against the simulated instance, through msw, through the connector's
// public interface only: connection test, discovery, change listing, ticket writes, comments,
// attachments, time worked and contacts.
import { afterEach, describe, expect, it } from "vitest";
import type { Ticket } from "../../src/connectors/canonical";
import { settingsSchema } from "../../src/connectors/servicenow/config";
import { servicenowConnector } from "../../src/connectors/servicenow";
import { createServiceNowSimulator, type ServiceNowSimulatorOptions } from "../../src/simulators/servicenow/app";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();
let current: ReturnType<typeof createServiceNowSimulator> | null = null;

function setup(options: { sim?: ServiceNowSimulatorOptions; settings?: Record<string, unknown> } = {}) {
  const sim = createServiceNowSimulator(options.sim);
  current = sim;
  network.mount("sn.sim.test", sim.app);
  const client = servicenowConnector.create({
    fetch: (input, init) => fetch(input, init),
    config: {
      baseUrl: "https://sn.sim.test",
      credentials: { authType: "basic", username: "lockstep.integration", password: "sn-password" },
      settings: settingsSchema.parse(options.settings ?? {}),
    },
  });
  const user = (userName: string) => sim.store.user({ userName })!;
  const group = (name: string) => sim.store.list("sys_user_group").find((g) => g.name === name)!;
  const company = (name: string) => sim.store.list("core_company").find((g) => g.name === name)!;
  return { sim, client, user, group, company };
}

afterEach(() => {
  // Every query the connector sent was one the instance understood.
  expect(current?.store.invalidQueries ?? []).toEqual([]);
  current = null;
});

async function sha256(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("ServiceNow connection and discovery", () => {
  it("tests the connection and names the integration user", async () => {
    const { client } = setup();
    await expect(client.testConnection()).resolves.toMatchObject({ identity: "Lockstep Integration (lockstep.integration)" });
  });

  it("discovers groups, incident states with the closed flag, priorities, tables, companies, note types, custom fields and active users", async () => {
    const { client } = setup();
    const picklists = await client.discover();
    expect(picklists.queues.map((q) => q.name)).toEqual(["Database", "Hardware", "Network", "Service Desk", "Software"]);
    expect(picklists.statuses.map((s) => [s.id, s.name, s.closed])).toEqual([
      ["1", "New", false], ["2", "In Progress", false], ["3", "On Hold", false], ["6", "Resolved", true], ["7", "Closed", true], ["8", "Canceled", true],
    ]);
    expect(picklists.priorities).toEqual([
      { id: "1", name: "1 - Critical" }, { id: "2", name: "2 - High" }, { id: "3", name: "3 - Moderate" }, { id: "4", name: "4 - Low" }, { id: "5", name: "5 - Planning" },
    ]);
    expect(picklists.ticketTypes.map((t) => t.id)).toEqual(["incident", "problem", "sc_task", "task", "sn_customerservice_case"]);
    expect(picklists.companies.map((c) => c.name)).toEqual(["ACME North America", "Globex Corporation", "Initech", "Umbrella Industries"]);
    expect(picklists.noteTypes).toEqual([{ id: "comments", name: "Additional comments", public: true }, { id: "work_notes", name: "Work notes", public: false }]);
    expect(picklists.customFields).toEqual([
      {
        id: "u_environment",
        name: "Environment",
        type: "select",
        options: ["production", "staging", "development"],
        choices: [{ id: "production", name: "Production" }, { id: "staging", name: "Staging" }, { id: "development", name: "Development" }],
      },
      { id: "u_customer_reference", name: "Customer reference", type: "text" },
      expect.objectContaining({ id: "category", name: "Category", type: "select", options: ["inquiry", "software", "hardware", "network", "database"] }),
      expect.objectContaining({ id: "subcategory", name: "Subcategory", type: "select" }),
    ]);
    expect(picklists.sources.map((s) => s.id)).toEqual(["email", "phone", "self-service", "walk-in", "chat"]);
    expect(picklists.categories).toContainEqual({ id: "inquiry", name: "Inquiry / Help" });
    expect(picklists.members.map((m) => m.name)).toContain("Beth Anglin");
    expect(picklists.members.map((m) => m.name)).not.toContain("Old Timer");
    expect(picklists.workRoles).toEqual([]);
  });

  it("discovers every active user when they span several pages", async () => {
    const { sim, client } = setup();
    for (let i = 0; i < 600; i++) sim.store.insertRaw("sys_user", { user_name: `agent${i}`, name: `Agent ${String(i).padStart(3, "0")}`, email: `agent${i}@example.com`, active: "true" });
    const picklists = await client.discover();
    expect(picklists.members).toHaveLength(610);
    expect(new Set(picklists.members.map((m) => m.id)).size).toBe(610);
    expect(sim.faults.calls.filter((c) => c.path === "/api/now/table/sys_user").length).toBe(2);
  });

  it("reads catalog task states inherited from task, and leaves out the case table without the CSM plugin", async () => {
    const { client } = setup({ sim: { customerService: false }, settings: { ticketTypes: ["sc_task"] } });
    const picklists = await client.discover();
    expect(picklists.statuses.map((s) => `${s.name}${s.closed ? " (closed)" : ""}`)).toEqual([
      "Pending", "Open", "Work in Progress", "Closed Complete (closed)", "Closed Incomplete (closed)", "Closed Skipped (closed)",
    ]);
    expect(picklists.ticketTypes.map((t) => t.id)).not.toContain("sn_customerservice_case");
  });
});

describe("ServiceNow changed tickets", () => {
  it("pages through tickets sharing one sys_updated_on across page boundaries, each exactly once, in (updated, id) order", async () => {
    const { sim, client } = setup();
    for (let i = 0; i < 7; i++) sim.store.insertRaw("incident", { short_description: `Same second ${i}`, state: "1", priority: "4", sys_updated_on: "2025-01-01 00:00:00" });
    for (let i = 0; i < 2; i++) sim.store.insertRaw("incident", { short_description: `Next second ${i}`, state: "2", priority: "3", sys_updated_on: "2025-01-01 00:00:01" });
    sim.store.insertRaw("problem", { short_description: "Other table", sys_updated_on: "2025-01-01 00:00:00" });

    const seen: Ticket[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client.listChanged({ since: "2025-01-01T00:00:00Z", cursor, ticketType: "incident", pageSize: 3 });
      seen.push(...page.tickets);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);

    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toHaveLength(9);
    expect(new Set(seen.map((t) => t.id)).size).toBe(9);
    const keys = seen.map((t) => `${t.updatedAt}|${t.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(seen.every((t) => t.ticketType === "incident" && t.number.startsWith("INC"))).toBe(true);
  });

  it("still returns a ticket that is updated while the listing is between pages", async () => {
    const { sim, client } = setup();
    const rows = Array.from({ length: 5 }, (_, i) => sim.store.insertRaw("incident", { short_description: `Batch ${i}`, state: "1", sys_updated_on: "2025-02-01 10:00:00" }));
    const first = await client.listChanged({ since: "2025-02-01T10:00:00Z", cursor: null, ticketType: "incident", pageSize: 2 });
    const unseen = rows.map((r) => r.sys_id!).find((id) => !first.tickets.some((t) => t.id === id))!;
    await client.updateTicket(unseen, "incident", { title: "Edited mid-listing" });

    const ids = first.tickets.map((t) => t.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await client.listChanged({ since: "2025-02-01T10:00:00Z", cursor, ticketType: "incident", pageSize: 2 });
      ids.push(...page.tickets.map((t) => t.id));
      cursor = page.nextCursor;
    }
    expect(ids.filter((id) => id === unseen)).toHaveLength(1);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.sys_id)));
  });
});

describe("ServiceNow ticket writes", () => {
  it("creates an incident with group, state, priority, company, caller and partner reference, and finds it by that reference", async () => {
    const { sim, client, user, group, company } = setup();
    const caller = user("ada.wong");
    const created = await client.createTicket("incident", {
      title: "Checkout page returns 502",
      description: "Since 09:00 every third request fails.",
      statusId: "2",
      priorityId: "2",
      queueId: group("Network").sys_id!,
      companyId: company("Initech").sys_id!,
      requester: { id: caller.sys_id!, name: "Ada Wong", email: "ada.wong@example.com" },
      customFields: { u_environment: "production" },
      partnerReference: "CW-1234",
    });
    expect(created).toMatchObject({
      ticketType: "incident",
      title: "Checkout page returns 502",
      status: { id: "2", name: "In Progress" },
      priority: { id: "2", name: "2 - High" },
      queue: { name: "Network" },
      company: { name: "Initech" },
      requester: { id: caller.sys_id, name: "Ada Wong" },
      customFields: { u_environment: "production" },
      partnerReference: "CW-1234",
      updatedBy: "lockstep.integration",
      closed: false,
    });
    expect(created.number).toMatch(/^INC\d{7}$/);
    // Incident priority is computed, so the connector wrote impact and urgency, not priority.
    expect(sim.store.writes.at(-1)?.body).toMatchObject({ impact: "1", urgency: "2", correlation_display: "Lockstep" });
    expect(sim.store.writes.at(-1)?.body).not.toHaveProperty("priority");

    expect((await client.findByPartnerReference("incident", "CW-1234"))?.id).toBe(created.id);
    expect(await client.findByPartnerReference("incident", "CW-9999")).toBeNull();
    expect((await client.getTicket(created.id, "incident")).title).toBe("Checkout page returns 502");
  });

  it("sends only the changed fields on update", async () => {
    const { sim, client } = setup();
    const ticket = sim.store.list("incident")[0]!;
    const updated = await client.updateTicket(ticket.sys_id!, "incident", { title: "Renamed by the partner" });
    expect(sim.store.writes.at(-1)).toEqual({ method: "PATCH", table: "incident", sysId: ticket.sys_id, body: { short_description: "Renamed by the partner" } });
    expect(updated.title).toBe("Renamed by the partner");
    expect(updated.description).toBe(ticket.description);
  });

  it("sets every incident priority the instance knows through impact and urgency", async () => {
    const { client, sim } = setup();
    const id = sim.store.list("incident")[0]!.sys_id!;
    for (const priority of ["1", "2", "3", "4", "5"]) {
      expect((await client.updateTicket(id, "incident", { priorityId: priority })).priority?.id).toBe(priority);
    }
  });

  it("resolves an incident with the resolution code and notes from the settings", async () => {
    const { sim, client } = setup();
    const ticket = sim.store.list("incident").find((r) => r.state === "2")!;
    const resolved = await client.updateTicket(ticket.sys_id!, "incident", { statusId: "6" });
    expect(sim.store.writes.at(-1)?.body).toEqual({ state: "6", close_code: "Solution provided", close_notes: "Resolved by the partner; closed through Lockstep." });
    expect(resolved).toMatchObject({ status: { id: "6", name: "Resolved" }, closed: true });
  });

  it("reports the instance's data policy when resolution fields are not configured", async () => {
    const { sim, client } = setup({ settings: { closeFields: {} } });
    const ticket = sim.store.list("incident").find((r) => r.state === "1")!;
    await expect(client.updateTicket(ticket.sys_id!, "incident", { statusId: "7" })).rejects.toMatchObject({
      kind: "validation",
      vendorMessage: expect.stringContaining("The following fields are mandatory: Resolution code, Resolution notes"),
    });
    expect(sim.store.get("incident", ticket.sys_id!)?.state).toBe("1");
  });
});

describe("ServiceNow comments, attachments, time worked and contacts", () => {
  it("lists additional comments as public and work notes as internal", async () => {
    const { sim, client } = setup();
    const ticket = sim.store.list("incident")[0]!;
    const comments = await client.listComments(ticket.sys_id!, "incident");
    expect(comments.map((c) => [c.kind, c.public])).toEqual([["comments", true], ["work_notes", false]]);
    expect(comments[0]).toMatchObject({ body: `Any update on ${ticket.number}?`, format: "text", author: { name: "abel.tuter" } });
  });

  it("adds a public comment and an internal HTML work note with one call each, and lists both once", async () => {
    const { sim, client } = setup();
    const id = sim.store.list("incident")[5]!.sys_id!;
    const before = await client.listComments(id, "incident");
    sim.faults.calls.length = 0;
    const publicNote = await client.addComment(id, "incident", { body: "We are on it.", format: "text", public: true });
    const internal = await client.addComment(id, "incident", { body: "<p>Root cause: <b>DNS</b></p>", format: "html", public: false });
    expect(sim.faults.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`PATCH /api/now/table/incident/${id}`, `PATCH /api/now/table/incident/${id}`]);
    expect(publicNote).toMatchObject({ kind: "comments", public: true, body: "We are on it.", format: "text", author: { name: "lockstep.integration" } });
    expect(internal).toMatchObject({ kind: "work_notes", public: false, body: "<p>Root cause: <b>DNS</b></p>", format: "html" });
    expect(sim.store.writes.slice(-2).map((w) => w.body)).toEqual([{ comments: "We are on it." }, { work_notes: "[code]<p>Root cause: <b>DNS</b></p>[/code]" }]);
    // The PATCH answer is the incident, so the ids are the writes' own, never a journal row's.
    expect(publicNote.id).not.toBe(internal.id);
    const listed = await client.listComments(id, "incident");
    const added = listed.slice(before.length);
    expect(added.map((c) => [c.kind, c.body, c.format, c.author?.name])).toEqual([
      ["comments", "We are on it.", "text", "lockstep.integration"],
      ["work_notes", "<p>Root cause: <b>DNS</b></p>", "html", "lockstep.integration"],
    ]);
    expect(listed.map((c) => c.id)).not.toContain(publicNote.id);
    expect(Date.parse(publicNote.createdAt)).toBeLessThanOrEqual(Date.parse(added[0]!.createdAt) + 1000);
  });

  it("uploads and downloads an attachment as streams with identical bytes, size and content type", async () => {
    const { sim, client } = setup();
    const id = sim.store.list("incident")[7]!.sys_id!;
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) % 256);
    const uploaded = await client.uploadAttachment(id, "incident", { fileName: "capture.pcap", contentType: "application/vnd.tcpdump.pcap", size: bytes.length, body: new Blob([bytes]).stream() });
    expect(uploaded).toMatchObject({ fileName: "capture.pcap", size: 300_000, contentType: "application/vnd.tcpdump.pcap" });

    const listed = await client.listAttachments(id, "incident");
    expect(listed.map((a) => a.id)).toContain(uploaded.id);
    const download = await client.downloadAttachment(id, "incident", uploaded);
    const received = new Uint8Array(await new Response(download.body).arrayBuffer());
    expect(await sha256(received)).toBe(await sha256(bytes));
    expect(download).toMatchObject({ contentType: "application/vnd.tcpdump.pcap", size: 300_000 });
  });

  it("lists time worked and adds an entry", async () => {
    const { sim, client, user } = setup();
    const ticket = sim.store.list("incident")[0]!;
    const entries = await client.listTimeEntries!(ticket.sys_id!, "incident");
    expect(entries).toEqual([expect.objectContaining({ minutes: 15, notes: "Remote session with the caller.", member: { id: expect.any(String), name: "Beth Anglin", email: null } })]);
    const added = await client.addTimeEntry!(ticket.sys_id!, "incident", { start: "2025-01-01T09:00:00Z", minutes: 95, memberId: user("david.loo").sys_id!, workRoleId: null, notes: "On site" });
    expect(added).toMatchObject({ minutes: 95, notes: "On site", member: { name: "David Loo" } });
    expect(await client.listTimeEntries!(ticket.sys_id!, "incident")).toHaveLength(2);
  });

  it("ends a time entry copy's comments with a short reference (the table has no hidden field), and reads it back apart from the notes", async () => {
    const { sim, client } = setup();
    const ticket = sim.store.list("incident")[0]!;
    const added = await client.addTimeEntry!(ticket.sys_id!, "incident", { start: "2025-01-01T09:00:00Z", minutes: 30, memberId: null, workRoleId: null, notes: "Patched the server", reference: "tel_01xyz" });
    expect(sim.store.list("task_time_worked").find((r) => r.sys_id === added.id)!.comments).toBe("Patched the server\n[Lockstep tel_01xyz]");
    const listed = await client.listTimeEntries!(ticket.sys_id!, "incident");
    expect(listed.find((e) => e.id === added.id)).toMatchObject({ notes: "Patched the server", reference: "tel_01xyz" });
    expect(listed.find((e) => e.id !== added.id)!.reference).toBeNull();
  });

  it("refuses time entries on an instance without the Time Worked plugin, in ServiceNow's words", async () => {
    const { sim, client } = setup({ sim: { timeWorked: false } });
    await expect(client.listTimeEntries!(sim.store.list("incident")[0]!.sys_id!, "incident")).rejects.toMatchObject({ kind: "validation", vendorMessage: "Invalid table task_time_worked" });
  });

  it("finds a contact by email and returns null for an unknown address", async () => {
    const { client, user } = setup();
    await expect(client.findContactByEmail("ada.wong@example.com")).resolves.toEqual({ id: user("ada.wong").sys_id, name: "Ada Wong", email: "ada.wong@example.com" });
    await expect(client.findContactByEmail("nobody@example.com")).resolves.toBeNull();
  });
});
