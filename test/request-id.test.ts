// Every answer carries an id we made; a client's X-Request-Id is echoed apart, never used as ours.
import { describe, expect, it } from "vitest";
import { api } from "./helpers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("are ours even when the client sends one, in the header and the error body alike", async () => {
    const res = await api("/users", null, { headers: { "X-Request-Id": "req-of-someone-else" } });
    expect(res.status).toBe(401);
    const ours = res.headers.get("X-Request-Id")!;
    expect(ours).toMatch(UUID);
    expect(((await res.json()) as { error: { requestId: string } }).error.requestId).toBe(ours);
    expect(res.headers.get("X-Client-Request-Id")).toBe("req-of-someone-else");
  });

  it("differ for two requests sending the same client id", async () => {
    const [a, b] = await Promise.all([0, 1].map(() => api("/openapi.json", null, { headers: { "X-Request-Id": "same" } })));
    expect(a!.headers.get("X-Request-Id")).not.toBe(b!.headers.get("X-Request-Id"));
  });

  it.each([["too long", "a".repeat(129)], ["with spaces", "id with spaces"], ["with a comma", "a,b"]])("do not echo a client id %s", async (_, id) => {
    const res = await api("/openapi.json", null, { headers: { "X-Request-Id": id } });
    expect(res.headers.get("X-Request-Id")).toMatch(UUID);
    expect(res.headers.get("X-Client-Request-Id")).toBeNull();
  });
});
