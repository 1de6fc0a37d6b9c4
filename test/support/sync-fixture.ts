// A connection between two simulated platforms, set up through the public API where it exists
// (accounts) and through the data layer for the rest, for engine scenario tests.
import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client";
import { connections, connectionSides, fieldMappings, valuePairs } from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { nowIso } from "../../src/lib/time";
import { connectionSettingsSchema, sideSettingsSchema, type FieldMappingInput } from "../../src/schemas/connections";
import type { EngineDeps } from "../../src/sync/engine/run-sync";
import { api } from "../helpers";

export function engineDeps(): EngineDeps {
  return { db: createDb(env.DB), encryptionKey: env.ENCRYPTION_KEY, allowLoopbackHttp: false, fetch: (input, init) => fetch(input, init), attachments: env.ATTACHMENTS };
}

/** A simulated Request Tracker account at `host` (mount a simulator there). */
export const rtAccount = (host: string) => ({
  name: host,
  platform: "request-tracker",
  baseUrl: `https://${host}`,
  credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" },
});

export async function addAccount(token: string, body: Record<string, unknown>): Promise<string> {
  const res = await api("/platform-accounts", token, { method: "POST", json: body });
  if (res.status !== 201) throw new Error(`account: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

type SideInput = { accountId: string; settings?: Record<string, unknown> };

export async function createConnection(
  orgId: string,
  sides: { source: SideInput; target: SideInput },
  options: { mappings?: Partial<FieldMappingInput>[]; settings?: Record<string, unknown> } = {},
) {
  const db = createDb(env.DB);
  const id = newId("con");
  const now = nowIso();
  const mappings = (options.mappings ?? []).map((m, position) => ({
    id: newId("map"),
    connectionId: id,
    ticketType: m.ticketType ?? "*",
    sourceField: m.sourceField!,
    targetField: m.targetField!,
    direction: m.direction ?? "bidirectional",
    kind: m.kind ?? "direct",
    conflictPolicy: m.conflictPolicy ?? "latest_wins",
    position,
    createdAt: now,
    updatedAt: now,
    pairs: m.valuePairs ?? [],
  }));
  await db.batch([
    db.insert(connections).values({
      id,
      name: "Test connection",
      createdByOrgId: orgId,
      status: "active",
      internal: true,
      settings: JSON.stringify(connectionSettingsSchema.parse(options.settings ?? {})),
      createdAt: now,
      updatedAt: now,
    }),
    ...(["source", "target"] as const).map((side) =>
      db.insert(connectionSides).values({
        connectionId: id,
        side,
        orgId,
        platformAccountId: sides[side].accountId,
        settings: JSON.stringify(sideSettingsSchema.parse(sides[side].settings ?? {})),
        createdAt: now,
        updatedAt: now,
      }),
    ),
    ...mappings.map(({ pairs: _, ...m }) => db.insert(fieldMappings).values(m)),
    ...mappings.flatMap((m) => m.pairs.map((p) => db.insert(valuePairs).values({ id: newId("val"), mappingId: m.id, ...p }))),
  ]);
  return id;
}
