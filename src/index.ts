// The production Worker: pages, JSON API and webhooks over HTTP; the 5-minute cron.
import { createApp } from "./app";
import { runScheduled } from "./sync/scheduled";

export { ConnectionSync } from "./sync/connection-sync";
export { AccountRateBudget } from "./sync/account-budget";
export { SignInThrottle } from "./auth/sign-in-throttle";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(controller, env)),
} satisfies ExportedHandler<Env>;
