import { describe, expect, it } from "vitest";
import { api as apiRouter, openApiDocument } from "../src/routes/api/index";
import { hooks } from "../src/routes/hooks";
import { call } from "./helpers";

type Doc = ReturnType<typeof openApiDocument>;

describe("the OpenAPI document", () => {
  it("is served without a token and is OpenAPI 3.1", async () => {
    const res = await call("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.schemas.Error).toBeTruthy();
  });

  it("lists every route the API has, and no route it lacks", () => {
    const doc = openApiDocument();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const routes = [...apiRouter.routes, ...hooks.routes.map((r) => ({ ...r, path: `/hooks${r.path}` }))];
    const implemented = [...new Set(routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`))].sort();
    expect(documented).toEqual(implemented);
    expect(documented).toEqual(
      expect.arrayContaining(["POST /setup", "GET /users", "GET /invitations", "POST /invitations", "DELETE /invitations/{id}", "POST /invitations/accept", "PATCH /users/{id}", "DELETE /users/{id}", "GET /tokens", "POST /tokens", "DELETE /tokens/{id}", "GET /audit-log", "GET /openapi.json"]),
    );
  });

  it("gives each write its request schema, generated from the validating zod schema", () => {
    const doc = openApiDocument();
    const setup = doc.paths["/setup"]!.post!;
    const schema = setup.requestBody!.content["application/json"].schema as { properties: Record<string, { properties: Record<string, unknown>; required: string[] }> };
    expect(Object.keys(schema.properties)).toEqual(["organisation", "owner"]);
    expect(schema.properties.owner!.required.sort()).toEqual(["email", "name", "password"]);
    const invite = doc.paths["/invitations"]!.post!.requestBody!.content["application/json"].schema as { properties: { role: { enum: string[] } } };
    expect(invite.properties.role.enum).toEqual(["owner", "admin", "viewer"]);
    const patchUser = doc.paths["/users/{id}"]!.patch!;
    expect(patchUser.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(["path:id"]);
    expect(patchUser.requestBody).toBeTruthy();
    const list = doc.paths["/users"]!.get!;
    expect(list.parameters?.map((p) => p.name).sort()).toEqual(["cursor", "limit"]);
    expect(list.responses["401"]).toBeTruthy();
  });

  it("documents the webhook receivers at /hooks, outside the API's base path, needing no token", () => {
    const doc = openApiDocument();
    for (const path of ["/hooks/{connectionId}/{side}", "/hooks/{connectionId}/{side}/{urlSecret}"]) {
      const post = doc.paths[path]!.post!;
      expect(post.servers).toEqual([{ url: "/", description: expect.any(String) }]);
      expect(post.security).toEqual([]);
      expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["202", "401", "404", "413"]));
    }
  });

  it("is readable as a page in the app", async () => {
    const res = await call("/api-docs", { headers: { Accept: "text/html" }, redirect: "manual" });
    // Anonymous visitors are sent to set up or sign in first; the page itself is tested signed in.
    expect([303]).toContain(res.status);
  });
});
