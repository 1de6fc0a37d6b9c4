import { describe, expect, it } from "vitest";
import { api, call, PASSWORD } from "./helpers";

const body = (email: string) => ({ organisation: { name: "Acme MSP" }, owner: { name: "Olivia", email, password: PASSWORD } });

describe("first-run setup", () => {
  it("sends the first visitor to the setup page", async () => {
    const home = await call("/", { headers: { Accept: "text/html" }, redirect: "manual" });
    expect(home.status).toBe(303);
    expect(home.headers.get("Location")).toBe("/setup");
    const page = await call("/setup", { headers: { Accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Set up Lockstep");
  });

  it("creates the organisation, its owner and a working API token, once and only once", async () => {
    const res = await api("/setup", null, { method: "POST", json: body("Olivia@Acme.test") });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { token: string; organisation: { id: string; name: string }; owner: { email: string } };
    expect(created.token).toMatch(/^lst_/);
    expect(created.organisation.name).toBe("Acme MSP");
    expect(created.owner.email).toBe("olivia@acme.test");

    const users = await api("/users", created.token);
    expect(users.status).toBe(200);
    expect(((await users.json()) as { data: { email: string; role: string }[] }).data).toEqual([
      expect.objectContaining({ email: "olivia@acme.test", role: "owner" }),
    ]);

    const again = await api("/setup", null, { method: "POST", json: body("mallory@evil.test") });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("already_set_up");

    const page = await call("/setup", { headers: { Accept: "text/html" }, redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("Location")).toBe("/login");
  });
});
