// Callbacks: registered through the real endpoint (`POST /system/callbacks`, CallbackEntry), and
// sent when a ticket is saved: "a summarized payload is sent to a specified location" (PSA
// Callbacks). Level Owner sends every ticket; Board, Status, Company and Ticket send those whose
// board, status, company or id is `objectId`. `isSelfSuppressedFlag` drops saves made by the
// member who registered the callback (its API member), so an integration does not hear its own
// writes. ConnectWise signs callbacks (`x-content-signature`) by a scheme documented only in
// third-party code; the simulator sends none, as Lockstep does not rely on it.
import type { Hono } from "hono";
import { simulatorBase } from "../base";
import type { WebhookOutbox } from "../webhook-outbox";
import { cwTimestamp, type CwTicket } from "./store";
import { CwHttpError, invalidObject, notFound, paged, readJson, routeId, type CwValidationError, type SimulatorContext } from "./support";

export type CwCallback = {
  id: number;
  description: string;
  url: string;
  objectId: number;
  type: string;
  level: string;
  memberId: number;
  payloadVersion: string;
  inactiveFlag: boolean;
  isSoapCallbackFlag: boolean;
  isSelfSuppressedFlag: boolean;
  _info: { lastUpdated: string; updatedBy: string };
};

export type TicketSaved = { action: "added" | "updated"; ticket: CwTicket; by: string };

const LEVELS = ["Owner", "Board", "Status", "Company", "Ticket"] as const;

function levelMatches(callback: CwCallback, ticket: CwTicket): boolean {
  switch (callback.level.toLowerCase()) {
    case "owner": return true;
    case "board": return ticket.board.id === callback.objectId;
    case "status": return ticket.status.id === callback.objectId;
    case "company": return ticket.company.id === callback.objectId;
    case "ticket": return ticket.id === callback.objectId;
    default: return false;
  }
}

export function createCallbacks(sim: SimulatorContext, outbox: WebhookOutbox, companyId: string) {
  const callbacks: CwCallback[] = [];
  let nextId = 1;
  let baseUrl = "";

  function register(app: Hono): void {
    app.get("/system/callbacks", (c) => paged(c, callbacks));
    app.get("/system/callbacks/:id", (c) => {
      const found = callbacks.find((cb) => cb.id === routeId(c));
      if (!found) throw notFound(`Callback ${c.req.param("id")}`);
      return c.json(found);
    });
    app.delete("/system/callbacks/:id", (c) => {
      const index = callbacks.findIndex((cb) => cb.id === routeId(c));
      if (index < 0) throw notFound(`Callback ${c.req.param("id")}`);
      callbacks.splice(index, 1);
      return c.body(null, 204);
    });
    app.post("/system/callbacks", async (c) => {
      const body = await readJson(c);
      const entry = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      const errors: CwValidationError[] = [];
      const required = (field: string) => errors.push({ code: "MissingRequiredField", message: `The field ${field} is required.`, resource: "callbackEntry", field });
      if (typeof entry.url !== "string" || !/^https?:\/\//.test(entry.url)) required("url");
      if (typeof entry.type !== "string" || entry.type === "") required("type");
      if (typeof entry.level !== "string" || !LEVELS.some((l) => l.toLowerCase() === String(entry.level).toLowerCase())) required("level");
      if (entry.level !== undefined && String(entry.level).toLowerCase() !== "owner" && typeof entry.objectId !== "number") required("objectId");
      if (errors.length) throw invalidObject("callbackEntry", errors);
      const member = sim.store.members.find((m) => m.identifier === sim.memberIdentifier);
      const callback: CwCallback = {
        id: nextId++,
        description: typeof entry.description === "string" ? entry.description : "",
        url: String(entry.url),
        objectId: typeof entry.objectId === "number" ? entry.objectId : 0,
        type: String(entry.type),
        level: String(entry.level),
        memberId: member?.id ?? 0,
        payloadVersion: typeof entry.payloadVersion === "string" ? entry.payloadVersion : "2025.1",
        inactiveFlag: entry.inactiveFlag === true,
        isSoapCallbackFlag: entry.isSoapCallbackFlag === true,
        isSelfSuppressedFlag: entry.isSelfSuppressedFlag === true,
        _info: { lastUpdated: cwTimestamp(sim.now()), updatedBy: sim.memberIdentifier },
      };
      if (callback.isSoapCallbackFlag) throw new CwHttpError(400, "InvalidObject", "SOAP callbacks are not supported by this simulator");
      callbacks.push(callback);
      baseUrl = simulatorBase(c);
      return c.json(callback, 201);
    });
  }

  /** Sends the saved ticket to every active callback it matches. */
  function ticketSaved({ action, ticket, by }: TicketSaved): void {
    const registrant = (cb: CwCallback) => sim.store.members.find((m) => m.id === cb.memberId)?.identifier;
    for (const callback of callbacks) {
      if (callback.inactiveFlag || callback.type.toLowerCase() !== "ticket" || !levelMatches(callback, ticket)) continue;
      if (callback.isSelfSuppressedFlag && registrant(callback) === by) continue;
      const payload = {
        MessageId: crypto.randomUUID(),
        FromUrl: baseUrl,
        CompanyId: companyId,
        MemberId: by,
        Action: action,
        Type: "ticket",
        ID: ticket.id,
        CallbackObjectRecId: callback.objectId,
        Entity: JSON.stringify(ticket),
      };
      outbox.post(callback.url, { headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
    }
  }

  return { register, ticketSaved, list: () => callbacks };
}
