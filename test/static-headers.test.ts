// Static files (served by the assets binding, before the Worker runs) carry the same security
// headers as the app's pages, from public/_headers: a change to one without the other fails here.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers";

const SECURITY_HEADERS = [
  "content-security-policy",
  "cross-origin-opener-policy",
  "cross-origin-resource-policy",
  "origin-agent-cluster",
  "referrer-policy",
  "strict-transport-security",
  "x-content-type-options",
  "x-dns-prefetch-control",
  "x-download-options",
  "x-frame-options",
  "x-permitted-cross-domain-policies",
  "x-xss-protection",
];

const pick = (headers: Headers) => Object.fromEntries(SECURITY_HEADERS.map((name) => [name, headers.get(name)]));

describe("static files", () => {
  it.each(["/css/app.css", "/favicon.svg", "/js/app.js"])("%s carries the same security headers as a page", async (path) => {
    const page = await call("/login", { headers: { Accept: "text/html" } });
    const asset = await env.ASSETS.fetch(new URL(path, "https://lockstep.test"));
    expect(asset.status).toBe(200);
    const expected = pick(page.headers);
    // The page itself must set every one, or the comparison proves nothing.
    expect(Object.values(expected).every((v) => v !== null)).toBe(true);
    expect(pick(asset.headers)).toEqual(expected);
  });

  it("forbid framing and sniffing (the values, not only their presence)", async () => {
    const asset = await env.ASSETS.fetch(new URL("/css/app.css", "https://lockstep.test"));
    expect(asset.headers.get("x-frame-options")).toBe("DENY");
    expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
    expect(asset.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
