// Everything a run needs about one connection, read once and in one D1 statement: the
// connection's settings, both sides (settings and platform account), the mapping rules with their
// value pairs, and the change cursors. One statement rather than seven matters because every
// connection is woken every five minutes, and most wake-ups find nothing to do.
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import type { ConnectorClient, ConnectorFacts } from "../../connectors/contract";
import type { Person } from "../../connectors/canonical";
import { connectionSettingsSchema, fieldMappingInputSchema, sideSettingsSchema, type ConnectionSettings, type SideSettings } from "../../schemas/connections";
import { clientFromRow, type AccountDeps } from "../../services/platform-accounts";
import type { Cursor } from "./change-cursor";
import { resolveCustomField, type MappingRule } from "./mapping-rules";
import { RequestGate } from "./request-gate";
import type { Side } from "./types";

export type SideContext = {
  orgId: string;
  accountId: string;
  client: ConnectorClient;
  settings: SideSettings;
  noteTypes: ConnectorFacts["noteTypes"];
  maxAttachmentBytes: number | null;
  rateLimit: ConnectorFacts["rateLimit"];
  /** Contacts looked up by email in this chunk: a requester with many tickets is asked for once. */
  contacts: Map<string, Promise<Person | null>>;
  ticketUrl: (t: { id: string; ticketType: string; number: string }) => string;
  /** Custom field id → name, where a mapping or the description names a custom field and the
   * platform's fields have been read: the description's labels. */
  customFieldLabels: Record<string, string>;
};

export type ConnectionContext = {
  id: string;
  status: "pending" | "active" | "paused";
  settings: ConnectionSettings;
  sides: Record<Side, SideContext>;
  rules: MappingRule[];
  /** The stored change cursor of each side, as the connection was read. */
  cursors: Record<Side, Cursor>;
  /** The connection's first finished run (not a dry run), for where the connection starts. */
  firstRun: { since: string | null; startedAt: string } | null;
};

export class ConnectionNotReady extends Error {
  override name = "ConnectionNotReady";
}

// Our own database, but read as JSON built by SQLite: parsed, so a change of shape fails loudly.
const json = <T extends z.ZodType>(schema: T) => z.string().transform((text) => JSON.parse(text) as unknown).pipe(schema);
const accountSchema = z.object({ id: z.string(), orgId: z.string(), platform: z.string(), baseUrl: z.string(), settings: z.string(), credentialsCiphertext: z.string() });
const snapshotSchema = z.object({
  id: z.string(),
  status: z.enum(["pending", "active", "paused"]),
  settings: z.string(),
  sides: json(
    z.array(
      z.object({
        side: z.enum(["source", "target"]),
        orgId: z.string().nullable(),
        accountId: z.string().nullable(),
        settings: z.string(),
        account: accountSchema.nullable(),
        customFields: z.array(z.looseObject({ id: z.string(), name: z.string() })).nullable().optional(),
      }),
    ),
  ),
  mappings: json(
    z.array(
      fieldMappingInputSchema
        .pick({ ticketType: true, sourceField: true, targetField: true, direction: true, kind: true, conflictPolicy: true })
        .extend({ id: z.string(), pairs: z.array(z.object({ sourceValue: z.string(), targetValue: z.string() })) }),
    ),
  ),
  cursors: json(z.array(z.object({ side: z.enum(["source", "target"]), watermark: z.string().nullable(), seen: z.string(), retry: z.string() }))),
  firstRun: json(z.object({ since: z.string().nullable(), startedAt: z.string() }).nullable()).nullable(),
});

function snapshotQuery(connectionId: string) {
  return sql`
    select c.id, c.status, c.settings,
      (select json_group_array(json_object(
          'side', s.side, 'orgId', s.org_id, 'accountId', s.platform_account_id, 'settings', s.settings,
          'account', json((select json_object('id', a.id, 'orgId', a.org_id, 'platform', a.platform, 'baseUrl', a.base_url,
                                              'settings', a.settings, 'credentialsCiphertext', a.credentials_ciphertext)
                           from platform_accounts a where a.id = s.platform_account_id and a.org_id = s.org_id)),
          'customFields', case when c.settings like '%customFields.%' or exists (select 1 from field_mappings f where f.connection_id = c.id
                                 and (f.source_field like 'customFields.%' or f.target_field like 'customFields.%'))
                           then json((select json_extract(pc."values", '$.customFields') from picklist_cache pc
                                      where pc.account_id = s.platform_account_id and pc.kind = 'all')) end))
        from connection_sides s where s.connection_id = c.id) as sides,
      (select json_group_array(json_object(
          'id', m.id, 'ticketType', m.ticket_type, 'sourceField', m.source_field, 'targetField', m.target_field,
          'direction', m.direction, 'kind', m.kind, 'conflictPolicy', m.conflict_policy,
          'pairs', json((select json_group_array(json_object('sourceValue', p.source_value, 'targetValue', p.target_value))
                         from value_pairs p where p.mapping_id = m.id))))
        from (select * from field_mappings where connection_id = c.id order by position) m) as mappings,
      (select json_group_array(json_object('side', k.side, 'watermark', k.watermark, 'seen', k.seen_ids, 'retry', k.retry_ids))
        from change_cursors k where k.connection_id = c.id) as cursors,
      (select json_object('since', r.since, 'startedAt', r.started_at) from sync_runs r
        where r.connection_id = c.id and r.dry_run = 0 and r.status in ('success', 'partial', 'no_tickets')
        order by r.started_at limit 1) as firstRun
    from connections c where c.id = ${connectionId}`;
}

const ids = z.array(z.string());

export async function loadConnection(deps: AccountDeps, connectionId: string): Promise<ConnectionContext> {
  const db: Db = deps.db;
  const row = await db.get<unknown>(snapshotQuery(connectionId));
  if (!row) throw new ConnectionNotReady("The connection no longer exists.");
  const snapshot = snapshotSchema.parse(row);
  const sides = {} as Record<Side, SideContext>;
  for (const side of snapshot.sides) {
    if (!side.orgId || !side.accountId || !side.account) throw new ConnectionNotReady("The partner has not accepted the connection yet.");
    const gate = new RequestGate();
    const { client, connector } = await clientFromRow({ ...deps, fetch: gate.wrap(deps.fetch) }, side.account);
    gate.limit = connector.facts.rateLimit.concurrency;
    const baseUrl = side.account.baseUrl;
    sides[side.side] = {
      orgId: side.orgId,
      accountId: side.accountId,
      client,
      settings: sideSettingsSchema.parse(JSON.parse(side.settings)),
      noteTypes: connector.facts.noteTypes,
      maxAttachmentBytes: connector.facts.maxAttachmentBytes,
      rateLimit: connector.facts.rateLimit,
      contacts: new Map(),
      ticketUrl: (t) => connector.facts.ticketUrl(baseUrl, t),
      customFieldLabels: Object.fromEntries((side.customFields ?? []).map((f) => [f.id, f.name])),
    };
  }
  if (!sides.source || !sides.target) throw new ConnectionNotReady("The connection is missing a side.");
  // Custom fields as the platforms list them (the cached picklists), where a mapping names one.
  const defs = Object.fromEntries(snapshot.sides.map((s) => [s.side, s.customFields ?? null])) as Record<Side, { id: string; name: string }[] | null>;
  const rules: MappingRule[] = snapshot.mappings.map(({ pairs, ...rule }) => resolveRule({ ...rule, pairs }, defs));
  const cursors: Record<Side, Cursor> = { source: { watermark: null, seen: [], retry: [] }, target: { watermark: null, seen: [], retry: [] } };
  for (const c of snapshot.cursors) cursors[c.side] = { watermark: c.watermark, seen: ids.parse(JSON.parse(c.seen)), retry: ids.parse(JSON.parse(c.retry)) };
  return { id: snapshot.id, status: snapshot.status, settings: connectionSettingsSchema.parse(JSON.parse(snapshot.settings)), sides, rules, cursors, firstRun: snapshot.firstRun };
}

/**
 * A rule's custom fields as each side's connector keys them. Unknown platform data (never read)
 * leaves the rule as saved; a field the platform does not list marks the rule unavailable, so its
 * tickets fail with `field_not_found` instead of the value going nowhere.
 */
function resolveRule(rule: MappingRule, defs: Record<Side, { id: string; name: string }[] | null>): MappingRule {
  const out = { ...rule };
  for (const side of ["source", "target"] as const) {
    const list = defs[side];
    const key = side === "source" ? "sourceField" : "targetField";
    const resolved = list ? resolveCustomField(rule[key], list, side) : null;
    if (!resolved) continue;
    if ("field" in resolved) out[key] = resolved.field;
    else out.unavailable = `The mapping ${rule.sourceField} → ${rule.targetField} cannot apply: ${resolved.problem}`;
  }
  return out;
}

/** The description's labels: the source's custom field names first, as its fields are listed. */
export function descriptionLabels(context: Pick<ConnectionContext, "sides">): Record<string, string> {
  return { ...context.sides.target.customFieldLabels, ...context.sides.source.customFieldLabels };
}
