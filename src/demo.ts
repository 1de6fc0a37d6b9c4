// The demo/development Worker that `npm start` runs: the production app, plus the vendor
// simulators under /__sim, a one-shot demo seed and the demo's simulated platform activity. Only
// this entry point imports them, so the production bundle (built from src/index.ts) contains none.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { createApp } from "./app";
import { createDb } from "./db/client";
import { loadConfig } from "./env";
import { useOutboundFetch } from "./connectors/outbound-fetch";
import { runScheduled } from "./sync/scheduled";
import { demoFetch, mountSimulators } from "./simulators/mount";
import { isSetUp } from "./services/setup";
import { DEMO_LOGIN, seedDemo } from "./demo-seed";
import { reseedDemoSimulators } from "./demo-simulators";
import { makeDemoActivity } from "./demo-activity";

export { ConnectionSync } from "./sync/connection-sync";
export { AccountRateBudget } from "./sync/account-budget";
export { SignInThrottle } from "./auth/sign-in-throttle";

// Platform calls to /__sim URLs, from the app and from the Durable Objects, stay in process.
useOutboundFetch(demoFetch);

/** The /__demo endpoints exist for `npm start` alone: only from this machine, only in development. */
function forStartScript(c: Context<{ Bindings: Env }>): boolean {
  return ["localhost", "127.0.0.1"].includes(new URL(c.req.url).hostname) && loadConfig(c.env).appEnv === "development";
}

const activityQuery = z.object({ tick: z.coerce.number().int().min(0).max(1_000_000).default(0) });

const app = new Hono<{ Bindings: Env }>();
mountSimulators(app);
app.post("/__demo/seed", async (c) => {
  if (!forStartScript(c)) return c.json({ error: "Not here" }, 404);
  const db = createDb(c.env.DB);
  // A new demo's tickets date from the days before now, so that a first sync finds them. A demo
  // already seeded keeps the simulators it has (its links point at their tickets).
  if (!(await isSetUp(db))) reseedDemoSimulators(Date.now());
  const result = await seedDemo({ db, encryptionKey: loadConfig(c.env).encryptionKey, allowLoopbackHttp: true, fetch: demoFetch }, new URL(c.req.url).origin, c.env);
  return c.json({ ...result, login: DEMO_LOGIN });
});
app.post("/__demo/activity", async (c) => {
  if (!forStartScript(c)) return c.json({ error: "Not here" }, 404);
  const query = activityQuery.safeParse(c.req.query());
  if (!query.success) return c.json({ error: "tick must be a whole number from 0" }, 400);
  return c.json(await makeDemoActivity(demoFetch, new URL(c.req.url).origin, query.data.tick));
});
app.route("/", createApp());

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(controller, env)),
} satisfies ExportedHandler<Env>;
