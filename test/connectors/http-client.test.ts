import { Hono } from "hono";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { HttpClient, parseRetryAfter } from "../../src/connectors/http-client";
import { ConnectorError } from "../../src/connectors/errors";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();

function client(timeoutMs = 1000) {
  return new HttpClient({
    fetch: (input, init) => fetch(input, init),
    baseUrl: "https://vendor.sim.test/api",
    authorize: (headers) => headers.set("Authorization", "Bearer k"),
    vendorMessage: (_status, body) => {
      try {
        return (JSON.parse(body) as { message?: string }).message ?? null;
      } catch {
        return null;
      }
    },
    timeoutMs,
  });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error("expected a ConnectorError");
}

describe("the shared HTTP client", () => {
  it("injects credentials and parses answers with zod", async () => {
    network.mount("vendor.sim.test", new Hono().get("/api/things", (c) => c.json({ auth: c.req.header("Authorization"), q: c.req.query("q") })));
    const { data } = await client().json("GET", "/things", z.object({ auth: z.string(), q: z.string() }), { query: { q: "a b" } });
    expect(data).toEqual({ auth: "Bearer k", q: "a b" });
  });

  it("classifies failures and keeps the vendor's message and Retry-After", async () => {
    const app = new Hono()
      .get("/api/401", (c) => c.json({ message: "Bad key" }, 401))
      .get("/api/403", (c) => c.json({ message: "No rights to board 7" }, 403))
      .get("/api/404", (c) => c.json({ message: "Gone" }, 404))
      .get("/api/429", (c) => c.json({ message: "Slow down" }, 429, { "Retry-After": "30" }))
      .get("/api/500", (c) => c.text("oops", 500))
      .get("/api/bad", (c) => c.json({ unexpected: true }))
      .get("/api/notjson", (c) => c.text("<html>login</html>"));
    network.mount("vendor.sim.test", app);
    const schema = z.object({ id: z.string() });
    const cases: [string, string, string][] = [
      ["/401", "auth", "Bad key"],
      ["/403", "permission", "No rights to board 7"],
      ["/404", "not_found", "Gone"],
      ["/429", "rate_limited", "Slow down"],
      ["/500", "transient", "HTTP 500"],
      ["/bad", "invalid_response", "Unexpected answer to GET /bad: id"],
      ["/notjson", "invalid_response", "not JSON"],
    ];
    for (const [path, kind, message] of cases) {
      const err = await failure(client().json("GET", path, schema));
      expect(err.kind, path).toBe(kind);
      expect(err.vendorMessage, path).toContain(message);
    }
    expect((await failure(client().json("GET", "/429", schema))).details.retryAfterSeconds).toBe(30);
  });

  it("times out a call that never answers, as a transient failure", async () => {
    network.mount("vendor.sim.test", new Hono().get("/api/hang", () => new Promise<Response>(() => {})));
    const err = await failure(client(50).send("GET", "/hang"));
    expect(err.kind).toBe("transient");
    expect(err.vendorMessage).toContain("No answer within");
  });

  it("follows redirects on the same origin only: credentials never go elsewhere", async () => {
    network.mount(
      "vendor.sim.test",
      new Hono()
        .get("/api/moved", (c) => c.redirect("/api/here", 302))
        .get("/api/here", (c) => c.json({ id: "1" }))
        .get("/api/away", (c) => c.redirect("https://evil.sim.test/steal", 302)),
    );
    expect((await client().json("GET", "/moved", z.object({ id: z.string() }))).data.id).toBe("1");
    const err = await failure(client().send("GET", "/away"));
    expect(err.vendorMessage).toContain("follows redirects only within https://vendor.sim.test");
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("120")).toBe(120);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 1, 0)).toUTCString(), Date.UTC(2026, 0, 1, 0, 0, 0))).toBe(60);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("a connection the server had already closed", () => {
  /** A fetch whose first call fails as workerd's does on a stale pooled connection, then answers. */
  function staleOnce() {
    const calls: string[] = [];
    const http = new HttpClient({
      fetch: async (input, init) => {
        calls.push(init?.method ?? "GET");
        if (calls.length === 1) throw new Error("Network connection lost.");
        return Response.json({ ok: true }, { status: init?.method === "POST" ? 201 : 200 });
      },
      baseUrl: "https://vendor.sim.test/api",
      authorize: () => {},
      vendorMessage: () => null,
    });
    return { http, calls };
  }

  it("is read again on a new connection", async () => {
    const { http, calls } = staleOnce();
    const { data } = await http.json("GET", "/things", z.object({ ok: z.boolean() }));
    expect(data).toEqual({ ok: true });
    expect(calls).toEqual(["GET", "GET"]);
  });

  it("is not written to twice: a write fails as transient and is left to the next run", async () => {
    const { http, calls } = staleOnce();
    const err = await failure(http.json("POST", "/things", z.object({ ok: z.boolean() }), { json: { a: 1 } }));
    expect(err.kind).toBe("transient");
    expect(err.message).toContain("Network connection lost.");
    expect(calls).toEqual(["POST"]);
  });
});

describe("a body cut off mid-way", () => {
  it("is a transient failure, not a crash", async () => {
    network.mount(
      "vendor.sim.test",
      new Hono().get("/api/cut", () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"id": "1'));
            controller.error(new Error("connection reset"));
          },
        });
        return new Response(body, { headers: { "Content-Type": "application/json" } });
      }),
    );
    const err = await failure(client().json("GET", "/cut", z.object({ id: z.string() })));
    expect(err.kind).toBe("transient");
  });
});
