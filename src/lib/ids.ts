// Ids are strings: a short prefix naming the kind, then a time part and a random part, both in
// Crockford base32. Sorting ids sorts by creation time, which makes them good page cursors.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  | "org" | "usr" | "tok" | "acc" | "con" | "map" | "val" | "lnk" | "cml" | "atl" | "tel"
  | "run" | "itm" | "iss" | "aud" | "whs" | "pwr" | "inv";

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** A new id such as `usr_01jd3v9k7m4x8q2w6e5r`: 10 characters of time, 12 of randomness. */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${randomBase32(12)}`;
}
