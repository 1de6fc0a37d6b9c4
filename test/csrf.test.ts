import { beforeAll, describe, expect, it } from "vitest";
import { Browser, PASSWORD, setupFirstOrganisation } from "./helpers";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

const newUser = (n: string) => ({ email: `${n}@example.test`, role: "viewer" });

async function signedIn() {
  const browser = new Browser();
  await browser.signIn(org.email);
  return browser;
}

describe("CSRF protection", () => {
  it("refuses a signed-in form post without a token (403)", async () => {
    const browser = await signedIn();
    const res = await browser.post("/invitations", newUser("no-token"));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("did not come from Lockstep");
  });

  it("refuses a signed-in form post with a wrong token (403)", async () => {
    const browser = await signedIn();
    const res = await browser.post("/invitations", { _csrf: "forged-token", ...newUser("wrong-token") });
    expect(res.status).toBe(403);
  });

  it("refuses a cookie-authenticated JSON API write without the header, accepts it with", async () => {
    const browser = await signedIn();
    const body = JSON.stringify(newUser("json"));
    const refused = await browser.fetch("/api/v1/invitations", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("csrf_failed");
    const csrf = await browser.csrfFrom("/users");
    const accepted = await browser.fetch("/api/v1/invitations", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body });
    expect(accepted.status).toBe(201);
  });

  it("accepts the page's own token, in the form field or as htmx's header", async () => {
    const browser = await signedIn();
    const csrf = await browser.csrfFrom("/users");
    expect((await browser.post("/invitations", { _csrf: csrf, ...newUser("form-field") })).status).toBe(201);
    const invitations = (await (await browser.fetch("/api/v1/invitations")).json()) as { data: { id: string }[] };
    const htmx = await browser.post(`/invitations/${invitations.data[0]!.id}/revoke`, {}, { "X-CSRF-Token": csrf, "HX-Request": "true" });
    expect(htmx.status).toBe(204);
    expect(htmx.headers.get("HX-Redirect")).toBe("/users");
  });

  it("protects the sign-in form with a double-submit cookie", async () => {
    const browser = new Browser();
    const withoutCookie = await browser.post("/login", { _csrf: "anything", email: org.email, password: PASSWORD });
    expect(withoutCookie.status).toBe(403);
    const csrf = await browser.csrfFrom("/login");
    const mismatched = await browser.post("/login", { _csrf: `${csrf}x`, email: org.email, password: PASSWORD });
    expect(mismatched.status).toBe(403);
    const ok = await browser.post("/login", { _csrf: csrf, email: org.email, password: PASSWORD });
    expect(ok.status).toBe(303);
  });
});
