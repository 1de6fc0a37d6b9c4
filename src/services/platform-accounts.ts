// Platform accounts: one organisation's credentials for one platform instance. Credentials are
// validated by the platform's own schema, encrypted before they touch the database, and never
// leave this file in clear except to build a connector client.
import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { connectionSides, platformAccounts } from "../db/schema";
import { SecretBox } from "../crypto/secrets";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import { pageOf, type Page, type PageRequest } from "../lib/pagination";
import { ApiError, notFound } from "../api/error-codes";
import { invalidInput } from "../api/on-error";
import { refuseUnknownKeys } from "../api/unknown-keys";
import { scopeOf, type OrgScope, type Principal } from "../auth/principal";
import { checkBaseUrl } from "../connectors/base-url";
import { connectorFor } from "../connectors/registry";
import type { Connector, ConnectorClient } from "../connectors/contract";
import type { FetchLike } from "../connectors/http-client";
import { CredentialsUnbound } from "../connectors/errors";
import { auditEntry } from "./audit";
import type { platformAccountSchema } from "../schemas/platform-accounts";

type AccountRow = typeof platformAccounts.$inferSelect;
export type PlatformAccountView = z.infer<typeof platformAccountSchema>;

export type AccountDeps = { db: Db; encryptionKey: string; allowLoopbackHttp: boolean; fetch: FetchLike };

/**
 * Associated data of the credentials ciphertext: the row, and where the credentials may go (the
 * platform and the normalised base URL: scheme, host, port and path). A base URL or platform
 * changed behind our back (a database edit) makes decryption fail, so stored credentials are only
 * ever sent to the URL they were entered for.
 */
const aad = (row: Pick<AccountRow, "orgId" | "id" | "platform" | "baseUrl">) => `${row.orgId}|${row.id}|credentials|${row.platform}|${row.baseUrl}`;

/** Credentials typed for a new destination: only the non-empty values, parsed whole (no merge). */
function credentialsRequired(connector: Connector<unknown, unknown>, input: Record<string, unknown>): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  refuseUnknownKeys(connector.credentialsSchema, given, ["credentials"]);
  const result = connector.credentialsSchema.safeParse(given);
  if (result.success) return result.data as Record<string, unknown>;
  const fields = result.error.issues.map((issue) => ({ path: ["credentials", ...issue.path.map(String)].join("."), message: "enter it again for the new base URL" }));
  throw new ApiError(
    "credentials_required",
    `A new base URL needs the account's credentials entered again (${fields.map((f) => f.path).join(", ")}): stored credentials are only sent where they were entered.`,
    { fields },
  );
}

function connectorOf(platform: string): Connector<unknown, unknown> {
  const connector = connectorFor(platform);
  if (!connector) throw new ApiError("invalid_input", `Unknown platform ${platform}.`);
  return connector;
}

/** Parses with `schema`, reporting failures under `prefix` (e.g. `credentials.privateKey`). */
function parseUnder<T>(schema: z.ZodType<T>, value: unknown, prefix: string, given: unknown = value): T {
  refuseUnknownKeys(schema, given, [prefix]);
  const result = schema.safeParse(value);
  if (!result.success) {
    throw invalidInput({ issues: result.error.issues.map((issue) => ({ ...issue, path: [prefix, ...issue.path] })) });
  }
  return result.data;
}

function checkedBaseUrl(baseUrl: string, allowLoopbackHttp: boolean): string {
  const result = checkBaseUrl(baseUrl, { allowLoopbackHttp });
  if (!result.ok) throw invalidInput({ issues: [{ code: "custom", path: ["baseUrl"], message: `Base URL ${result.reason}`, input: baseUrl }] });
  return result.url;
}

function credentialFieldsSet(credentials: Record<string, unknown>): string[] {
  return Object.entries(credentials)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k]) => k)
    .sort();
}

function view(row: AccountRow): PlatformAccountView {
  const settings = JSON.parse(row.settings) as { credentialsSet?: string[] } & Record<string, unknown>;
  const { credentialsSet = [], ...rest } = settings;
  return {
    id: row.id,
    name: row.name,
    platform: row.platform as PlatformAccountView["platform"],
    baseUrl: row.baseUrl,
    settings: rest,
    credentialsSet,
    lastTest: row.lastTestedAt ? { ok: row.lastTestOk ?? false, message: row.lastTestMessage ?? "", at: row.lastTestedAt } : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listAccounts(db: Db, scope: OrgScope, page: PageRequest): Promise<Page<PlatformAccountView>> {
  const rows = await db
    .select()
    .from(platformAccounts)
    .where(and(eq(platformAccounts.orgId, scope.orgId), page.cursor ? lt(platformAccounts.id, page.cursor) : undefined))
    .orderBy(desc(platformAccounts.id))
    .limit(page.limit + 1);
  return pageOf(rows, page.limit, view);
}

async function findRow(db: Db, scope: OrgScope, id: string): Promise<AccountRow> {
  const [row] = await db.select().from(platformAccounts).where(and(eq(platformAccounts.orgId, scope.orgId), eq(platformAccounts.id, id))).limit(1);
  if (!row) throw notFound("Platform account");
  return row;
}

export async function getAccount(db: Db, scope: OrgScope, id: string): Promise<PlatformAccountView> {
  return view(await findRow(db, scope, id));
}

export async function createAccount(
  deps: AccountDeps,
  actor: Principal,
  input: { name: string; platform: string; baseUrl: string; credentials: Record<string, unknown>; settings: Record<string, unknown> },
  ip?: string | null,
): Promise<PlatformAccountView> {
  const connector = connectorOf(input.platform);
  const baseUrl = checkedBaseUrl(input.baseUrl, deps.allowLoopbackHttp);
  const credentials = parseUnder(connector.credentialsSchema, input.credentials, "credentials") as Record<string, unknown>;
  const settings = parseUnder(connector.settingsSchema, input.settings, "settings") as Record<string, unknown>;
  const now = nowIso();
  const id = newId("acc");
  const row: AccountRow = {
    id,
    orgId: actor.orgId,
    name: input.name,
    platform: input.platform,
    baseUrl,
    credentialsCiphertext: await new SecretBox(deps.encryptionKey).encrypt(JSON.stringify(credentials), aad({ orgId: actor.orgId, id, platform: input.platform, baseUrl })),
    settings: JSON.stringify({ ...settings, credentialsSet: credentialFieldsSet(credentials) }),
    lastTestedAt: null,
    lastTestOk: null,
    lastTestMessage: null,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.batch([
    deps.db.insert(platformAccounts).values(row),
    auditEntry(deps.db, actor, { action: "platform_account.created", targetType: "platform_account", targetId: id, details: { name: row.name, platform: row.platform, baseUrl } }, ip),
  ]);
  return view(row);
}

/** The associated data credentials had before they were bound to their base URL. */
const legacyAad = (row: Pick<AccountRow, "orgId" | "id">) => `${row.orgId}|${row.id}|credentials`;

/**
 * The stored credentials, if this row's platform and base URL are the ones they were entered for.
 * Otherwise an auth failure the admin can act on (runs and Test connection say so), and nothing sent.
 *
 * Credentials saved before they were bound to their URL still open, once: where a database is at
 * hand they are sealed again under the row's current URL (only if nobody changed them meanwhile),
 * so an upgrade does not make every admin type every password again.
 */
async function decryptCredentials(
  deps: Pick<AccountDeps, "encryptionKey"> & { db?: Db },
  row: Pick<AccountRow, "orgId" | "id" | "platform" | "baseUrl" | "credentialsCiphertext">,
): Promise<Record<string, unknown>> {
  const box = new SecretBox(deps.encryptionKey);
  let plain: string;
  try {
    plain = await box.decrypt(row.credentialsCiphertext, aad(row));
  } catch {
    try {
      plain = await box.decrypt(row.credentialsCiphertext, legacyAad(row));
    } catch {
      throw new CredentialsUnbound();
    }
    if (deps.db) {
      await deps.db
        .update(platformAccounts)
        .set({ credentialsCiphertext: await box.encrypt(plain, aad(row)) })
        .where(and(eq(platformAccounts.id, row.id), eq(platformAccounts.credentialsCiphertext, row.credentialsCiphertext)));
    }
  }
  return JSON.parse(plain) as Record<string, unknown>;
}

export async function updateAccount(
  deps: AccountDeps,
  actor: Principal,
  id: string,
  input: { name?: string | undefined; baseUrl?: string | undefined; credentials?: Record<string, unknown> | undefined; settings?: Record<string, unknown> | undefined },
  ip?: string | null,
): Promise<PlatformAccountView> {
  const row = await findRow(deps.db, scopeOf(actor), id);
  const connector = connectorOf(row.platform);
  const changes: Partial<AccountRow> = { updatedAt: nowIso() };
  const { credentialsSet: _, ...currentSettings } = JSON.parse(row.settings) as Record<string, unknown>;
  let settings = currentSettings;
  if (input.name !== undefined) changes.name = input.name;
  if (input.baseUrl !== undefined) changes.baseUrl = checkedBaseUrl(input.baseUrl, deps.allowLoopbackHttp);
  if (input.settings !== undefined) settings = parseUnder(connector.settingsSchema, { ...currentSettings, ...input.settings }, "settings", input.settings) as Record<string, unknown>;
  const replaced = Object.entries(input.credentials ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== "");
  const moved = changes.baseUrl !== undefined && changes.baseUrl !== row.baseUrl;
  let credentialsSet: string[];
  if (moved) {
    // Where credentials go is part of them: a new base URL takes freshly typed credentials only,
    // never the stored ones (else an admin could point them at their own host and read them).
    const fresh = credentialsRequired(connector, input.credentials ?? {});
    changes.credentialsCiphertext = await new SecretBox(deps.encryptionKey).encrypt(JSON.stringify(fresh), aad({ ...row, baseUrl: changes.baseUrl! }));
    credentialsSet = credentialFieldsSet(fresh);
  } else if (replaced.length) {
    // "Leave blank to keep": merge the new values over the stored ones, then validate the whole.
    const merged = parseUnder(connector.credentialsSchema, { ...(await decryptCredentials(deps, row)), ...Object.fromEntries(replaced) }, "credentials", Object.fromEntries(replaced)) as Record<string, unknown>;
    changes.credentialsCiphertext = await new SecretBox(deps.encryptionKey).encrypt(JSON.stringify(merged), aad(row));
    credentialsSet = credentialFieldsSet(merged);
  } else {
    credentialsSet = credentialFieldsSet(await decryptCredentials(deps, row));
  }
  changes.settings = JSON.stringify({ ...settings, credentialsSet });
  // A test result stands until what it tested changes (the same base URL sent again changes nothing).
  if ((changes.baseUrl !== undefined && changes.baseUrl !== row.baseUrl) || replaced.length) Object.assign(changes, { lastTestedAt: null, lastTestOk: null, lastTestMessage: null });
  await deps.db.batch([
    deps.db.update(platformAccounts).set(changes).where(and(eq(platformAccounts.orgId, actor.orgId), eq(platformAccounts.id, id))),
    auditEntry(
      deps.db,
      actor,
      {
        action: "platform_account.updated",
        targetType: "platform_account",
        targetId: id,
        details: { name: input.name, baseUrl: changes.baseUrl, credentialsReplaced: replaced.map(([k]) => k), settingsChanged: input.settings !== undefined },
      },
      ip,
    ),
  ]);
  return view({ ...row, ...changes });
}

export async function deleteAccount(db: Db, actor: Principal, id: string, ip?: string | null): Promise<void> {
  const row = await findRow(db, scopeOf(actor), id);
  const [used] = await db.select({ id: connectionSides.connectionId }).from(connectionSides).where(eq(connectionSides.platformAccountId, id)).limit(1);
  if (used) throw new ApiError("conflict", "This account is used by a connection. Delete the connection first.");
  await db.batch([
    db.delete(platformAccounts).where(and(eq(platformAccounts.orgId, actor.orgId), eq(platformAccounts.id, id))),
    auditEntry(db, actor, { action: "platform_account.deleted", targetType: "platform_account", targetId: id, details: { name: row.name } }, ip),
  ]);
}

/** A ready connector client for an account of the caller's organisation. */
export async function clientForAccount(deps: AccountDeps, scope: OrgScope, id: string): Promise<{ row: AccountRow; client: ConnectorClient; connector: Connector<unknown, unknown> }> {
  const row = await findRow(deps.db, scope, id);
  return { row, ...(await clientFromRow(deps, row)) };
}

/** A client for an account row already read (the sync engine reads it with its connection). */
export async function clientFromRow(
  deps: Pick<AccountDeps, "fetch" | "encryptionKey"> & { db?: Db },
  row: Pick<AccountRow, "id" | "orgId" | "platform" | "baseUrl" | "settings" | "credentialsCiphertext">,
): Promise<{ client: ConnectorClient; connector: Connector<unknown, unknown> }> {
  const connector = connectorOf(row.platform);
  const { credentialsSet: _, ...settings } = JSON.parse(row.settings) as Record<string, unknown>;
  const client = connector.create({
    fetch: deps.fetch,
    config: {
      baseUrl: row.baseUrl,
      credentials: connector.credentialsSchema.parse(await decryptCredentials(deps, row)),
      settings: connector.settingsSchema.parse(settings),
    },
  });
  return { client, connector };
}

