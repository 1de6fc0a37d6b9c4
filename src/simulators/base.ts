// Simulators serve their vendor's real paths (`/REST/2.0/…`, `/api/now/…`). When the demo mounts
// one under a prefix it forwards the request with the prefix stripped and names its public base
// in this header, so absolute URLs in responses (`_url`, `Link`) point back through the prefix.
import type { Context } from "hono";

export const SIMULATOR_BASE_HEADER = "X-Simulator-Base";

/** The origin (plus mount prefix) clients reach this simulator at, without a trailing slash. */
export function simulatorBase(c: Context): string {
  return c.req.header(SIMULATOR_BASE_HEADER) ?? new URL(c.req.url).origin;
}
