// DNS names that resolve to an address taken from the name itself (nip.io and friends) or to
// this machine. The base URL check cannot resolve names, so in production it refuses these by
// their spelling; the edge refuses private destinations whatever a name resolves to (README).
import { isInternalIpv4, isInternalIpv6 } from "./internal-addresses";

/** Names, and every name under them, that answer with loopback or an embedded address. */
const REBINDING_DOMAINS = [
  "nip.io",
  "sslip.io",
  "xip.io",
  "traefik.me",
  "localtest.me",
  "lvh.me",
  "vcap.me",
  "localhost.direct",
  "1u.ms", // a rebinding service: answers alternately with two embedded addresses
  "rbndr.us", // the same, with hex-spelled addresses
  "localhost",
  "local", // mDNS
  "internal",
  "home.arpa",
];

/** Four octets with `.` or `-` between them, anywhere in the name (`10-0-0-1`, `x-127.0.0.1-y`). */
const EMBEDDED_IPV4 = /(?=(?<![0-9])([0-9]{1,3})[.-]([0-9]{1,3})[.-]([0-9]{1,3})[.-]([0-9]{1,3})(?![0-9]))/g;
/** Eight hex digits as a whole label or dash-separated part of one (`7f000001`). */
const HEX_IPV4 = /^[0-9a-f]{8}$/;

function underDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function embedsInternalIpv4(host: string): boolean {
  for (const m of host.matchAll(EMBEDDED_IPV4)) {
    const octets = m.slice(1, 5).map(Number);
    if (octets.every((o) => o <= 255) && isInternalIpv4(octets.join("."))) return true;
  }
  const parts = host.split(/[.-]/).filter((p) => HEX_IPV4.test(p));
  return parts.some((p) => isInternalIpv4([0, 2, 4, 6].map((i) => parseInt(p.slice(i, i + 2), 16)).join(".")));
}

/** sslip.io spells IPv6 with dashes for colons (`fe80--1`, `--1`). */
function embedsInternalIpv6(host: string): boolean {
  return host.split(".").some((label) => {
    if (!label.includes("-")) return false;
    try {
      return isInternalIpv6(new URL(`https://[${label.replace(/-/g, ":")}]/`).hostname);
    } catch {
      return false;
    }
  });
}

/** `host` is a lower-case name (URL.hostname) without its trailing dot, not an IP literal. */
export function isRebindingName(host: string): boolean {
  return REBINDING_DOMAINS.some((d) => underDomain(host, d)) || embedsInternalIpv4(host) || embedsInternalIpv6(host);
}
