// Reading every page of a list, in the four ways our platforms page: by page number, by offset,
// by a cursor the platform hands back, or by a link to the next page (a `Link` header or a URL in
// the body). A connector says which in its facts and supplies one function that fetches a page.
import { ConnectorError } from "../errors";

export type PagingStyle = "page" | "offset" | "cursor" | "link";

/** Where the next page starts: `page` is 1-based; `cursor` holds the cursor or the next page's URL. */
export type PagePosition = { page: number; offset: number; cursor: string | null; size: number };

export type PageAnswer<T> = {
  items: T[];
  /** The next page's cursor or URL (cursor and link styles); null or absent: this was the last. */
  next?: string | null;
  /** Page and offset styles: whether more pages follow, where the platform says (a total, a
   * `has_more`, a Link rel="next"); absent: a short page is the last. */
  more?: boolean;
};

/** A list longer than this many pages is a platform answering the same page again. */
const MAX_PAGES = 10_000;

/** The pages of a list, one at a time, for callers that stop early or stream. */
export async function* eachPage<T>(style: PagingStyle, size: number, fetchPage: (at: PagePosition) => Promise<PageAnswer<T>>): AsyncGenerator<T[]> {
  let at: PagePosition = { page: 1, offset: 0, cursor: null, size };
  const seen = new Set<string>();
  for (let count = 0; count < MAX_PAGES; count++) {
    const answer = await fetchPage(at);
    yield answer.items;
    if (style === "cursor" || style === "link") {
      const next = answer.next ?? null;
      if (!next || answer.items.length === 0) return;
      // A platform that hands back a cursor it gave before would loop for ever.
      if (seen.has(next)) throw new ConnectorError("invalid_response", `The platform's next page (${next.slice(0, 80)}) is one already read.`);
      seen.add(next);
      at = { ...at, page: at.page + 1, offset: at.offset + answer.items.length, cursor: next };
    } else {
      const more = answer.more ?? answer.items.length >= size;
      if (!more || answer.items.length === 0) return;
      at = { ...at, page: at.page + 1, offset: at.offset + answer.items.length };
    }
  }
  throw new ConnectorError("invalid_response", `The platform's list did not end after ${MAX_PAGES} pages.`);
}

/** Every item of a list. For lookups (statuses, notes of one ticket), not for ticket listings:
 * those go one page per call through the engine's cursor. */
export async function readAllPages<T>(style: PagingStyle, size: number, fetchPage: (at: PagePosition) => Promise<PageAnswer<T>>): Promise<T[]> {
  const all: T[] = [];
  for await (const items of eachPage(style, size, fetchPage)) all.push(...items);
  return all;
}

/** The URL of a `Link` header's rel="next" (RFC 8288), or null. */
export function nextLink(response: Response): string | null {
  const header = response.headers.get("Link");
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (match && /(^|;)\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(match[2]!)) return match[1]!;
  }
  return null;
}
