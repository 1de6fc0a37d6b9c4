// The demo/development Worker that `npm start` runs: the production app, plus the vendor
// simulators under /__sim and a one-shot demo seed. Only this entry point imports them, so the
// production bundle (built from src/index.ts) contains neither.
import { Hono } from "hono";
import { createApp } from "./app";
import { createDb } from "./db/client";
import { loadConfig } from "./env";
import { useOutboundFetch } from "./connectors/outbound-fetch";
import { runScheduled } from "./sync/scheduled";
import { demoFetch, mountSimulators } from "./simulators/mount";
import { DEMO_LOGIN, seedDemo } from "./demo-seed";

export { ConnectionSync } from "./sync/connection-sync";
export { AccountRateBudget } from "./sync/account-budget";
export { SignInThrottle } from "./auth/sign-in-throttle";

// Platform calls to /__sim URLs, from the app and from the Durable Objects, stay in process.
useOutboundFetch(demoFetch);

const app = new Hono<{ Bindings: Env }>();
mountSimulators(app);
app.post("/__demo/seed", async (c) => {
  const url = new URL(c.req.url);
  // Only from this machine: the seed endpoint exists for `npm start` alone.
  if (!["localhost", "127.0.0.1"].includes(url.hostname) || loadConfig(c.env).appEnv !== "development") return c.json({ error: "Not here" }, 404);
  const result = await seedDemo(
    { db: createDb(c.env.DB), encryptionKey: loadConfig(c.env).encryptionKey, allowLoopbackHttp: true, fetch: demoFetch },
    url.origin,
  );
  return c.json({ ...result, login: DEMO_LOGIN });
});
app.route("/", createApp());

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(controller, env)),
} satisfies ExportedHandler<Env>;
