import { beforeAll, describe, expect, it } from "vitest";
import { sessions } from "../src/db/schema";
import { Browser, db, PASSWORD, setupFirstOrganisation, api, call } from "./helpers";

let owner: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  owner = await setupFirstOrganisation();
});

describe("signing in", () => {
  it("answers 401 with the same message for a wrong password and an unknown email", async () => {
    const wrongPassword = await new Browser().signIn(owner.email, "not the password at all");
    const unknownUser = await new Browser().signIn("nobody@nowhere.test", PASSWORD);
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    const message = (html: string) => /role="alert">([^<]+)</.exec(html)?.[1];
    const [a, b] = [message(await wrongPassword.text()), message(await unknownUser.text())];
    expect(a).toBe("Wrong email or password.");
    expect(b).toBe(a);
  });

  it("sets an HttpOnly, SameSite=Lax, Secure __Host- cookie over https and lands on the dashboard", async () => {
    const browser = new Browser();
    const res = await browser.signIn(owner.email.toUpperCase());
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-lockstep_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    const home = await browser.fetch("/", { headers: { Accept: "text/html" } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Olivia Owner");
  });

  it("drops Secure on http://localhost so local development can sign in", async () => {
    const login = await call("http://localhost:8787/login", { headers: { Accept: "text/html" } });
    const csrfCookie = login.headers.getSetCookie().find((c) => c.startsWith("lockstep_csrf="))!;
    expect(csrfCookie).not.toMatch(/Secure/i);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
    const res = await call("http://localhost:8787/login", {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie.split(";")[0]! },
      body: new URLSearchParams({ _csrf: csrf, email: owner.email, password: PASSWORD }).toString(),
    });
    expect(res.status).toBe(303);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("lockstep_session="))!;
    expect(session).not.toMatch(/Secure/i);
    expect(session).toMatch(/HttpOnly/i);
  });

  it("returns to the page that asked for sign-in, but never to another site", async () => {
    const browser = new Browser();
    const away = await browser.fetch("/users", { headers: { Accept: "text/html" } });
    expect(away.status).toBe(303);
    expect(away.headers.get("Location")).toBe("/login?next=%2Fusers");
    const csrf = await browser.csrfFrom("/login?next=/users");
    const back = await browser.post("/login", { _csrf: csrf, email: owner.email, password: PASSWORD, next: "/users" });
    expect(back.headers.get("Location")).toBe("/users");

    const other = new Browser();
    const csrf2 = await other.csrfFrom("/login");
    const evil = await other.post("/login", { _csrf: csrf2, email: owner.email, password: PASSWORD, next: "//evil.example/" });
    expect(evil.headers.get("Location")).toBe("/");
  });
});

describe("sessions", () => {
  it("end after their expiry: the cookie no longer signs anyone in", async () => {
    const browser = new Browser();
    await browser.signIn(owner.email);
    expect((await browser.fetch("/users", { headers: { Accept: "text/html" } })).status).toBe(200);
    await db().update(sessions).set({ expiresAt: "2000-01-01T00:00:00.000Z" });
    const after = await browser.fetch("/users", { headers: { Accept: "text/html" } });
    expect(after.status).toBe(303);
    expect(after.headers.get("Location")).toMatch(/^\/login/);
    // The API treats an expired session as no session at all.
    const apiCall = await browser.fetch("/api/v1/users");
    expect(apiCall.status).toBe(401);
  });

  it("end at sign-out, server-side: replaying the old cookie does not work", async () => {
    const browser = new Browser();
    await browser.signIn(owner.email);
    const cookie = browser.cookie("__Host-lockstep_session")!;
    const csrf = await browser.csrfFrom("/users");
    const out = await browser.post("/logout", { _csrf: csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get("Location")).toBe("/login");
    const replay = new Browser();
    replay.setCookie("__Host-lockstep_session", cookie);
    const res = await replay.fetch("/api/v1/users");
    expect(res.status).toBe(401);
  });
});

describe("API tokens", () => {
  it("are refused once revoked", async () => {
    const created = await api("/tokens", owner.token, { method: "POST", json: { name: "script", role: "viewer" } });
    expect(created.status).toBe(201);
    const token = (await created.json()) as { id: string; token: string };
    expect((await api("/users", token.token)).status).toBe(200);
    expect((await api(`/tokens/${token.id}`, owner.token, { method: "DELETE" })).status).toBe(204);
    const refused = await api("/users", token.token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });

  it("are shown once: the list never contains the secret", async () => {
    const created = (await (await api("/tokens", owner.token, { method: "POST", json: { name: "once" } })).json()) as { token: string };
    const list = await (await api("/tokens", owner.token)).text();
    expect(list).toContain('"name":"once"');
    expect(list).not.toContain(created.token);
    expect(list).not.toContain(created.token.slice(10));
  });

  it("are refused when made up", async () => {
    expect((await api("/users", "lst_madeup")).status).toBe(401);
    expect((await call("/api/v1/users")).status).toBe(401);
  });
});
