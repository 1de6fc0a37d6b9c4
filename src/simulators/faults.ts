// Fault switches shared by every simulator: latency, 429 with Retry-After, 5xx, a hang until the
// caller times out, a malformed body, a connection cut mid-body. Tests queue faults for the next
// calls or set a random failure rate; each simulator answers faults in its vendor's error shape.
import type { Context, MiddlewareHandler, Next } from "hono";

export type Fault =
  | { kind: "status"; status: number; body?: string; retryAfter?: string }
  | { kind: "hang" }
  /** The call takes effect; its answer (the call's own status) has a body that is not JSON. */
  | { kind: "malformed" }
  /** The call takes effect; its answer is cut off mid-body. */
  | { kind: "cut" }
  /** The call takes effect, but the answer never arrives (the caller times out): the case that
   * makes creates ambiguous and idempotency necessary. */
  | { kind: "lose_response" }
  /** The write is answered with success as if it took effect, and nothing is kept: a platform that
   * drops what the user may not write (ServiceNow's field ACLs) or a workflow rule that undoes it.
   * Honoured by the writes a simulator marks droppable (`droppedWrite`): comment and note posts on
   * every simulator, file uploads and time entries where the platform has them; any other call
   * runs normally. */
  | { kind: "drop" };

/** Which calls a queued fault hits: by method, path, and query string (`?…`, for APIs that search
 * through one path, as RT reads a ticket by id with `/tickets?query=id = 7`). */
export type FaultMatcher = { method?: string; path?: RegExp; query?: RegExp };

export class FaultPlan {
  latencyMs = 0;
  /** Calls the platform serves at once (its concurrency limit); past it, 429 with Retry-After. */
  maxConcurrent = Infinity;
  /** Calls refused for going past `maxConcurrent`. */
  concurrencyRefusals = 0;
  /** Time spent inside this simulator's handlers (latency excluded), for benchmarks that
   * separate the engine's own time from the simulated platform's. */
  busyMs = 0;
  private inFlight = 0;
  /** Probability (0–1) that any call fails with one of `randomFaults`. */
  failureRate = 0;
  randomFaults: Fault[] = [{ kind: "status", status: 500 }];
  private queued: { fault: Fault; match: FaultMatcher }[] = [];
  /** Counts of calls by `METHOD path`, for tests that assert API usage. */
  readonly calls: { method: string; path: string }[] = [];
  private random: () => number = Math.random;

  /** Fail the next matching call with `fault`. */
  next(fault: Fault, match: FaultMatcher = {}): this {
    this.queued.push({ fault, match });
    return this;
  }

  seed(random: () => number): this {
    this.random = random;
    return this;
  }

  /** Counts a call in; false when it would pass the concurrency limit. */
  enter(): boolean {
    if (this.inFlight >= this.maxConcurrent) {
      this.concurrencyRefusals++;
      return false;
    }
    this.inFlight++;
    return true;
  }

  leave(): void {
    this.inFlight--;
  }

  reset(): void {
    this.latencyMs = 0;
    this.maxConcurrent = Infinity;
    this.concurrencyRefusals = 0;
    this.busyMs = 0;
    this.failureRate = 0;
    this.queued = [];
    this.calls.length = 0;
  }

  writes(): number {
    return this.calls.filter((c) => c.method !== "GET" && c.method !== "HEAD").length;
  }

  take(method: string, path: string, query = ""): Fault | null {
    const index = this.queued.findIndex(({ match }) => (!match.method || match.method === method) && (!match.path || match.path.test(path)) && (!match.query || match.query.test(query)));
    if (index >= 0) return this.queued.splice(index, 1)[0]!.fault;
    if (this.failureRate > 0 && this.random() < this.failureRate) {
      return this.randomFaults[Math.floor(this.random() * this.randomFaults.length)] ?? null;
    }
    return null;
  }
}

/** Requests answered by a "drop" fault: their handler answers and keeps nothing. */
const dropped = new WeakSet<Request>();

/** Whether this write is to be answered and not kept (a "drop" fault hit it). */
export function droppedWrite(c: Context): boolean {
  return dropped.has(c.req.raw);
}

/** Middleware applying `plan` before the simulator's handlers; `errorBody` renders the vendor's error shape. */
export function faultMiddleware(plan: FaultPlan, errorBody: (status: number, message: string) => string): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const path = url.pathname;
    plan.calls.push({ method: c.req.method, path });
    if (!plan.enter()) {
      return new Response(errorBody(429, "Too many concurrent requests"), { status: 429, headers: { "Content-Type": "application/json", "Retry-After": "1" } });
    }
    try {
      if (plan.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.latencyMs));
      const fault = plan.take(c.req.method, path, decodeURIComponent(url.search.replace(/\+/g, " ")));
      if (!fault) {
        const started = Date.now();
        await next();
        plan.busyMs += Date.now() - started;
        return;
      }
      return await serveFault(c, next, fault, errorBody);
    } finally {
      plan.leave();
    }
  };
}

async function serveFault(c: Context, next: Next, fault: Fault, errorBody: (status: number, message: string) => string): Promise<Response | void> {
  if (fault.kind === "drop") {
    dropped.add(c.req.raw);
    return next();
  }
  if (fault.kind === "lose_response") {
    await next();
    await new Promise<never>((_resolve, reject) => c.req.raw.signal.addEventListener("abort", () => reject(new Error("aborted"))));
    return;
  }
  switch (fault.kind) {
    case "status": {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (fault.retryAfter !== undefined) headers["Retry-After"] = fault.retryAfter;
      const message = fault.status === 429 ? "Too many requests" : fault.status >= 500 ? "Internal server error" : "Request failed";
      return new Response(fault.body ?? errorBody(fault.status, message), { status: fault.status, headers });
    }
    case "hang":
      // Never answers; the client's timeout must end the call.
      await new Promise<never>((_resolve, reject) => c.req.raw.signal.addEventListener("abort", () => reject(new Error("aborted"))));
      return c.body(null, 504);
    // An answer broken on the way (cut mid-body, or not JSON) still has its status line: the
    // platform handled the call, so a write took effect. The call runs; only its body is broken.
    case "malformed":
      return broken(c, next, '{"result": [ {"broken": ', null);
    case "cut":
      return broken(c, next, '{"result": [{"id": "1", ', new Error("connection reset by simulator"));
  }
}

/** The call's own status and headers, with a body that is `text` and then (with `error`) a cut. */
async function broken(c: Context, next: Next, text: string, error: Error | null): Promise<Response> {
  await next();
  const { status, headers } = c.res;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      if (error) controller.error(error);
      else controller.close();
    },
  });
  const out = new Headers(headers);
  out.set("Content-Type", "application/json");
  out.delete("Content-Length");
  // Once the handler has run, Hono answers with `c.res`: replace it (unset first, or Hono would
  // merge the old headers in).
  c.res = undefined;
  c.res = new Response(stream, { status, headers: out });
  return c.res;
}
