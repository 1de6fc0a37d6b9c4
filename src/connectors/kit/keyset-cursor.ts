// The one listing cursor every connector uses: the (updated-at, id) of the last ticket handed out,
// plus the window's start where a platform has to repeat it. Keyset rather than page numbers: a
// ticket updated mid-scan moves behind the cursor instead of shifting the pages, so nothing is
// skipped or seen twice. Opaque to the engine; URL-safe base64 of JSON, checked when read back.
import { z } from "zod";
import { ConnectorError } from "../errors";

const keysetSchema = z.object({
  /** The last ticket's updated-at, as the platform wrote it (compared as an instant). */
  t: z.string().min(1),
  /** The last ticket's id (compared as a number when both are numbers). */
  id: z.string().min(1),
  /** The window's start, for platforms whose every page query repeats it. */
  since: z.string().optional(),
});
export type KeysetCursor = z.infer<typeof keysetSchema>;

export function encodeKeysetCursor(cursor: KeysetCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The cursor `encodeKeysetCursor` made; anything else is refused (`label` names the platform). */
export function decodeKeysetCursor(text: string, label: string): KeysetCursor {
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return keysetSchema.parse(JSON.parse(json));
  } catch {
    throw new ConnectorError("validation", `The listing cursor for ${label} is not one this connector issued.`);
  }
}

const instant = (value: string) => {
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || !/T|\d \d/.test(value) ? value : `${value.replace(" ", "T")}Z`);
  return Number.isNaN(ms) ? null : ms;
};

function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders two (updated-at, id) keys; timestamps without a zone are read as UTC. */
export function compareKeys(a: { t: string; id: string }, b: { t: string; id: string }): number {
  const ta = instant(a.t);
  const tb = instant(b.t);
  const byTime = ta !== null && tb !== null ? ta - tb : a.t < b.t ? -1 : a.t > b.t ? 1 : 0;
  return byTime !== 0 ? Math.sign(byTime) : compareIds(a.id, b.id);
}

/**
 * One page of a keyset scan for platforms whose query can only say "updated at or after": sorts
 * what the platform answered, drops what the cursor already handed out, and keeps `size`. The
 * next cursor is null when the platform had nothing more.
 */
export function keysetPage<T>(items: T[], keyOf: (item: T) => { t: string; id: string }, after: KeysetCursor | null, size: number, platformHasMore: boolean, since?: string): { items: T[]; next: string | null } {
  const sorted = items
    .map((item) => ({ item, key: keyOf(item) }))
    .filter(({ key }) => !after || compareKeys(key, after) > 0)
    .sort((a, b) => compareKeys(a.key, b.key));
  const page = sorted.slice(0, size);
  const last = page[page.length - 1];
  const more = sorted.length > size || platformHasMore;
  return { items: page.map(({ item }) => item), next: more && last ? encodeKeysetCursor({ ...last.key, ...(since ? { since } : {}) }) : null };
}
