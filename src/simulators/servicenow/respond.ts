// Shared by the simulator's Table and Attachment API routes: ServiceNow's error envelope, encoded
// query evaluation, record rendering for sysparm_display_value, and limit/offset paging headers.
import type { Context } from "hono";
import { simulatorBase } from "../base";
import { matches, parseEncodedQuery, sortRows, type ParsedQuery } from "./encoded-query";
import { ServiceNowStore, SimError, type Row } from "./store";

export type SimEnv = { Variables: { user: Row } };

/** ServiceNow's error envelope. */
export function errorBody(message: string, detail: string | null = null): string {
  return JSON.stringify({ error: { message, detail }, status: "failure" });
}

export function fail(c: Context, error: SimError): Response {
  return c.body(errorBody(error.message, error.detail), error.status as 400, { "Content-Type": "application/json" });
}

/** The rows `sysparm_query` selects from `table`, sorted, with the authenticated user substituted for gs.getUserID(). */
export function query(store: ServiceNowStore, table: string, encoded: string, user: Row): Row[] {
  const fields = store.fields(table);
  const parsed = parseEncodedQuery(encoded.replaceAll("javascript:gs.getUserID()", user.sys_id ?? ""), (f) => f in fields);
  if (parsed.invalid.length > 0) store.invalidQueries.push(`${table}: ${parsed.invalid.join(" ^ ")}`);
  const rows = candidates(store, table, parsed).filter((row) => matches(parsed, (f) => row[f] ?? ""));
  return sortRows(rows, parsed.orderBy, (row, f) => row[f] ?? "");
}

/** The rows a query can match: by an index when every alternative requires `field=value` on an
 * indexed field (journal entries of one ticket, attachments of one record), else the table. */
function candidates(store: ServiceNowStore, table: string, parsed: ParsedQuery): Row[] {
  if (parsed.invalid.length === 0 && parsed.blocks.length === 1) {
    for (const clause of parsed.blocks[0]!) {
      const only = clause.length === 1 ? clause[0]! : null;
      const field = ServiceNowStore.INDEXED.find((f) => f === only?.field);
      if (only && field && only.op === "=") {
        return store.byField(field, only.value).filter((row) => store.inTable(row, table));
      }
    }
  }
  return store.list(table);
}

/** A row as the Table API renders it for sysparm_display_value and sysparm_exclude_reference_link. */
export function render(c: Context, store: ServiceNowStore, table: string, row: Row): Record<string, unknown> {
  const mode = c.req.query("sysparm_display_value") ?? "false";
  const withLink = c.req.query("sysparm_exclude_reference_link") !== "true";
  const wanted = c.req.query("sysparm_fields")?.split(",").map((f) => f.trim()).filter(Boolean);
  const schema = store.fields(table);
  const out: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(schema)) {
    if (wanted && !wanted.includes(name)) continue;
    const value = row[name] ?? "";
    const display = store.display(table, row, name);
    const link = kind.type === "reference" && withLink && value !== "" ? { link: `${simulatorBase(c)}/api/now/table/${kind.table}/${value}` } : {};
    if (mode === "all") out[name] = { display_value: display, value, ...link };
    else if (mode === "true") out[name] = kind.type === "reference" && "link" in link ? { display_value: display, ...link } : display;
    else out[name] = "link" in link ? { value, ...link } : value;
  }
  return out;
}

export function pagingHeaders(c: Context, total: number, limit: number, offset: number): Record<string, string> {
  const headers: Record<string, string> = { "X-Total-Count": String(total) };
  if (total <= limit && offset === 0) return headers; // one page: no Link header
  const url = new URL(c.req.url);
  const at = (o: number) => {
    url.searchParams.set("sysparm_offset", String(o));
    url.searchParams.set("sysparm_limit", String(limit));
    return `<${simulatorBase(c)}${url.pathname}?${url.searchParams.toString()}>`;
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links = [`${at(0)};rel="first"`];
  if (offset > 0) links.push(`${at(Math.max(0, offset - limit))};rel="prev"`);
  if (offset + limit < total) links.push(`${at(offset + limit)};rel="next"`);
  links.push(`${at(last)};rel="last"`);
  headers.Link = links.join(",");
  return headers;
}

export function paging(c: Context): { limit: number; offset: number } {
  const limit = c.req.query("sysparm_limit") ?? "10000";
  const offset = c.req.query("sysparm_offset") ?? "0";
  if (!/^\d+$/.test(limit) || Number(limit) < 1) throw new SimError(400, `Invalid value for sysparm_limit: ${limit}`);
  if (!/^\d+$/.test(offset)) throw new SimError(400, `Invalid value for sysparm_offset: ${offset}`);
  return { limit: Math.min(Number(limit), 10_000), offset: Number(offset) };
}

