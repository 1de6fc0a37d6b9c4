// What every simulated ConnectWise endpoint shares: the vendor's error body, `conditions` and
// `orderBy` handling, and navigable pagination (page/pageSize, at most 1,000, with a Link header).
import type { Context } from "hono";
import { simulatorBase } from "../base";
import { ConditionSyntaxError, evaluate, lookup, parseConditions, type Resolver } from "./conditions";

export type CwValidationError = { code: string; message: string; resource?: string; field?: string };

/** ConnectWise's error body: `{code, message, errors?}` (Swagger `definitions.Error`). */
export function cwErrorBody(code: string, message: string, errors?: CwValidationError[]): string {
  return JSON.stringify({ code, message, ...(errors ? { errors } : {}) });
}

/** Thrown by handlers; the app's error handler renders it in the vendor's shape. */
export class CwHttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly errors?: CwValidationError[]) {
    super(message);
  }
}

export const invalidObject = (resource: string, errors: CwValidationError[]) => new CwHttpError(400, "InvalidObject", `${resource} object is invalid`, errors);

export function notFound(what: string): CwHttpError {
  return new CwHttpError(404, "NotFound", `${what} not found`);
}

/** Parses `conditions`-style text or answers 400 as ConnectWise does for a filter it cannot read. */
export function parseOr400(text: string, parameter: string) {
  try {
    return parseConditions(text);
  } catch (err) {
    if (err instanceof ConditionSyntaxError) throw new CwHttpError(400, "InvalidFilter", `${parameter}: ${err.message}`);
    throw err;
  }
}

export function filterBy<T>(items: T[], text: string | undefined, parameter: string, resolverFor: (item: T) => Resolver): T[] {
  if (!text) return items;
  const condition = parseOr400(text, parameter);
  return items.filter((item) => evaluate(condition, resolverFor(item)));
}

/** Sorts by an `orderBy` such as `lastUpdated asc, id asc`; the default order is by id. */
export function orderBy<T>(items: T[], text: string | undefined, resolverFor: (item: T) => Resolver): T[] {
  const keys = (text ?? "id asc").split(",").map((part) => {
    const m = /^\s*([A-Za-z_][\w/]*)\s*(asc|desc)?\s*$/i.exec(part);
    if (!m) throw new CwHttpError(400, "InvalidFilter", `orderBy: cannot read '${part.trim()}'`);
    return { path: m[1]!.split("/"), desc: m[2]?.toLowerCase() === "desc" };
  });
  const compare = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a == null) return -1;
    if (b == null) return 1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a) < String(b) ? -1 : 1;
  };
  return [...items].sort((x, y) => {
    for (const key of keys) {
      const result = compare(resolverFor(x)(key.path), resolverFor(y)(key.path));
      if (result !== 0) return key.desc ? -result : result;
    }
    return 0;
  });
}

/** Plain lookup, with the `_info` aliases ConnectWise accepts in conditions (lastUpdated, dateEntered…). */
export function recordResolver(record: unknown): Resolver {
  return (path) => {
    const head = path[0]?.toLowerCase();
    if (path.length === 1 && (head === "lastupdated" || head === "updatedby" || head === "dateentered" || head === "enteredby")) {
      return lookup(record, ["_info", path[0]!]);
    }
    return lookup(record, path);
  };
}

function positiveInt(c: Context, name: string, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new CwHttpError(400, "InvalidObject", `${name} must be a positive integer`);
  return Number(raw);
}

/** One page of `items` as ConnectWise returns it: a JSON array plus a `Link` header (navigable mode). */
export function paged<T>(c: Context, items: T[]): Response {
  // ConnectWise defaults to 25 and caps at 1,000 whatever is asked.
  const pageSize = Math.min(positiveInt(c, "pageSize", 25), 1000);
  const page = positiveInt(c, "page", 1);
  const last = Math.max(1, Math.ceil(items.length / pageSize));
  const slice = items.slice((page - 1) * pageSize, page * pageSize);
  const url = new URL(c.req.url);
  const link = (p: number, rel: string) => {
    const params = new URLSearchParams(url.search);
    params.set("page", String(p));
    params.set("pageSize", String(pageSize));
    return `<${simulatorBase(c)}${url.pathname}?${params.toString()}>; rel="${rel}"`;
  };
  const links = [];
  if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8" };
  if (links.length > 0) headers["Link"] = links.join(", ");
  return new Response(JSON.stringify(slice), { status: 200, headers });
}

export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) throw new CwHttpError(415, "UnsupportedMediaType", `The content type '${type}' is not supported`);
  try {
    return await c.req.json();
  } catch {
    throw new CwHttpError(400, "InvalidObject", "The request body is not valid JSON");
  }
}

export function routeId(c: Context, name = "id"): number {
  const raw = c.req.param(name) ?? "";
  if (!/^\d+$/.test(raw)) throw new CwHttpError(400, "InvalidObject", `${name} must be an integer`);
  return Number(raw);
}

export type SimulatorContext = {
  store: import("./store").ConnectWiseStore;
  now: () => Date;
  /** The API member our keys belong to: recorded as `updatedBy`/`enteredBy` on writes. */
  memberIdentifier: string;
  /** Boards the API member's security role may not see: their tickets answer 403. */
  restrictedBoardIds: Set<number>;
  /** Sends the callbacks a ticket save triggers (see routes-callbacks.ts). */
  ticketSaved: (event: import("./routes-callbacks").TicketSaved) => void;
};

export const securityError = () => new CwHttpError(403, "Security", "You do not have security permission to perform this action.");
