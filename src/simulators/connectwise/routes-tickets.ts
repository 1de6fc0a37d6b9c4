// Service tickets and their notes: list with conditions/orderBy/paging, get, create, JSON-Patch
// update (closing through a status flagged `closedStatus`), and notes with their three flags.
import type { Hono } from "hono";
import { droppedWrite } from "../faults";
import { cwTimestamp, type CwRef, type CwTicket } from "./store";
import { CwHttpError, filterBy, invalidObject, notFound, orderBy, paged, readJson, recordResolver, routeId, securityError, type CwValidationError, type SimulatorContext } from "./support";

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === "object" && v !== null && !Array.isArray(v);
const refId = (v: unknown): number | undefined => (isObject(v) && typeof v.id === "number" ? v.id : undefined);

export function registerTicketRoutes(app: Hono, sim: SimulatorContext): void {
  const { store } = sim;
  const visible = (t: CwTicket) => !sim.restrictedBoardIds.has(t.board.id);
  const ticketOr404 = (id: number) => {
    const ticket = store.tickets.get(id);
    if (!ticket) throw notFound(`Ticket ${id}`);
    if (!visible(ticket)) throw securityError();
    return ticket;
  };
  const touch = (ticket: CwTicket) => {
    ticket._info.lastUpdated = cwTimestamp(sim.now());
    ticket._info.updatedBy = sim.memberIdentifier;
  };

  /** Applies one field to a ticket, validating references as ConnectWise does; collects errors. */
  function setField(ticket: CwTicket, field: string, value: unknown, errors: CwValidationError[]): void {
    const err = (code: string, message: string): void => {
      errors.push({ code, message, resource: "ticket", field });
    };
    const ref = (list: { id: number; name?: string; identifier?: string }[], label: string, pick: (x: { id: number; name?: string; identifier?: string }) => CwRef): CwRef | undefined => {
      const id = refId(value);
      const found = id === undefined ? undefined : list.find((x) => x.id === id);
      if (!found) { err("NotFound", `${label} ${id ?? "(no id)"} not found`); return undefined; }
      return pick(found);
    };
    switch (field) {
      case "summary":
        if (typeof value !== "string" || value.trim() === "") err("MissingRequiredField", "The field summary is required.");
        else if (value.length > 100) err("MaxLengthField", "The field summary must be a string with a maximum length of 100.");
        else ticket.summary = value;
        return;
      case "initialDescription": case "contactName": case "contactEmailAddress": case "externalXRef":
        if (typeof value !== "string") return err("InvalidField", `The field ${field} must be a string.`);
        if (field === "externalXRef" && value.length > 100) return err("MaxLengthField", "The field externalXRef must be a string with a maximum length of 100.");
        ticket[field] = value;
        return;
      case "severity": case "impact":
        if (value !== "Low" && value !== "Medium" && value !== "High") return err("InvalidField", `The field ${field} must be Low, Medium or High.`);
        ticket[field] = value;
        return;
      case "board": {
        const board = ref(store.boards, "Service Board", (b) => ({ id: b.id, name: b.name! }));
        if (board) ticket.board = board;
        return;
      }
      case "status": {
        const id = refId(value);
        const status = id === undefined ? undefined : store.status(ticket.board.id, id);
        if (!status) return err("NotFound", `Service Status ${id ?? "(no id)"} not found for Service Board ${ticket.board.id}`);
        ticket.status = { id: status.id, name: status.name };
        return;
      }
      case "type": case "subType": case "item": {
        // Types, subtypes and items belong to the ticket's board, like its statuses.
        const id = refId(value);
        const list = field === "type" ? store.types : field === "subType" ? store.subTypes : store.items;
        const entry = list.find((t) => t.id === id && t.board.id === ticket.board.id);
        const label = { type: "Service Type", subType: "Service SubType", item: "Service Item" }[field];
        if (!entry) return err("NotFound", `${label} ${id ?? "(no id)"} not found for Service Board ${ticket.board.id}`);
        ticket[field] = { id: entry.id, name: entry.name };
        return;
      }
      case "source": { const so = ref(store.sources, "Service Source", (x) => ({ id: x.id, name: x.name! })); if (so) ticket.source = so; return; }
      case "priority": { const p = ref(store.priorities, "Priority", (x) => ({ id: x.id, name: x.name! })); if (p) ticket.priority = p; return; }
      case "company": { const co = ref(store.companies, "Company", (x) => ({ id: x.id, identifier: x.identifier!, name: x.name! })); if (co) ticket.company = co; return; }
      case "owner": { const m = ref(store.members.map((x) => ({ ...x, name: `${x.firstName} ${x.lastName}` })), "Member", (x) => ({ id: x.id, identifier: x.identifier!, name: x.name! })); if (m) ticket.owner = m; return; }
      case "contact": {
        const c = ref(store.contacts.map((x) => ({ id: x.id, name: `${x.firstName} ${x.lastName}` })), "Contact", (x) => ({ id: x.id, name: x.name! }));
        if (c) { ticket.contact = c; ticket.contactName = c.name!; }
        return;
      }
      case "customFields": {
        if (!Array.isArray(value)) return err("InvalidField", "The field customFields must be an array.");
        for (const entry of value) {
          const def = ticket.customFields.find((f) => f.id === refId(entry));
          if (!def || !isObject(entry)) { err("NotFound", `Custom field ${refId(entry) ?? "(no id)"} not found`); continue; }
          const v = entry.value;
          if (v === undefined || v === null) delete def.value;
          else def.value = v as string | number | boolean;
        }
        return;
      }
      default:
        err("InvalidField", `The field ${field} cannot be set.`);
    }
  }

  function settleClosure(ticket: CwTicket): void {
    const closed = store.status(ticket.board.id, ticket.status.id)?.closedStatus ?? false;
    if (closed && !ticket.closedFlag) { ticket.closedDate = cwTimestamp(sim.now()); ticket.closedBy = sim.memberIdentifier; }
    if (!closed) { delete ticket.closedDate; delete ticket.closedBy; }
    ticket.closedFlag = closed;
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Tickets/getServiceTickets
  app.get("/service/tickets", (c) => {
    let tickets = [...store.tickets.values()].filter(visible);
    tickets = filterBy(tickets, c.req.query("conditions"), "conditions", recordResolver);
    tickets = orderBy(tickets, c.req.query("orderBy"), recordResolver);
    return paged(c, tickets);
  });

  app.get("/service/tickets/:id", (c) => c.json(ticketOr404(routeId(c))));

  app.post("/service/tickets", async (c) => {
    const body = await readJson(c);
    if (!isObject(body)) throw invalidObject("ticket", [{ code: "InvalidObject", message: "A ticket object is required", resource: "ticket" }]);
    const errors: CwValidationError[] = [];
    if (body.company === undefined) errors.push({ code: "MissingRequiredField", message: "The field company is required.", resource: "ticket", field: "company" });
    const board = store.board(refId(body.board) ?? store.boards[0]!.id);
    if (!board) throw invalidObject("ticket", [{ code: "NotFound", message: `Service Board ${refId(body.board)} not found`, resource: "ticket", field: "board/id" }]);
    if (sim.restrictedBoardIds.has(board.id)) throw securityError();
    const stamp = cwTimestamp(sim.now());
    const defaultStatus = store.statuses.find((s) => s.board.id === board.id && s.defaultFlag)!;
    const defaultPriority = store.priorities.find((p) => p.defaultFlag)!;
    const ticket: CwTicket = {
      id: 0, summary: "", recordType: "ServiceTicket", board: { id: board.id, name: board.name }, status: { id: defaultStatus.id, name: defaultStatus.name },
      priority: { id: defaultPriority.id, name: defaultPriority.name }, company: { id: 0 }, closedFlag: false,
      customFields: store.customFieldDefs.map((d) => ({ ...d })),
      _info: { lastUpdated: stamp, updatedBy: sim.memberIdentifier, dateEntered: stamp, enteredBy: sim.memberIdentifier },
    };
    setField(ticket, "summary", body.summary, errors);
    for (const [field, value] of Object.entries(body)) {
      if (field === "summary" || field === "board" || value === undefined) continue;
      setField(ticket, field, value, errors);
    }
    if (errors.length > 0) throw invalidObject("ticket", errors);
    settleClosure(ticket);
    ticket.id = store.nextId("ticket");
    store.tickets.set(ticket.id, ticket);
    if (ticket.initialDescription) {
      // ConnectWise turns the initial description into the ticket's first Discussion note.
      store.notes.push({ id: store.nextId("note"), ticketId: ticket.id, text: ticket.initialDescription, detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false,
        dateCreated: stamp, createdBy: sim.memberIdentifier, internalFlag: false, externalFlag: true, _info: { lastUpdated: stamp, updatedBy: sim.memberIdentifier } });
    }
    sim.ticketSaved({ action: "added", ticket, by: sim.memberIdentifier });
    return c.json(ticket, 201);
  });

  // JSON Patch: [{op, path, value}], only the fields named change (PUT would replace them all).
  app.patch("/service/tickets/:id", async (c) => {
    const ticket = ticketOr404(routeId(c));
    const body = await readJson(c);
    if (!Array.isArray(body) || body.length === 0) throw invalidObject("ticket", [{ code: "InvalidObject", message: "A JSON Patch array of operations is required", resource: "ticket" }]);
    const draft: CwTicket = structuredClone(ticket);
    const errors: CwValidationError[] = [];
    for (const operation of body) {
      if (!isObject(operation) || typeof operation.path !== "string" || !["replace", "add", "remove"].includes(String(operation.op))) {
        errors.push({ code: "InvalidObject", message: "Each operation needs op (add, replace, remove) and path", resource: "ticket" });
        continue;
      }
      const field = operation.path.replace(/^\//, "");
      if (operation.op === "remove") {
        if (["contact", "owner", "externalXRef", "contactName", "contactEmailAddress"].includes(field)) delete (draft as Record<string, unknown>)[field];
        else errors.push({ code: "InvalidField", message: `The field ${field} cannot be removed.`, resource: "ticket", field });
        continue;
      }
      setField(draft, field, operation.value, errors);
      if (field === "board" && !store.status(draft.board.id, draft.status.id)) {
        const fallback = store.statuses.find((s) => s.board.id === draft.board.id && s.defaultFlag)!;
        draft.status = { id: fallback.id, name: fallback.name };
      }
    }
    if (errors.length > 0) throw invalidObject("ticket", errors);
    settleClosure(draft);
    touch(draft);
    store.tickets.set(draft.id, draft);
    sim.ticketSaved({ action: "updated", ticket: draft, by: sim.memberIdentifier });
    return c.json(draft);
  });

  app.get("/service/tickets/:id/notes", (c) => {
    const ticket = ticketOr404(routeId(c));
    let notes = [...store.notesOf(ticket.id)];
    notes = filterBy(notes, c.req.query("conditions"), "conditions", recordResolver);
    return paged(c, orderBy(notes, c.req.query("orderBy"), recordResolver));
  });

  app.post("/service/tickets/:id/notes", async (c) => {
    const ticket = ticketOr404(routeId(c));
    const body = await readJson(c);
    const note = isObject(body) ? body : {};
    const flag = (name: string) => note[name] === true;
    const errors: CwValidationError[] = [];
    if (typeof note.text !== "string" || note.text.trim() === "") errors.push({ code: "MissingRequiredField", message: "The field text is required.", resource: "serviceNote", field: "text" });
    if (!flag("detailDescriptionFlag") && !flag("internalAnalysisFlag") && !flag("resolutionFlag")) {
      errors.push({ code: "InvalidObject", message: "At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.", resource: "serviceNote" });
    }
    if (errors.length > 0) throw invalidObject("serviceNote", errors);
    const member = store.members.find((m) => m.identifier === sim.memberIdentifier);
    const stamp = cwTimestamp(sim.now());
    const created = {
      id: store.nextId("note"), ticketId: ticket.id, text: String(note.text), detailDescriptionFlag: flag("detailDescriptionFlag"), internalAnalysisFlag: flag("internalAnalysisFlag"),
      resolutionFlag: flag("resolutionFlag"), ...(member ? { member: { id: member.id, identifier: member.identifier, name: `${member.firstName} ${member.lastName}` } } : {}),
      dateCreated: stamp, createdBy: sim.memberIdentifier, internalFlag: flag("internalAnalysisFlag"), externalFlag: !flag("internalAnalysisFlag"),
      _info: { lastUpdated: stamp, updatedBy: sim.memberIdentifier },
    };
    if (droppedWrite(c)) return c.json(created, 201);
    store.notes.push(created);
    touch(ticket);
    sim.ticketSaved({ action: "updated", ticket, by: sim.memberIdentifier });
    return c.json(created, 201);
  });
}
