// Everything a run needs about one connection, read once: both sides' clients and settings,
// the connection's settings and its mapping rules.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { connections, connectionSides } from "../../db/schema";
import { storedMappings } from "../../services/field-mappings";
import type { ConnectorClient, ConnectorFacts } from "../../connectors/contract";
import type { Person } from "../../connectors/canonical";
import { connectionSettingsSchema, sideSettingsSchema, type ConnectionSettings, type SideSettings } from "../../schemas/connections";
import { clientForAccount, type AccountDeps } from "../../services/platform-accounts";
import { scopeOf } from "../../auth/principal";
import type { MappingRule } from "./mapping-rules";
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
};

export type ConnectionContext = {
  id: string;
  status: "pending" | "active" | "paused";
  settings: ConnectionSettings;
  sides: Record<Side, SideContext>;
  rules: MappingRule[];
};

export class ConnectionNotReady extends Error {
  override name = "ConnectionNotReady";
}

export async function loadConnection(deps: AccountDeps, connectionId: string): Promise<ConnectionContext> {
  const db: Db = deps.db;
  const [connection] = await db.select().from(connections).where(eq(connections.id, connectionId)).limit(1);
  if (!connection) throw new ConnectionNotReady("The connection no longer exists.");
  const sideRows = await db.select().from(connectionSides).where(eq(connectionSides.connectionId, connectionId));
  const sides = {} as Record<Side, SideContext>;
  for (const row of sideRows) {
    if (!row.orgId || !row.platformAccountId) throw new ConnectionNotReady("The partner has not accepted the connection yet.");
    const gate = new RequestGate();
    const { client, connector, row: account } = await clientForAccount({ ...deps, fetch: gate.wrap(deps.fetch) }, scopeOf({ orgId: row.orgId }), row.platformAccountId);
    gate.limit = connector.facts.rateLimit.concurrency;
    sides[row.side] = {
      orgId: row.orgId,
      accountId: row.platformAccountId,
      client,
      settings: sideSettingsSchema.parse(JSON.parse(row.settings)),
      noteTypes: connector.facts.noteTypes,
      maxAttachmentBytes: connector.facts.maxAttachmentBytes,
      rateLimit: connector.facts.rateLimit,
      contacts: new Map(),
      ticketUrl: (t) => connector.facts.ticketUrl(account.baseUrl, t),
    };
  }
  if (!sides.source || !sides.target) throw new ConnectionNotReady("The connection is missing a side.");
  const rules: MappingRule[] = (await storedMappings(db, connectionId)).map(({ valuePairs: pairs, position: _, ...rule }) => ({ ...rule, pairs }));
  return { id: connection.id, status: connection.status, settings: connectionSettingsSchema.parse(JSON.parse(connection.settings)), sides, rules };
}
