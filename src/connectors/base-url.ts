// Platform base URLs are typed by users and then receive our stored credentials, so they are
// checked before any call (SSRF): https only; http only for loopback during local development;
// no credentials in the URL; and in production no loopback, private, link-local or other
// internal address literals, nor names that mean this machine or resolve to an address spelled
// in the name (nip.io and the like, see rebinding-hosts.ts).
import { z } from "zod";
import { isInternalIpv4, isInternalIpv6 } from "./internal-addresses";
import { isRebindingName } from "./rebinding-hosts";

export type UrlPolicy = { allowLoopbackHttp: boolean };

const IPV4_LITERAL = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

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
  const host = url.hostname.replace(/\.+$/, "");
  const loopback = isLoopbackHost(host);
  if (url.protocol === "http:") {
    if (!(policy.allowLoopbackHttp && loopback)) return { ok: false, reason: "must use https" };
  } else if (url.protocol !== "https:") {
    return { ok: false, reason: "must use https" };
  }
  const ipLiteral = IPV4_LITERAL.test(host) || host.startsWith("[");
  const internal = ipLiteral ? isInternalIpv4(host) || isInternalIpv6(host) : isRebindingName(host) || !host.includes(".");
  if (!policy.allowLoopbackHttp && (loopback || internal)) {
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
