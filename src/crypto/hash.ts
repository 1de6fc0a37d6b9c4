import { bytesToBase64Url, bytesToHex } from "../lib/encoding";

const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return bytesToHex(new Uint8Array(digest));
}

/** A URL-safe random secret with `bytes` of entropy (32 bytes = 256 bits by default). */
export function randomToken(bytes = 32): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Constant-time comparison of two strings. `timingSafeEqual` throws on different lengths, so
 * compare fixed-length digests instead of the raw values: the length of the secret never leaks.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}
