// Routes outbound requests for a simulator's host to that simulator's Hono app through msw, and
// fails any request to a host nobody registered: a test can never reach a real vendor.
import { http, passthrough } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

type FetchApp = { fetch: (request: Request) => Response | Promise<Response> };

const server = setupServer();
let started = false;

export function useSimulatorNetwork() {
  if (!started) {
    started = true;
    beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
    afterEach(() => server.resetHandlers());
    afterAll(() => server.close());
  }
  return {
    /** Serve `https://{host}/*` from `app` for the current test. */
    mount(host: string, app: FetchApp) {
      server.use(http.all(`https://${host}/*`, ({ request }) => app.fetch(request as unknown as Request)));
    },
    passthrough,
  };
}
