import { describe, expect, it } from "vitest";
import { call } from "./helpers";

// The production Worker (src/index.ts, what the tests run) has no simulator routes at all; the
// bundle check (scripts/check-production-bundle.mjs, part of npm test) proves none of their
// code is even shipped.
describe("simulators in production", () => {
  it("are not reachable", async () => {
    for (const path of ["/__sim/request-tracker/REST/2.0/queues/all", "/__sim/connectwise/v4_6_release/apis/3.0/service/tickets", "/__sim/servicenow/api/now/table/incident"]) {
      const res = await call(path, { headers: { Accept: "application/json" }, redirect: "manual" });
      expect(res.status === 404 || res.status === 303, path).toBe(true);
      expect(await res.text()).not.toContain("REST/2.0");
    }
    const seed = await call("/__demo/seed", { method: "POST", headers: { "Content-Type": "application/json" }, redirect: "manual" });
    expect([303, 404]).toContain(seed.status);
    expect(await seed.text()).not.toContain("login");
    const activity = await call("/__demo/activity?tick=1", { method: "POST", headers: { "Content-Type": "application/json" }, redirect: "manual" });
    expect([303, 404]).toContain(activity.status);
    expect(await activity.text()).not.toContain("summary");
  });
});
