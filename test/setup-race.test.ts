import { describe, expect, it } from "vitest";
import { api, PASSWORD } from "./helpers";

// In its own file: storage is isolated per file, so this one starts on a fresh install.
describe("first-run setup under a race", () => {
  it("lets exactly one of several simultaneous setups succeed", async () => {
    const results = await Promise.all(
      ["a", "b", "c"].map((n) =>
        api("/setup", null, { method: "POST", json: { organisation: { name: n }, owner: { name: n, email: `${n}@race.test`, password: PASSWORD } } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });
});
