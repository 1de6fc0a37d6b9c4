// Webhook receivers take POST only. Anything else under /hooks answers 405 with `Allow: POST`, in
// the API's error shape, whether or not the path names a real endpoint: never a 404 that tells
// endpoints apart, nor the sign-in redirect a page would get.
import { beforeAll, describe, expect, it } from "vitest";
import { call, setupFirstOrganisation } from "../helpers";
import { createSecret, demoConnection } from "../support/webhook-fixture";

let url: string;
beforeAll(async () => {
  const org = await setupFirstOrganisation();
  const connectionId = await demoConnection(org);
  url = (await createSecret(org.token, connectionId, "source")).url;
});

type ErrorBody = { error: { code: string; message: string; requestId: string } };

describe("a receiver asked with another method than POST", () => {
  it("answers 405 with Allow: POST in the API's shape, for a real endpoint and an unknown one alike", async () => {
    const path = new URL(url).pathname;
    const cases: [string, string][] = [
      ["GET", path],
      ["GET", path.replace(/\/[^/]+$/, "")],
      ["PUT", path],
      ["DELETE", path],
      ["PATCH", "/hooks/con_unknown/source"],
      ["OPTIONS", "/hooks/con_unknown/source/anything"],
      ["GET", "/hooks/"],
    ];
    for (const [method, to] of cases) {
      // A browser's navigation (Accept: text/html) gets the same JSON, not a page or a redirect.
      const res = await call(to, { method, headers: { Accept: "text/html,application/xhtml+xml" }, redirect: "manual" });
      expect([method, to, res.status]).toEqual([method, to, 405]);
      expect(res.headers.get("Allow")).toBe("POST");
      expect(res.headers.get("Location")).toBeNull();
      expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe("method_not_allowed");
      expect(body.error.requestId).toBe(res.headers.get("X-Request-Id"));
    }
  });

  it("answers 405 at /hooks itself", async () => {
    const res = await call("/hooks", { redirect: "manual" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
    expect(((await res.json()) as ErrorBody).error.code).toBe("method_not_allowed");
  });

  it("leaves POST to a path with no receiver a 404 in the API's shape", async () => {
    const res = await call("/hooks/only-one-part", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe("not_found");
  });
});
