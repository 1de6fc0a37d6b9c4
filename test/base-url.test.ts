import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkBaseUrl } from "../src/connectors/base-url";

const production = { allowLoopbackHttp: false };
const development = { allowLoopbackHttp: true };

describe("platform base URLs", () => {
  it("accept public https hosts and normalise them", () => {
    expect(checkBaseUrl("https://acme.service-now.com/", production)).toEqual({ ok: true, url: "https://acme.service-now.com" });
    expect(checkBaseUrl(" https://api-na.myconnectwise.net/v4_6_release/apis/3.0/ ", production)).toEqual({
      ok: true,
      url: "https://api-na.myconnectwise.net/v4_6_release/apis/3.0",
    });
  });

  it.each([
    ["http://acme.service-now.com", "must use https"],
    ["ftp://acme.example.com", "must use https"],
    ["https://user:pass@acme.zendesk.com", "must not contain a user name or password"],
    ["https://evil.com@acme.zendesk.com", "must not contain a user name or password"],
    ["https://acme.zendesk.com/?x=1", "must not contain a query or fragment"],
    ["https://localhost", "must be a public host name"],
    ["https://127.0.0.1", "must be a public host name"],
    ["https://0x7f000001", "must be a public host name"],
    ["https://2130706433", "must be a public host name"],
    ["https://017700000001", "must be a public host name"],
    ["https://10.1.2.3", "must be a public host name"],
    ["https://172.20.0.1", "must be a public host name"],
    ["https://192.168.1.10", "must be a public host name"],
    ["https://169.254.169.254", "must be a public host name"],
    ["https://100.64.0.1", "must be a public host name"],
    ["https://[::1]", "must be a public host name"],
    ["https://[::ffff:127.0.0.1]", "must be a public host name"],
    ["https://[fd00::1]", "must be a public host name"],
    ["https://rt.local", "must be a public host name"],
    ["https://intranet", "must be a public host name"],
    ["not a url", "is not a valid URL"],
  ])("refuse %s in production (%s)", (url, reason) => {
    const result = checkBaseUrl(url, production);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it("allow plain http only to loopback, and only in local development", () => {
    expect(checkBaseUrl("http://localhost:8787/__sim/rt", development)).toEqual({ ok: true, url: "http://localhost:8787/__sim/rt" });
    expect(checkBaseUrl("http://127.0.0.1:9000", development).ok).toBe(true);
    expect(checkBaseUrl("http://acme.example.com", development).ok).toBe(false);
    expect(checkBaseUrl("http://localhost:8787", production).ok).toBe(false);
  });

  it("never accept an IPv4 literal in a private range, in any spelling", () => {
    const privateAddress = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
    );
    fc.assert(
      fc.property(privateAddress, fc.constantFrom("dotted", "decimal", "hex"), ([a, b, c, d], spelling) => {
        const n = ((a * 256 + b) * 256 + c) * 256 + d;
        const host = spelling === "dotted" ? `${a}.${b}.${c}.${d}` : spelling === "decimal" ? String(n) : `0x${n.toString(16)}`;
        return checkBaseUrl(`https://${host}/`, production).ok === false;
      }),
    );
  });

  it.each([
    "https://10.0.0.1.nip.io",
    "https://app.10-0-0-1.nip.io",
    "https://nip.io",
    "https://0a000001.nip.io",
    "https://anything.sslip.io",
    "https://--1.sslip.io",
    "https://fe80--1.example.com",
    "https://x.xip.io",
    "https://rt.traefik.me",
    "https://localtest.me",
    "https://rt.localtest.me",
    "https://acme.lvh.me",
    "https://localhost.",
    "https://localhost..",
    "https://rt.localhost",
    "https://printer.local",
    "https://printer.local.",
    "https://metadata.google.internal",
    "https://rt.home.arpa",
    "https://RT.Home.Arpa.",
    "https://127.0.0.1.example.com",
    "https://rt-192-168-1-10.example.com",
    "https://ip-169-254-169-254.example.net",
    "https://make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms",
    "https://7f000001.08080808.rbndr.us",
    "https://c0a80001.example.org",
  ])("refuse the rebinding or local name %s in production", (url) => {
    const result = checkBaseUrl(url, production);
    expect(result).toEqual({ ok: false, reason: "must be a public host name, not a local or private address" });
  });

  it.each([
    "https://acme.service-now.com",
    "https://api-na.myconnectwise.net/v4_6_release/apis/3.0",
    "https://rt.example.com.",
    "https://ec2-54-12-34-56.compute-1.amazonaws.com",
    "https://rt-2024.example.com",
    "https://v1-2-3.example.com",
    "https://deadbeef.example.com",
    "https://my--site.example.com",
    "https://8.8.8.8",
  ])("accept the public name %s (an embedded public address is not a rebinding risk)", (url) => {
    expect(checkBaseUrl(url, production).ok).toBe(true);
  });
});
