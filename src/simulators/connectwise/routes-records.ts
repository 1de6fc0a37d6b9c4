// Picklists, contacts, documents and time entries: the rest of what the connector calls.
import type { Hono } from "hono";
import { droppedWrite } from "../faults";
import { lookup } from "./conditions";
import { cwTimestamp, type CwTimeEntry } from "./store";
import { CwHttpError, filterBy, invalidObject, notFound, orderBy, paged, readJson, recordResolver, routeId, securityError, type SimulatorContext } from "./support";

export function registerRecordRoutes(app: Hono, sim: SimulatorContext): void {
  const { store } = sim;
  const list = <T>(path: string, items: () => T[]) =>
    app.get(path, (c) => paged(c, orderBy(filterBy(items(), c.req.query("conditions"), "conditions", recordResolver), c.req.query("orderBy"), recordResolver)));

  app.get("/system/info", (c) => c.json({ version: "v2025.1.10431", isCloud: true, serverTimeZone: "Eastern Standard Time", cloudRegion: "NA" }));
  list("/service/boards", () => store.boards);
  list("/service/priorities", () => store.priorities);
  list("/company/companies", () => store.companies);
  list("/system/members", () => store.members);
  list("/time/workRoles", () => store.workRoles);
  list("/service/sources", () => store.sources);
  app.get("/service/boards/:id/statuses", (c) => {
    const id = routeId(c);
    if (!store.board(id)) throw notFound(`Service Board ${id}`);
    return paged(c, store.statuses.filter((s) => s.board.id === id));
  });
  for (const [path, entries] of [["types", () => store.types], ["subtypes", () => store.subTypes], ["items", () => store.items]] as const) {
    app.get(`/service/boards/:id/${path}`, (c) => {
      const id = routeId(c);
      if (!store.board(id)) throw notFound(`Service Board ${id}`);
      return paged(c, entries().filter((t: { board: { id: number } }) => t.board.id === id));
    });
  }

  // childConditions match when one child record (here a communication item) satisfies them all.
  app.get("/company/contacts", (c) => {
    let contacts = filterBy(store.contacts, c.req.query("conditions"), "conditions", recordResolver);
    const child = c.req.query("childConditions");
    if (child) {
      contacts = contacts.filter((contact) =>
        contact.communicationItems.some((item) => filterBy([item], child, "childConditions", () => (path) =>
          path[0]?.toLowerCase() === "communicationitems" ? lookup(item, path.slice(1)) : lookup(contact, path)).length === 1));
    }
    return paged(c, orderBy(contacts, c.req.query("orderBy"), recordResolver));
  });

  const ticketForRecord = (id: number) => {
    const ticket = store.tickets.get(id);
    if (!ticket) throw notFound(`Ticket ${id}`);
    if (sim.restrictedBoardIds.has(ticket.board.id)) throw securityError();
    return ticket;
  };

  app.get("/system/documents", (c) => {
    const recordType = c.req.query("recordType");
    const recordId = Number(c.req.query("recordId"));
    if (!recordType || !Number.isInteger(recordId)) throw new CwHttpError(400, "InvalidObject", "recordType and recordId are required");
    if (recordType === "Ticket") ticketForRecord(recordId);
    const docs = [...store.documents.values()].filter((d) => d.recordType === recordType && d.recordId === recordId).map((d) => d.info);
    return paged(c, docs);
  });

  app.get("/system/documents/:id/download", (c) => {
    const doc = store.documents.get(routeId(c));
    if (!doc) throw notFound(`Document ${c.req.param("id")}`);
    return new Response(doc.bytes, {
      headers: { "Content-Type": doc.contentType, "Content-Length": String(doc.bytes.length), "Content-Disposition": `attachment; filename="${doc.info.fileName}"` },
    });
  });

  // Documents are uploaded as multipart/form-data only; a JSON body gets 415 as on ConnectWise.
  app.post("/system/documents", async (c) => {
    const type = c.req.header("Content-Type") ?? "";
    if (!type.toLowerCase().startsWith("multipart/form-data")) throw new CwHttpError(415, "UnsupportedMediaType", `The content type '${type}' is not supported; upload documents as multipart/form-data`);
    const form = await c.req.formData();
    const file = form.get("file");
    const recordType = form.get("recordType");
    const recordId = Number(form.get("recordId"));
    if (!(file instanceof File) || recordType !== "Ticket" || !Number.isInteger(recordId)) {
      throw invalidObject("document", [{ code: "MissingRequiredField", message: "file, recordType=Ticket and recordId are required", resource: "document" }]);
    }
    ticketForRecord(recordId);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const id = store.nextId("document");
    const stamp = cwTimestamp(sim.now());
    const title = typeof form.get("title") === "string" && form.get("title") !== "" ? String(form.get("title")) : file.name;
    const info = {
      id, title, fileName: file.name, serverFileName: `${id}-${file.name}`, owner: sim.memberIdentifier, linkFlag: false, imageFlag: file.type.startsWith("image/"), publicFlag: false,
      readOnlyFlag: false, size: bytes.length, urlFlag: false, guid: crypto.randomUUID(), _info: { lastUpdated: stamp, updatedBy: sim.memberIdentifier, dateEntered: stamp },
    };
    if (!droppedWrite(c)) store.documents.set(id, { info, recordType, recordId, bytes, contentType: file.type || "application/octet-stream" });
    return c.json(info, 201);
  });

  app.get("/time/entries", (c) => {
    const entries = filterBy(store.timeEntries, c.req.query("conditions"), "conditions", recordResolver);
    return paged(c, orderBy(entries, c.req.query("orderBy"), recordResolver));
  });

  app.post("/time/entries", async (c) => {
    const body = (await readJson(c)) as Record<string, unknown>;
    const fail = (field: string, message: string) => invalidObject("timeEntry", [{ code: "InvalidField", message, resource: "timeEntry", field }]);
    if (body.chargeToType !== "ServiceTicket") throw fail("chargeToType", "Only ServiceTicket time is simulated.");
    const ticket = ticketForRecord(Number(body.chargeToId));
    const memberRef = body.member as { id?: number; identifier?: string } | undefined;
    const member = memberRef ? store.members.find((m) => m.id === memberRef.id || m.identifier === memberRef.identifier) : store.members.find((m) => m.identifier === sim.memberIdentifier);
    if (!member) throw fail("member", "Member not found");
    const roleId = (body.workRole as { id?: number } | undefined)?.id;
    const role = roleId === undefined ? undefined : store.workRoles.find((r) => r.id === roleId);
    if (roleId !== undefined && !role) throw fail("workRole", `Work Role ${roleId} not found`);
    const start = typeof body.timeStart === "string" ? Date.parse(body.timeStart) : NaN;
    if (Number.isNaN(start)) throw fail("timeStart", "The field timeStart is required.");
    let end = typeof body.timeEnd === "string" ? Date.parse(body.timeEnd) : NaN;
    if (Number.isNaN(end) && typeof body.actualHours === "number") end = start + body.actualHours * 3_600_000;
    if (Number.isNaN(end) || end <= start) throw fail("timeEnd", "timeEnd (or actualHours) must put the end after timeStart.");
    const stamp = cwTimestamp(sim.now());
    const entry: CwTimeEntry = {
      id: store.nextId("timeEntry"), company: { ...ticket.company }, chargeToId: ticket.id, chargeToType: "ServiceTicket",
      member: { id: member.id, identifier: member.identifier, name: `${member.firstName} ${member.lastName}` }, ...(role ? { workRole: { id: role.id, name: role.name } } : {}),
      timeStart: cwTimestamp(new Date(start)), timeEnd: cwTimestamp(new Date(end)), actualHours: Math.round(((end - start) / 3_600_000) * 100) / 100,
      billableOption: (body.billableOption as CwTimeEntry["billableOption"] | undefined) ?? "Billable", notes: typeof body.notes === "string" ? body.notes : "",
      ...(typeof body.internalNotes === "string" ? { internalNotes: body.internalNotes } : {}),
      ticket: { id: ticket.id, summary: ticket.summary }, _info: { lastUpdated: stamp, updatedBy: sim.memberIdentifier, dateEntered: stamp, enteredBy: sim.memberIdentifier },
    };
    if (!droppedWrite(c)) store.timeEntries.push(entry);
    return c.json(entry, 201);
  });
}
