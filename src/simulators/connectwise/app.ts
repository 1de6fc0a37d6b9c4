// A small stateful ConnectWise PSA (Manage) REST API for tests and the demo: the endpoints the
// connector uses, under `/v4_6_release/apis/3.0`, with ConnectWise's auth (Basic
// `company+publicKey:privateKey` plus a `clientId` header), error bodies, paging and timestamps.
// Never imported by production code.
import { Hono } from "hono";
import { FaultPlan, faultMiddleware } from "../faults";
import { WebhookOutbox, type WebhookTransport } from "../webhook-outbox";
import { createCallbacks } from "./routes-callbacks";
import { registerRecordRoutes } from "./routes-records";
import { registerTicketRoutes } from "./routes-tickets";
import { seededConnectWiseStore } from "./seed";
import type { SeedTime } from "../seed-time";
import type { ConnectWiseStore } from "./store";
import { cwErrorBody, CwHttpError, type SimulatorContext } from "./support";

export const CW_API_PREFIX = "/v4_6_release/apis/3.0";

export type ConnectWiseSimulatorOptions = {
  /** Defaults: company `lockstep`, public key `pub-key-123`, private key `priv-key-456`, clientId `4d0a3f4e-1c2b-4c5d-9e8f-0a1b2c3d4e5f`. */
  companyId?: string;
  publicKey?: string;
  privateKey?: string;
  clientId?: string;
  /** Identifier of the API member the keys belong to (default `lockstep-api`). */
  memberIdentifier?: string;
  /** Boards the API member may not see (default none): their tickets answer 403. */
  restrictedBoardIds?: number[];
  store?: ConnectWiseStore;
  /** When the seeded records happened, if `store` is not given (default: the fixed March 2024 seed). */
  seedTime?: SeedTime;
  now?: () => Date;
  /** Where callbacks are sent from (tests: the Worker in process); without it none are sent. */
  webhooks?: WebhookTransport;
};

export const CONNECTWISE_SIMULATOR_DEFAULTS = {
  companyId: "lockstep",
  publicKey: "pub-key-123",
  privateKey: "priv-key-456",
  clientId: "4d0a3f4e-1c2b-4c5d-9e8f-0a1b2c3d4e5f",
} as const;

export function createConnectWiseSimulator(options: ConnectWiseSimulatorOptions = {}) {
  const creds = { ...CONNECTWISE_SIMULATOR_DEFAULTS, ...options };
  const store = options.store ?? seededConnectWiseStore(options.seedTime);
  const faults = new FaultPlan();
  const webhooks = new WebhookOutbox(options.webhooks ?? null);
  const sim: SimulatorContext = {
    store,
    now: options.now ?? (() => new Date()),
    memberIdentifier: options.memberIdentifier ?? "lockstep-api",
    restrictedBoardIds: new Set(options.restrictedBoardIds ?? []),
    ticketSaved: (event) => callbacks.ticketSaved(event),
  };
  const callbacks = createCallbacks(sim, webhooks, creds.companyId);
  const expectedAuth = `Basic ${btoa(`${creds.companyId}+${creds.publicKey}:${creds.privateKey}`)}`;

  const api = new Hono();
  api.use("*", faultMiddleware(faults, (status, message) => cwErrorBody(status === 429 ? "TooManyRequests" : status >= 500 ? "UnexpectedServerError" : "BadRequest", message)));
  api.use("*", async (c, next) => {
    if (c.req.header("Authorization") !== expectedAuth) throw new CwHttpError(401, "Unauthorized", "Incorrect public/private key");
    if (c.req.header("clientId") !== creds.clientId) throw new CwHttpError(400, "InvalidClientId", "A valid clientId header is required on every request");
    await next();
  });
  registerTicketRoutes(api, sim);
  registerRecordRoutes(api, sim);
  callbacks.register(api);
  api.notFound((c) => c.body(cwErrorBody("NotFound", `No resource at ${new URL(c.req.url).pathname}`), 404, { "Content-Type": "application/json" }));
  api.onError((err, c) => {
    if (err instanceof CwHttpError) {
      return c.body(cwErrorBody(err.code, err.message, err.errors), err.status as 400, { "Content-Type": "application/json; charset=utf-8" });
    }
    return c.body(cwErrorBody("UnexpectedServerError", "An unexpected error occurred"), 500, { "Content-Type": "application/json" });
  });

  const app = new Hono();
  app.route(CW_API_PREFIX, api);
  return { app, store, faults, webhooks, callbacks: callbacks.list };
}
