// The OpenAPI document is read off the app itself: each route carries its documentation
// (`describe`) and its validators (`jsonBody`, `query`, `params`) as middleware, and both keep
// their zod schema on the middleware function. Walking `app.routes` therefore yields exactly
// the routes that exist, validated by exactly the schemas documented.
import type { Hono, MiddlewareHandler, Next } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { invalidInput } from "./on-error";
import { ApiError, errorBodySchema, API_ERROR_STATUS, type ApiErrorCode } from "./error-codes";
import type { AppEnv } from "../app-env";
import { forbiddenNameError, isForbiddenKey } from "../lib/safe-keys";
import { refuseUnknownKeys } from "./unknown-keys";
import { hasRole } from "../auth/principal";
import { isOperator, notAnOperator } from "../auth/require-operator";

const DOC = Symbol("openapi.doc");
const INPUT = Symbol("openapi.input");

type Target = "json" | "query" | "param" | "form";

export type RouteDoc = {
  summary: string;
  description?: string;
  tags: string[];
  /** Who may call it; `public` routes need no token; `operator`, a user whose email is in
   * OPERATOR_EMAILS, whatever their role (anyone else gets 404). */
  access: "public" | "viewer" | "admin" | "owner" | "operator";
  responses: Record<number, { description: string; schema?: z.ZodType; headers?: Record<string, string> }>;
  /** Error codes this route can answer besides the ones every route can. */
  errors?: ApiErrorCode[];
};

/** One operation of the generated document, as the API reference page reads it. */
export type OpenApiOperation = {
  summary: string;
  description?: string;
  tags: string[];
  "x-lockstep-access": RouteDoc["access"];
  security: Record<string, string[]>[];
  parameters?: { name: string; in: "query" | "path"; required: boolean; schema: object; description?: string }[];
  requestBody?: { required: boolean; content: { "application/json": { schema: object } } };
  responses: Record<string, { description: string; headers?: object; content?: object }>;
  /** Set for operations served outside the API's base path (the webhook receivers at /hooks). */
  servers?: { url: string; description?: string }[];
};

type Documented = { [DOC]?: RouteDoc; [INPUT]?: { target: Target; schema: z.ZodType } };

/**
 * Documents a route and enforces the access it documents, so the two cannot disagree: `public`
 * needs nothing, every other level needs a principal with at least that role.
 */
export function describe(doc: RouteDoc): MiddlewareHandler<AppEnv> {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (doc.access === "operator") {
      if (!isOperator(c.get("principal"), c.get("config").operatorEmails)) throw notAnOperator();
    } else if (doc.access !== "public") {
      const principal = c.get("principal");
      if (!principal) throw new ApiError("unauthenticated", "Sign in, or send an API token as `Authorization: Bearer …`.");
      if (!hasRole(principal, doc.access)) {
        throw new ApiError("forbidden", doc.access === "owner" ? "Only an owner can do this." : "Your role is read-only: ask an admin.");
      }
    }
    await next();
  };
  return Object.assign(middleware, { [DOC]: doc });
}

function validated<T extends z.ZodType, Tg extends Target>(target: Tg, schema: T) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) throw invalidInput(result.error);
  });
  return Object.assign(middleware, { [INPUT]: { target, schema } });
}

/**
 * zod already drops `__proto__` from what it returns; a body that names one of the keys that
 * reach a prototype is refused outright (400), as forms are, so no later merge meets one.
 */
export const jsonBody = <T extends z.ZodType>(schema: T) => {
  const validator = validated("json", schema);
  const middleware = async (c: Parameters<typeof validator>[0], next: Next) => {
    const body: unknown = await c.req.json().catch(() => undefined); // malformed: the validator says so
    assertSafeJson(body);
    refuseUnknownKeys(schema, body);
    return validator(c, next);
  };
  return Object.assign(middleware, { [INPUT]: validator[INPUT] });
};


/** Walks without recursion: a deeply nested body must not exhaust the stack (a 500). */
function assertSafeJson(body: unknown): void {
  const pending: unknown[] = [body];
  while (pending.length) {
    const value = pending.pop();
    if (typeof value !== "object" || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      if (isForbiddenKey(key)) throw forbiddenNameError(key);
      pending.push(child);
    }
  }
}

export const query = <T extends z.ZodType>(schema: T) => {
  const validator = validated("query", schema);
  const middleware = async (c: Parameters<typeof validator>[0], next: Next) => {
    // A misspelt filter (`stauts=failed`) would list everything as if it were obeyed.
    refuseUnknownKeys(schema, c.req.queries());
    return validator(c, next);
  };
  return Object.assign(middleware, { [INPUT]: validator[INPUT] });
};
export const params = <T extends z.ZodType>(schema: T) => validated("param", schema);

function toJsonSchema(schema: z.ZodType, io: "input" | "output") {
  return z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });
}

function parametersOf(schema: z.ZodType, location: "query" | "path") {
  const json = toJsonSchema(schema, "input") as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location as "query" | "path",
    required: location === "path" || (json.required ?? []).includes(name),
    schema: property,
    ...("description" in property ? { description: (property as { description: string }).description } : {}),
  }));
}

const COMMON_ERRORS: ApiErrorCode[] = ["invalid_input", "unauthenticated", "forbidden", "not_found", "internal_error"];

/** Routers documented beside the API's own, served at `mount` instead of under the API's base path. */
export type MountedRouter = { app: Hono<any>; mount: string; description: string };

export function buildOpenApiDocument(app: Hono<any>, info: { title: string; version: string; description: string }, others: MountedRouter[] = []) {
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  addOperations(paths, app);
  for (const other of others) addOperations(paths, other.app, other);
  return {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/api/v1" }],
    paths,
    components: {
      schemas: { Error: toJsonSchema(errorBodySchema, "output") },
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API token made on the API tokens page." } },
    },
  };
}

function addOperations(paths: Record<string, Record<string, OpenApiOperation>>, app: Hono<any>, mounted?: MountedRouter) {
  const byRoute = new Map<string, { method: string; path: string; doc?: RouteDoc; inputs: { target: Target; schema: z.ZodType }[] }>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const handler = route.handler as Documented;
    const key = `${route.method} ${route.path}`;
    const entry = byRoute.get(key) ?? { method: route.method, path: route.path, inputs: [] };
    if (handler[DOC]) entry.doc = handler[DOC];
    if (handler[INPUT]) entry.inputs.push(handler[INPUT]);
    byRoute.set(key, entry);
  }
  for (const { method, path, doc, inputs } of byRoute.values()) {
    if (!doc) continue;
    const openApiPath = `${mounted?.mount ?? ""}${path}`.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const parameters = inputs.flatMap((input) =>
      input.target === "query" ? parametersOf(input.schema, "query") : input.target === "param" ? parametersOf(input.schema, "path") : [],
    );
    const body = inputs.find((input) => input.target === "json");
    const codes = [...new Set([...COMMON_ERRORS, ...(doc.errors ?? [])])].filter(
      (code) => doc.access !== "public" || !["unauthenticated", "forbidden"].includes(code),
    );
    const errorStatuses = new Map<number, ApiErrorCode[]>();
    for (const code of codes) errorStatuses.set(API_ERROR_STATUS[code], [...(errorStatuses.get(API_ERROR_STATUS[code]) ?? []), code]);
    const responses: OpenApiOperation["responses"] = {};
    for (const [status, response] of Object.entries(doc.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.headers ? { headers: Object.fromEntries(Object.entries(response.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }])) } : {}),
        ...(response.schema ? { content: { "application/json": { schema: toJsonSchema(response.schema, "output") } } } : {}),
      };
    }
    for (const [status, statusCodes] of errorStatuses) {
      responses[String(status)] ??= {
        description: `Error: ${statusCodes.join(", ")}`,
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    paths[openApiPath] ??= {};
    const operation: OpenApiOperation = {
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      tags: doc.tags,
      "x-lockstep-access": doc.access,
      security: doc.access === "public" ? [] : [{ bearerAuth: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { "application/json": { schema: toJsonSchema(body.schema, "input") } } } } : {}),
      responses,
      ...(mounted ? { servers: [{ url: "/", description: mounted.description }] } : {}),
    };
    paths[openApiPath][method.toLowerCase()] = operation;
  }
}
