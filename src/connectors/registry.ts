// The explicit list of platforms Lockstep speaks. Adding a platform means adding its folder and
// one line here; nothing else in the app names a vendor.
import type { Connector } from "./contract";
import { connectwiseConnector } from "./connectwise/index";
import { requestTrackerConnector } from "./request-tracker/index";
import { servicenowConnector } from "./servicenow/index";

export const connectors = {
  connectwise: connectwiseConnector,
  servicenow: servicenowConnector,
  "request-tracker": requestTrackerConnector,
} as const satisfies Record<string, Connector<never, never> | Connector<any, any>>;

export type PlatformKey = keyof typeof connectors;
export const platformKeys = Object.keys(connectors) as [PlatformKey, ...PlatformKey[]];

export function connectorFor(key: string): Connector<unknown, unknown> | null {
  return (connectors as Record<string, Connector<unknown, unknown>>)[key] ?? null;
}
