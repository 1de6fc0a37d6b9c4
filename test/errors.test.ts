import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppEnv } from "../src/app-env";
import { API_ERROR_STATUS, ApiError } from "../src/api/error-codes";
import { onError } from "../src/api/on-error";
import { addUser, api, call, setupFirstOrganisation } from "./helpers";

type ErrorBody = { error: { code: string; message: string; details?: unknown; requestId: string } };

async function expectErrorShape(res: Response, status: number, code: string): Promise<ErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers.get("X-Request-Id")).toBe(body.error.requestId);
  return body;
}

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let viewer: Awaited<ReturnType<typeof addUser>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
  viewer = await addUser(org.organisation.id, "viewer");
});

describe("the error body", () => {
  it("is the same on 404 (unknown API route and unknown id)", async () => {
    await expectErrorShape(await api("/no-such-thing", org.token), 404, "not_found");
    await expectErrorShape(await api("/users/usr_missing", org.token), 404, "not_found");
    await expectErrorShape(await call("/api/v2/anything"), 404, "not_found");
  });

  it("is the same on 400, naming every invalid field by its path", async () => {
    const res = await api("/invitations/accept", null, { method: "POST", json: { token: "", name: "", password: "short" } });
    const body = await expectErrorShape(res, 400, "invalid_input");
    const paths = (body.error.details as { fields: { path: string }[] }).fields.map((f) => f.path).sort();
    expect(paths).toEqual(["name", "password", "token"]);
    const nested = await api("/setup", null, { method: "POST", json: { organisation: {}, owner: { email: "x" } } });
    const nestedBody = await expectErrorShape(nested, 400, "invalid_input");
    expect((nestedBody.error.details as { fields: { path: string }[] }).fields.map((f) => f.path).sort()).toEqual([
      "organisation.name",
      "owner.email",
      "owner.name",
      "owner.password",
    ]);
    const malformed = await api("/invitations", org.token, { method: "POST", body: "{not json", headers: { "Content-Type": "application/json" } });
    await expectErrorShape(malformed, 400, "invalid_input");
  });

  it("is the same on 401, 403 and 409", async () => {
    await expectErrorShape(await api("/users", null), 401, "unauthenticated");
    await expectErrorShape(await api("/invitations", viewer.token, { method: "POST", json: {} }), 403, "forbidden");
    await expectErrorShape(await api(`/users/${org.owner.id}`, org.token, { method: "DELETE" }), 409, "conflict");
  });

  it("is the same on 429 and 500, and a 500 hides the internal message", async () => {
    const app = new Hono<AppEnv>()
      .use(requestId({ generator: () => crypto.randomUUID() }))
      .get("/limited", () => {
        throw new ApiError("rate_limited", "Too many manual syncs; the next is allowed at 12:05 UTC.", { nextAllowedAt: "12:05" }, { "Retry-After": "30" });
      })
      .get("/boom", () => {
        throw new Error("secret internal detail");
      });
    app.onError(onError);
    const limited = await app.request("/limited");
    expect(limited.headers.get("Retry-After")).toBe("30");
    await expectErrorShape(limited, 429, "rate_limited");
    const boom = await app.request("/boom");
    const body = await expectErrorShape(boom, 500, "internal_error");
    expect(JSON.stringify(body)).not.toContain("secret internal detail");
  });

  it("comes as an HTML fragment with the same message for htmx requests", async () => {
    const res = await api("/users/usr_missing", org.token, { headers: { "HX-Request": "true" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
    expect(res.headers.get("HX-Retarget")).toBe("#flash");
    expect(await res.text()).toContain("User not found.");
  });

  it("maps every code to one status", () => {
    expect(new Set(Object.values(API_ERROR_STATUS)).size).toBeGreaterThan(8);
    for (const [code, status] of Object.entries(API_ERROR_STATUS)) expect(new ApiError(code as keyof typeof API_ERROR_STATUS, "x").status).toBe(status);
  });
});
