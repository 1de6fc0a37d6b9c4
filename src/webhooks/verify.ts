// Is a pushed event genuine? Pure functions over the raw body bytes and the headers, run before
// anything parses the body. Every comparison is constant-time: MACs are compared as bytes with
// `crypto.subtle.timingSafeEqual` (lengths are fixed by the algorithm, so checking them first
// leaks nothing), URL secrets through digests of both sides. A verified delivery is named by
// what was signed, for the replay cache: a delivery id header is the sender's word, not signed,
// so a captured call re-sent with a new one must still be known as the same call.
import type { WebhookScheme } from "../connectors/contract";
import { constantTimeEqual } from "../crypto/hash";
import { base64ToBytes, bytesToHex } from "../lib/encoding";

/** Signed timestamps further than this from our clock, either way, are refused (Svix, Stripe: 5 min). */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

export type HmacAlgorithm = "SHA-256" | "SHA-1";
/**
 * `replayKey` names what was verified: `mac:` and the MAC we computed (not the header's text,
 * which hex case or base64's spare bits can spell several ways) where the platform signs, or
 * `body:` and the body's SHA-256 where it signs nothing (a URL secret).
 */
export type DeliveryVerdict = { ok: true; secretId: string; replayKey: string } | { ok: false; reason: "signature" | "stale" };

const encoder = new TextEncoder();

export async function hmac(algorithm: HmacAlgorithm, secret: string, message: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: algorithm }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
}

/** The bytes a signature header names, or null when it is not hex/base64 at all. */
export function decodeSignature(text: string, encoding: "hex" | "base64"): Uint8Array | null {
  if (encoding === "hex") {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) return null;
    return Uint8Array.from(text.match(/../g)!, (pair) => parseInt(pair, 16));
  }
  try {
    return base64ToBytes(text);
  } catch {
    return null;
  }
}

function sameBytes(expected: Uint8Array, presented: Uint8Array | null): boolean {
  if (!presented || presented.length !== expected.length) return false;
  return crypto.subtle.timingSafeEqual(expected, presented);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * A MAC over the raw body (or over timestamp + body, Zendesk style, when `timestamp` is given),
 * presented as `prefix` + hex or base64: GitHub's `sha256=<hex>`, Autotask's `sha1=<base64>`.
 */
export async function signatureMatches(input: SignedDelivery): Promise<boolean> {
  return (await matchingMac(input)) !== null;
}

type SignedDelivery = {
  algorithm: HmacAlgorithm;
  secret: string;
  rawBody: Uint8Array;
  header: string | null;
  encoding: "hex" | "base64";
  prefix: string;
  timestamp?: string;
};

/** The MAC the header presents, as we computed it, or null when it does not match. */
async function matchingMac(input: SignedDelivery): Promise<Uint8Array | null> {
  const { header, prefix } = input;
  if (!header || !header.startsWith(prefix)) return null;
  const message = input.timestamp === undefined ? input.rawBody : concat(encoder.encode(input.timestamp), input.rawBody);
  const expected = await hmac(input.algorithm, input.secret, message);
  return sameBytes(expected, decodeSignature(header.slice(prefix.length).trim(), input.encoding)) ? expected : null;
}

/** Autotask: `X-Hook-Signature: sha1=<base64(HMAC-SHA1(SecretKey, raw body))>`. */
export function autotaskSignatureMatches(secret: string, rawBody: Uint8Array, header: string | null): Promise<boolean> {
  return signatureMatches({ algorithm: "SHA-1", secret, rawBody, header, encoding: "base64", prefix: "sha1=" });
}

/** A signed timestamp, as epoch seconds or ISO-8601, in milliseconds; null when unreadable. */
export function parseTimestamp(text: string): number | null {
  if (/^\d{9,11}$/.test(text)) return Number(text) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

export function timestampFresh(text: string, nowMs: number, toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS): boolean {
  const ms = parseTimestamp(text);
  return ms !== null && Math.abs(nowMs - ms) <= toleranceSeconds * 1000;
}

/** A secret carried in the URL, for platforms that sign nothing. */
export function urlSecretMatches(presented: string | null, secret: string): Promise<boolean> {
  return presented ? constantTimeEqual(presented, secret) : Promise.resolve(false);
}

/**
 * Checks one delivery against a side's scheme and its live secrets (two during a rotation's
 * overlap). The signature is checked before the timestamp's age, so a forger learns nothing
 * from which answer they get.
 */
export async function verifyDelivery(
  scheme: WebhookScheme,
  delivery: { headers: Headers; rawBody: Uint8Array; urlSecret: string | null },
  secrets: { id: string; secret: string }[],
  nowMs: number,
): Promise<DeliveryVerdict> {
  for (const { id, secret } of secrets) {
    if (scheme.kind === "url-secret") {
      if (await urlSecretMatches(delivery.urlSecret, secret)) return { ok: true, secretId: id, replayKey: await bodyKey(delivery.rawBody) };
      continue;
    }
    const timestamp = scheme.timestampHeader ? delivery.headers.get(scheme.timestampHeader) : undefined;
    // A scheme that signs a timestamp needs one: without it there is nothing to check the age of.
    if (timestamp === null) return { ok: false, reason: "signature" };
    const mac = await matchingMac({
      algorithm: scheme.algorithm,
      secret,
      rawBody: delivery.rawBody,
      header: delivery.headers.get(scheme.signatureHeader),
      encoding: scheme.encoding,
      prefix: scheme.prefix,
      ...(timestamp !== undefined ? { timestamp } : {}),
    });
    if (!mac) continue;
    if (timestamp !== undefined && !timestampFresh(timestamp, nowMs)) return { ok: false, reason: "stale" };
    return { ok: true, secretId: id, replayKey: `mac:${bytesToHex(mac)}` };
  }
  return { ok: false, reason: "signature" };
}

/** Nothing is signed under a URL secret: the body's digest is all that names a call. */
async function bodyKey(rawBody: Uint8Array): Promise<string> {
  return `body:${bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", rawBody)))}`;
}
