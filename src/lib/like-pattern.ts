// LIKE patterns built from what a user typed. SQLite (and so D1) refuses a pattern longer than
// 50 bytes (SQLITE_MAX_LIKE_PATTERN_LENGTH) with an error, so search text is capped to fit, and
// its own `%`, `_` and `\` are escaped so that they match themselves (with `ESCAPE '\'`).
const MAX_PATTERN_BYTES = 50;

/** `text` as a pattern matching it anywhere, for `LIKE … ESCAPE '\'`. */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Whether `text` can be searched for: its pattern, escapes and all, fits SQLite's limit. */
export function fitsLikePattern(text: string): boolean {
  return new TextEncoder().encode(likeContaining(text)).length <= MAX_PATTERN_BYTES;
}

/** The most plain ASCII characters a search may hold (two bytes go to the `%` on each side). */
export const SEARCH_MAX_CHARACTERS = MAX_PATTERN_BYTES - 2;

export const SEARCH_TOO_LONG = `is too long: search for at most ${SEARCH_MAX_CHARACTERS} characters (%, _ and \\ count twice, accented letters and symbols count 2 to 4)`;
