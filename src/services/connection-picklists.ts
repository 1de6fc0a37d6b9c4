// Both sides' picklists of a connection: what the settings and mapping pages offer as choices.
// Mapping values means choosing from the partner's statuses and priorities too, so each side is
// read through its own organisation's account, exactly as a run reads it; a side that cannot be
// read says why instead of failing the whole answer. Of a partner's side only the values to map
// to are shown (services/partner-visibility.ts).
import { and, eq } from "drizzle-orm";
import { picklistCache } from "../db/schema";
import { picklistsSchema } from "../connectors/canonical";
import { ApiError } from "../api/error-codes";
import { scopeOf, type OrgScope } from "../auth/principal";
import { refreshPicklists, type CachedPicklists } from "./account-checks";
import { findVisibleConnection } from "./connections";
import { partnerPicklists } from "./partner-visibility";
import type { AccountDeps } from "./platform-accounts";
import type { SidePicklists } from "../schemas/connection-picklists";

type Side = "source" | "target";

async function cached(deps: AccountDeps, accountId: string): Promise<CachedPicklists | null> {
  const [row] = await deps.db
    .select()
    .from(picklistCache)
    .where(and(eq(picklistCache.accountId, accountId), eq(picklistCache.kind, "all")))
    .limit(1);
  const parsed = row ? picklistsSchema.safeParse(JSON.parse(row.values)) : null;
  return row && parsed?.success ? { picklists: parsed.data, fetchedAt: row.fetchedAt } : null;
}

/**
 * Each side's picklists: from the cache, discovered when missing, re-read from the platform when
 * `refresh`. Discovery runs under the side's own organisation, as a sync run does.
 */
export async function connectionPicklists(
  deps: AccountDeps,
  scope: OrgScope,
  connectionId: string,
  options: { refresh?: boolean; discoverPartner?: boolean } = {},
): Promise<Record<Side, SidePicklists>> {
  const visible = await findVisibleConnection(deps.db, scope, connectionId);
  // Both platforms are read at once: a page waits for the slower one, not for both in turn.
  const read = async (side: Side): Promise<SidePicklists> => {
    const row = visible.sides.find((s) => s.side === side);
    const base = { side, mine: visible.mySides.includes(side), platform: row?.platform ?? null };
    if (!row?.orgId || !row.platformAccountId) return { ...base, state: "waiting", reason: "The partner has not accepted the connection yet." };
    const stored = options.refresh ? null : await cached(deps, row.platformAccountId);
    // A page that needs only its own side need not wait on the partner's platform.
    if (!stored && !options.refresh && options.discoverPartner === false && !base.mine) {
      return { ...base, state: "waiting", reason: "Your partner's platform data has not been read yet (it is, on the Mappings page or with Refresh platform data)." };
    }
    try {
      const found = stored || (await refreshPicklists(deps, scopeOf({ orgId: row.orgId }), row.platformAccountId));
      // A side of the caller's own organisation (both, on an internal connection) shows everything.
      return { ...base, state: "ready", ...found, picklists: base.mine ? found.picklists : partnerPicklists(found.picklists) };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return { ...base, state: "failed", reason: err.message };
    }
  };
  const [source, target] = await Promise.all([read("source"), read("target")]);
  return { source, target };
}
