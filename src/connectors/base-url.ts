// Platform base URLs are typed by users and then receive our stored credentials, so they are
// checked before any call (SSRF): https only; http only for loopback during local development;
// no credentials in the URL; and in production no loopback, private, link-local or other
// internal address literals, nor names that mean this machine.
import { z } from "zod";

export type UrlPolicy = { allowLoopbackHttp: boolean };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isInternalIpv4(host: string): boolean {
  const m = IPV4.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (
    a === 0 || a === 10 || a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast and reserved
  );
}

function isInternalIpv6(host: string): boolean {
  if (!host.startsWith("[")) return false;
  const h = host.slice(1, -1).toLowerCase();
  return h === "::" || h === "::1" || h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe8") || h.startsWith("fe9") ||
    h.startsWith("fea") || h.startsWith("feb") || h.startsWith("::ffff:") || h.startsWith("64:ff9b:");
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]" || /^127\./.test(hostname);
}

/** Returns the normalised URL (no trailing slash) or a reason a person can act on. */
export function checkBaseUrl(input: string, policy: UrlPolicy): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not contain a user name or password" };
  if (url.search || url.hash) return { ok: false, reason: "must not contain a query or fragment" };
  // WHATWG URL parsing already turns decimal, octal and hex IPv4 forms into dotted quads.
  const host = url.hostname.replace(/\.$/, "");
  const loopback = isLoopbackHost(host);
  if (url.protocol === "http:") {
    if (!(policy.allowLoopbackHttp && loopback)) return { ok: false, reason: "must use https" };
  } else if (url.protocol !== "https:") {
    return { ok: false, reason: "must use https" };
  }
  if (!policy.allowLoopbackHttp && (loopback || isInternalIpv4(host) || isInternalIpv6(host) || host.endsWith(".internal") || host.endsWith(".local") || !host.includes("."))) {
    return { ok: false, reason: "must be a public host name, not a local or private address" };
  }
  const normalised = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  return { ok: true, url: normalised };
}

export function baseUrlSchema(policy: UrlPolicy) {
  return z.string().transform((value, ctx) => {
    const result = checkBaseUrl(value, policy);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: `Base URL ${result.reason}` });
      return z.NEVER;
    }
    return result.url;
  });
}
