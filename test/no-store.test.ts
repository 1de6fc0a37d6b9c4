// Answers that show a secret once (a new API token, an invitation's verification code, a webhook
// secret) must not be kept by any cache; nor may any other answer of one tenant's data.
import { beforeAll, describe, expect, it } from "vitest";
import { api, Browser, setupFirstOrganisation } from "./helpers";

let owner: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  owner = await setupFirstOrganisation();
});

describe("Cache-Control: no-store", () => {
  it("on the API answer that shows a new token", async () => {
    const res = await api("/tokens", owner.token, { method: "POST", json: { name: "CI", role: "viewer" } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { token: string }).token).toBeTruthy();
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("on the page that shows a new token", async () => {
    const browser = new Browser();
    await browser.signIn(owner.email);
    const csrf = await browser.csrfFrom("/tokens");
    const res = await browser.post("/tokens", { _csrf: csrf, name: "Laptop", role: "viewer" });
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("on the API answer that shows an invitation's verification code", async () => {
    const account = await api("/platform-accounts", owner.token, {
      method: "POST",
      json: { name: "RT", platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
    });
    expect(account.headers.get("Cache-Control")).toBe("no-store");
    const platformAccountId = ((await account.json()) as { id: string }).id;
    const res = await api("/connections", owner.token, { method: "POST", json: { name: "Invite", role: "source", platformAccountId } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { verificationCode: string }).verificationCode).toBeTruthy();
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("on API lists and errors", async () => {
    expect((await api("/users", owner.token)).headers.get("Cache-Control")).toBe("no-store");
    const refused = await api("/tokens", null, { method: "POST", json: { name: "x", role: "viewer" } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("Cache-Control")).toBe("no-store");
  });
});
