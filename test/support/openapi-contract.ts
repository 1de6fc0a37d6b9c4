// Contract checks against a vendor's published OpenAPI 3 / Swagger 2 document: find the
// operation for a method and concrete path, then validate a request body or a response body
// against the schema the document gives for it. $refs resolve inside the same document.
import { Validator } from "@cfworker/json-schema";
import { env } from "cloudflare:workers";

type Json = Record<string, any>;

export function vendorSpec(name: "servicenowTable" | "servicenowAttachment" | "connectwiseService"): Json {
  const spec = env.TEST_SPECS[name] as Json | undefined;
  if (!spec) throw new Error(`Vendor spec ${name} is not loaded: add it to VENDOR_SPECS in vitest.config.ts`);
  return spec;
}

/** The operation whose templated path matches `path` (e.g. `/service/tickets/{id}` for `/service/tickets/42`). */
export function findOperation(spec: Json, method: string, path: string): { template: string; operation: Json } {
  const base = (spec.basePath as string | undefined) ?? "";
  const wanted = path.startsWith(base) ? path.slice(base.length) || "/" : path;
  for (const [template, item] of Object.entries(spec.paths as Json)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, "[^/]+")}$`);
    const operation = (item as Json)[method.toLowerCase()];
    if (operation && pattern.test(wanted)) return { template, operation };
  }
  throw new Error(`No ${method} ${wanted} in the spec`);
}

function resolve(spec: Json, node: Json | undefined): Json | undefined {
  if (node && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
    return node.$ref.slice(2).split("/").reduce<Json>((at, key) => at?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
  }
  return node;
}

/** The JSON schema of the request body (OpenAPI 3 `requestBody` or Swagger 2 `in: body`). */
export function requestSchema(spec: Json, operation: Json): Json | null {
  const body = resolve(spec, operation.requestBody);
  if (body?.content) {
    const media = body.content["application/json"] ?? Object.values(body.content)[0];
    return (media as Json | undefined)?.schema ?? null;
  }
  const param = (operation.parameters as Json[] | undefined)?.map((p) => resolve(spec, p)).find((p) => p?.in === "body");
  return param?.schema ?? null;
}

/** The JSON schema of the response for `status` (or `default`). */
export function responseSchema(spec: Json, operation: Json, status: number): Json | null {
  const responses = operation.responses as Json;
  const response = resolve(spec, responses[String(status)] ?? responses["default"]);
  if (!response) return null;
  if (response.content) {
    const media = response.content["application/json"] ?? Object.values(response.content)[0];
    return (media as Json | undefined)?.schema ?? null;
  }
  return response.schema ?? null;
}

/** Validates `value` against `schema`, resolving $refs against the whole spec. Returns the errors. */
export function validateAgainst(spec: Json, schema: Json, value: unknown): string[] {
  const draft = spec.swagger ? "4" : "2019-09";
  // Wrap so that "#/definitions/…" and "#/components/…" refs resolve inside the spec document.
  const root = { ...spec, ...schema, $id: undefined };
  const validator = new Validator(root as never, draft as never, false);
  const result = validator.validate(value);
  return result.valid ? [] : result.errors.map((e) => `${e.instanceLocation} ${e.error}`);
}
