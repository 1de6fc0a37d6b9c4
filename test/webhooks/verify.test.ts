import { describe, expect, it } from "vitest";
import type { WebhookScheme } from "../../src/connectors/contract";
import { autotaskSignatureMatches, signatureMatches, timestampFresh, urlSecretMatches, verifyDelivery } from "../../src/webhooks/verify";

// Vectors computed outside this code, with OpenSSL, when the test was written:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
//   printf '%s%s' 1795286400 "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
//   printf '%s%s' 2026-11-23T18:00:00Z "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
//   printf '%s' "$BODY" | openssl dgst -sha1 -hmac "$SECRET" -binary | base64
//   printf '%s' "$BODY" | openssl dgst -sha256 -hex
// (the `mac:` replay keys below are those base64 MACs in hex).
const SECRET = "s3cr3t-lockstep-test-key";
const BODY = '{"id":"42","action":"update"}';
const SHA256_HEX = "65c8d2162372ef33e9072e75253af6a13fdc5ef7aaa2307b22e66a1e5c3eab9a";
const SHA256_BASE64 = "ZcjSFiNy7zPpBy51JTr2oT/cXveqojB7IuZqHlw+q5o=";
const EPOCH = "1795286400"; // 2026-11-21T18:40:00Z
const TIMESTAMPED_EPOCH_BASE64 = "1TALY8l3TSXuqqrMkdRKHm30A1sQxnRhU/gkybCFoF4=";
const ISO = "2026-11-23T18:00:00Z";
const TIMESTAMPED_ISO_BASE64 = "7oIXfCyamLmAwXmDrQYkn3Ei4Q9UeLMilntYw8mIpVI=";
const SHA1_BASE64 = "KZxE8VvFUVkLC7npy6Cl9ZQKl5I=";
const BODY_SHA256_HEX = "6113b57ac5a452181811f6e02a11f9195b10cc49a137d9ec4398e3ed741ee3b8";
const TIMESTAMPED_EPOCH_KEY = "mac:d5300b63c9774d25eeaaaacc91d44a1e6df4035b10c6746153f824c9b085a05e";
const TIMESTAMPED_ISO_KEY = "mac:ee82177c2c9a98b980c17983ad06249f7122e10f5478b322967b58c3c988a552";
const SHA1_KEY = "mac:299c44f15bc551590b0bb9e9cba0a5f5940a9792";

const bytes = (text: string) => new TextEncoder().encode(text);
const body = bytes(BODY);
const tampered = bytes(BODY.replace("42", "43"));

describe("HMAC-SHA256 over the raw body", () => {
  const github: WebhookScheme = { kind: "hmac", algorithm: "SHA-256", signatureHeader: "X-Hub-Signature-256", encoding: "hex", prefix: "sha256=", timestampHeader: null, deliveryIdHeader: "X-GitHub-Delivery" };
  const deliver = (signature: string, delivery: string) => ({ headers: new Headers({ "X-Hub-Signature-256": signature, "X-GitHub-Delivery": delivery }), rawBody: body, urlSecret: null });

  it("names a delivery by its MAC, however the header spells the hex and whatever delivery id it carries", async () => {
    const secrets = [{ id: "s", secret: SECRET }];
    const lower = await verifyDelivery(github, deliver(`sha256=${SHA256_HEX}`, "d-1"), secrets, Date.now());
    const upper = await verifyDelivery(github, deliver(`sha256=${SHA256_HEX.toUpperCase()}`, "d-2"), secrets, Date.now());
    expect(lower).toEqual({ ok: true, secretId: "s", replayKey: `mac:${SHA256_HEX}` });
    expect(upper).toEqual(lower);
  });

  const check = (header: string | null, raw = body, secret = SECRET, encoding: "hex" | "base64" = "hex", prefix = "sha256=") =>
    signatureMatches({ algorithm: "SHA-256", secret, rawBody: raw, header, encoding, prefix });

  it("accepts the signature in hex with its prefix (GitHub style) and in base64 without one", async () => {
    expect(await check(`sha256=${SHA256_HEX}`)).toBe(true);
    expect(await check(`sha256=${SHA256_HEX.toUpperCase()}`)).toBe(true);
    expect(await check(SHA256_BASE64, body, SECRET, "base64", "")).toBe(true);
  });

  it("refuses a changed body, another secret, a missing or malformed header, and a truncated MAC", async () => {
    expect(await check(`sha256=${SHA256_HEX}`, tampered)).toBe(false);
    expect(await check(`sha256=${SHA256_HEX}`, body, "another-secret")).toBe(false);
    expect(await check(null)).toBe(false);
    expect(await check(SHA256_HEX)).toBe(false); // prefix missing
    expect(await check("sha256=not-hex")).toBe(false);
    expect(await check(`sha256=${SHA256_HEX.slice(0, 62)}`)).toBe(false);
    expect(await check("%%%", body, SECRET, "base64", "")).toBe(false);
  });
});

describe("HMAC-SHA256 over timestamp + body (Zendesk style)", () => {
  const scheme: WebhookScheme = {
    kind: "hmac",
    algorithm: "SHA-256",
    signatureHeader: "X-Signature",
    encoding: "base64",
    prefix: "",
    timestampHeader: "X-Signature-Timestamp",
    deliveryIdHeader: "X-Delivery",
  };
  const deliver = (signature: string, timestamp: string | null, raw = body, delivery: string | null = "d-1") => {
    const headers = new Headers({ "X-Signature": signature });
    if (timestamp !== null) headers.set("X-Signature-Timestamp", timestamp);
    if (delivery) headers.set("X-Delivery", delivery);
    return { headers, rawBody: raw, urlSecret: null };
  };
  const secrets = [{ id: "old", secret: "rotated-away" }, { id: "current", secret: SECRET }];

  it("accepts a fresh delivery signed with either live secret, and names it by its MAC, not its delivery id", async () => {
    const at = Date.parse("2026-11-21T18:42:00Z");
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, EPOCH), secrets, at)).toEqual({ ok: true, secretId: "current", replayKey: TIMESTAMPED_EPOCH_KEY });
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_ISO_BASE64, ISO), secrets, Date.parse(ISO) - 60_000)).toEqual({ ok: true, secretId: "current", replayKey: TIMESTAMPED_ISO_KEY });
    // The same signed call with another delivery id, or none, is the same call.
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, EPOCH, body, "d-2"), secrets, at)).toEqual({ ok: true, secretId: "current", replayKey: TIMESTAMPED_EPOCH_KEY });
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, EPOCH, body, null), secrets, at)).toEqual({ ok: true, secretId: "current", replayKey: TIMESTAMPED_EPOCH_KEY });
  });

  it("names a MAC spelt another way (base64's spare bits) as the same call", async () => {
    // 32 bytes in base64 leave two spare bits in the last letter: `F4`, `F5`, `F6`, `F7` decode alike.
    const respelt = TIMESTAMPED_EPOCH_BASE64.replace(/F4=$/, "F7=");
    expect(respelt).not.toBe(TIMESTAMPED_EPOCH_BASE64);
    const verdict = await verifyDelivery(scheme, deliver(respelt, EPOCH), secrets, Date.parse("2026-11-21T18:42:00Z"));
    expect(verdict).toEqual({ ok: true, secretId: "current", replayKey: TIMESTAMPED_EPOCH_KEY });
  });

  it("refuses a timestamp more than five minutes away, either way, once the signature is right", async () => {
    const signedAt = Number(EPOCH) * 1000;
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, EPOCH), secrets, signedAt + 301_000)).toEqual({ ok: false, reason: "stale" });
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, EPOCH), secrets, signedAt - 301_000)).toEqual({ ok: false, reason: "stale" });
    expect((await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, EPOCH), secrets, signedAt + 299_000)).ok).toBe(true);
  });

  it("refuses a moved timestamp, a missing timestamp and the body-only MAC as bad signatures", async () => {
    const at = Number(EPOCH) * 1000;
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, String(Number(EPOCH) + 1)), secrets, at)).toEqual({ ok: false, reason: "signature" });
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, null), secrets, at)).toEqual({ ok: false, reason: "signature" });
    expect(await verifyDelivery(scheme, deliver(SHA256_BASE64, EPOCH), secrets, at)).toEqual({ ok: false, reason: "signature" });
    expect(await verifyDelivery(scheme, deliver(TIMESTAMPED_EPOCH_BASE64, EPOCH, tampered), secrets, at)).toEqual({ ok: false, reason: "signature" });
    // A stale timestamp with a wrong signature is a wrong signature: nothing is said about age.
    expect(await verifyDelivery(scheme, deliver(SHA256_BASE64, EPOCH), secrets, at + 3_600_000)).toEqual({ ok: false, reason: "signature" });
  });

  it("reads epoch seconds and ISO-8601 timestamps, and nothing else", () => {
    const at = Number(EPOCH) * 1000;
    expect(timestampFresh(EPOCH, at)).toBe(true);
    expect(timestampFresh("2026-11-21T18:44:59Z", at)).toBe(true);
    expect(timestampFresh("2026-11-21T18:45:01Z", at)).toBe(false);
    expect(timestampFresh("yesterday", at)).toBe(false);
    expect(timestampFresh("", at)).toBe(false);
  });
});

describe("Autotask's X-Hook-Signature", () => {
  it("is sha1= and the base64 HMAC-SHA1 of the raw body", async () => {
    expect(await autotaskSignatureMatches(SECRET, body, `sha1=${SHA1_BASE64}`)).toBe(true);
    expect(await autotaskSignatureMatches(SECRET, tampered, `sha1=${SHA1_BASE64}`)).toBe(false);
    expect(await autotaskSignatureMatches(SECRET, body, SHA1_BASE64)).toBe(false);
    expect(await autotaskSignatureMatches("other", body, `sha1=${SHA1_BASE64}`)).toBe(false);
  });

  it("is the same check through the scheme a connector would declare", async () => {
    const autotask: WebhookScheme = { kind: "hmac", algorithm: "SHA-1", signatureHeader: "X-Hook-Signature", encoding: "base64", prefix: "sha1=", timestampHeader: null, deliveryIdHeader: null };
    const headers = new Headers({ "X-Hook-Signature": `sha1=${SHA1_BASE64}` });
    expect(await verifyDelivery(autotask, { headers, rawBody: body, urlSecret: null }, [{ id: "s", secret: SECRET }], Date.now())).toEqual({ ok: true, secretId: "s", replayKey: SHA1_KEY });
  });
});

describe("a secret in the URL", () => {
  const scheme: WebhookScheme = { kind: "url-secret" };
  it("matches only the exact secret, whichever live secret it is", async () => {
    expect(await urlSecretMatches(SECRET, SECRET)).toBe(true);
    expect(await urlSecretMatches(`${SECRET}x`, SECRET)).toBe(false);
    expect(await urlSecretMatches(null, SECRET)).toBe(false);
    const secrets = [{ id: "a", secret: "first" }, { id: "b", secret: "second" }];
    const at = Date.now();
    expect(await verifyDelivery(scheme, { headers: new Headers(), rawBody: body, urlSecret: "second" }, secrets, at)).toEqual({ ok: true, secretId: "b", replayKey: `body:${BODY_SHA256_HEX}` });
    expect(await verifyDelivery(scheme, { headers: new Headers(), rawBody: body, urlSecret: "third" }, secrets, at)).toEqual({ ok: false, reason: "signature" });
    expect(await verifyDelivery(scheme, { headers: new Headers(), rawBody: body, urlSecret: "second" }, [], at)).toEqual({ ok: false, reason: "signature" });
  });
});
