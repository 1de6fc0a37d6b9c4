// "Test connection" and the picklist cache of a platform account. A failed test is an answer,
// not an error: the admin gets "Test failed: <reason>" phrased so they know what to fix.
import { and, eq } from "drizzle-orm";
import { picklistCache, platformAccounts } from "../db/schema";
import { nowIso } from "../lib/time";
import type { AccountCheck } from "../connectors/contract";
import { ConnectorError, CredentialsUnbound } from "../connectors/errors";
import { picklistsSchema, type Picklists } from "../connectors/canonical";
import { scopeOf, type OrgScope, type Principal } from "../auth/principal";
import { ApiError } from "../api/error-codes";
import { auditEntry } from "./audit";
import { clientForAccount, getAccount, type AccountDeps } from "./platform-accounts";

export type TestResult = { ok: boolean; message: string; identity: string | null; at: string; checks: AccountCheck[] };

/** The one-line answer: a failed check fails the test (syncs would lose data); a check that could
 * not be made is a warning on a tested connection. */
function summarise(checks: AccountCheck[]): { ok: boolean; message: string } {
  const failed = checks.filter((c) => c.status === "failed");
  if (failed.length > 0) return { ok: false, message: `Test failed: ${failed.map((c) => c.message).join(" ")}` };
  const warnings = checks.filter((c) => c.status === "warning");
  if (warnings.length > 0) return { ok: true, message: `Connection tested, with a warning: ${warnings.map((c) => c.message).join(" ")}` };
  return { ok: true, message: "Connection tested" };
}

/** Turns a connector failure into a reason a person can act on. */
export function explainFailure(err: unknown, baseUrl: string): string {
  const host = (() => {
    try {
      return new URL(baseUrl).host;
    } catch {
      return baseUrl;
    }
  })();
  if (err instanceof CredentialsUnbound) return `${err.vendorMessage} Nothing was sent to ${host}.`;
  if (!(err instanceof ConnectorError)) return `unexpected error (${err instanceof Error ? err.message : String(err)}).`;
  const vendor = err.vendorMessage;
  switch (err.kind) {
    case "auth":
      return `wrong credentials: ${host} answered "${vendor}". Check the keys or password and try again.`;
    case "permission":
      return `no access: ${host} answered "${vendor}". Give the integration user read and write access to tickets (and to the board, queue or table you sync).`;
    case "not_found":
      return `${host} has no such API (${vendor}). Check the base URL, including any path such as /v4_6_release/apis/3.0.`;
    case "rate_limited":
      return `${host} is rate-limiting us (${vendor})${err.details.retryAfterSeconds !== undefined ? `; try again in ${err.details.retryAfterSeconds} s` : ""}.`;
    case "transient":
      return err.details.status ? `${host} failed (${vendor}); try again in a few minutes.` : `host unreachable: ${vendor}. Check the base URL and that the platform is online.`;
    case "invalid_response":
      return `${host} did not answer like the platform's API (${vendor}). Check the base URL and the platform type.`;
    case "validation":
      return `${host} refused the request: ${vendor}`;
  }
}

export async function testAccount(deps: AccountDeps, actor: Principal, id: string, ip?: string | null): Promise<TestResult> {
  const { baseUrl } = await getAccount(deps.db, scopeOf(actor), id);
  const at = nowIso();
  let result: TestResult;
  try {
    const { client } = await clientForAccount(deps, scopeOf(actor), id);
    const { identity, checks = [] } = await client.testConnection();
    result = { ...summarise(checks), identity, at, checks };
  } catch (err) {
    if (!(err instanceof ConnectorError)) console.error("test connection", err);
    result = { ok: false, message: `Test failed: ${explainFailure(err, baseUrl)}`, identity: null, at, checks: [] };
  }
  await deps.db.batch([
    deps.db
      .update(platformAccounts)
      .set({ lastTestedAt: at, lastTestOk: result.ok, lastTestMessage: result.message })
      .where(and(eq(platformAccounts.orgId, actor.orgId), eq(platformAccounts.id, id))),
    auditEntry(deps.db, actor, { action: "platform_account.tested", targetType: "platform_account", targetId: id, details: { ok: result.ok, message: result.message } }, ip),
  ]);
  return result;
}

const CACHE_KIND = "all";

export type CachedPicklists = { picklists: Picklists; fetchedAt: string };

export async function refreshPicklists(deps: AccountDeps, scope: OrgScope, id: string): Promise<CachedPicklists> {
  const { baseUrl } = await getAccount(deps.db, scope, id);
  let picklists: Picklists;
  try {
    const { client } = await clientForAccount(deps, scope, id);
    picklists = picklistsSchema.parse(await client.discover());
  } catch (err) {
    throw new ApiError("conflict", `Could not read the platform's picklists: ${explainFailure(err, baseUrl)}`);
  }
  const fetchedAt = nowIso();
  await deps.db
    .insert(picklistCache)
    .values({ accountId: id, kind: CACHE_KIND, values: JSON.stringify(picklists), fetchedAt })
    .onConflictDoUpdate({ target: [picklistCache.accountId, picklistCache.kind], set: { values: JSON.stringify(picklists), fetchedAt } });
  return { picklists, fetchedAt };
}

/** The cached picklists, discovered on first use. */
export async function getPicklists(deps: AccountDeps, scope: OrgScope, id: string): Promise<CachedPicklists> {
  const row = await getAccount(deps.db, scope, id);
  const [cached] = await deps.db
    .select()
    .from(picklistCache)
    .where(and(eq(picklistCache.accountId, row.id), eq(picklistCache.kind, CACHE_KIND)))
    .limit(1);
  if (cached) return { picklists: picklistsSchema.parse(JSON.parse(cached.values)), fetchedAt: cached.fetchedAt };
  return refreshPicklists(deps, scope, id);
}
