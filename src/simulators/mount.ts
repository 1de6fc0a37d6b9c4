// Demo/development only: one instance of each simulator per isolate, reachable at
// /__sim/<platform>/… over HTTP and, for the app's own platform calls, in process (a Worker
// fetching its own URL would loop through the network for nothing). Imported by src/demo.ts
// alone, so production bundles never contain a simulator.
import type { Hono } from "hono";
import type { FetchLike } from "../connectors/http-client";
import { SIMULATOR_BASE_HEADER } from "./base";
import { createConnectWiseSimulator } from "./connectwise/app";
import { createRequestTrackerSimulator } from "./request-tracker/app";
import { createServiceNowSimulator } from "./servicenow/app";

export const SIMULATOR_PREFIX = "/__sim";

export const simulators = {
  connectwise: createConnectWiseSimulator(),
  servicenow: createServiceNowSimulator(),
  "request-tracker": createRequestTrackerSimulator(),
};

type SimulatorKey = keyof typeof simulators;

/** Swaps in freshly made simulators (the demo re-seeds them as of the moment it starts). */
export function replaceSimulators(fresh: typeof simulators): void {
  Object.assign(simulators, fresh);
}

/** Sends `request` to the simulator its path names, with the prefix stripped, or returns null. */
function dispatch(request: Request): Promise<Response> | null {
  const url = new URL(request.url);
  const match = /^\/__sim\/([a-z-]+)(\/.*)?$/.exec(url.pathname);
  const key = match?.[1] as SimulatorKey | undefined;
  if (!key || !(key in simulators)) return null;
  const inner = new URL(url);
  inner.pathname = match?.[2] ?? "/";
  const headers = new Headers(request.headers);
  headers.set(SIMULATOR_BASE_HEADER, `${url.origin}${SIMULATOR_PREFIX}/${key}`);
  const forwarded = new Request(inner, { method: request.method, headers, body: request.body, redirect: "manual" });
  return Promise.resolve(simulators[key].app.fetch(forwarded));
}

function isLocal(url: URL): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** The app's outbound fetch in the demo: local simulator URLs in process, anything else as usual. */
export const demoFetch: FetchLike = async (input, init) => {
  const request = new Request(input, init);
  if (isLocal(new URL(request.url))) {
    const answer = dispatch(request);
    if (answer) return answer;
  }
  return fetch(request);
};

export function mountSimulators<E extends { Bindings: Env }>(app: Hono<E>) {
  // Slows every simulator down, so that a demo (or the browser test) can watch a run's progress
  // bar move: a few dozen tickets otherwise sync faster than a page loads.
  app.post(`${SIMULATOR_PREFIX}/_control/latency`, async (c) => {
    if (!isLocal(new URL(c.req.url))) return c.json({ error: "Not here" }, 404);
    const ms = Number(new URL(c.req.url).searchParams.get("ms"));
    if (!Number.isInteger(ms) || ms < 0 || ms > 5_000) return c.json({ error: "ms must be an integer from 0 to 5000" }, 400);
    for (const simulator of Object.values(simulators)) simulator.faults.latencyMs = ms;
    return c.json({ latencyMs: ms });
  });
  app.all(`${SIMULATOR_PREFIX}/*`, async (c) => (await dispatch(c.req.raw)) ?? c.json({ error: "No such simulator" }, 404));
}
