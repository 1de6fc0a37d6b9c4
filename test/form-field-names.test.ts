// Field names that would reach Object.prototype (`__proto__`, `constructor`, `prototype`, dotted
// or bracketed) are refused with a 400 before anything reads them: one hostile post must not
// change how the isolate answers every other tenant.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, Browser, createOrganisation, PASSWORD, setupFirstOrganisation } from "./helpers";

let owner: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let partner: Awaited<ReturnType<typeof createOrganisation>>;
beforeAll(async () => {
  owner = await setupFirstOrganisation();
  partner = await createOrganisation("Partner Co");
});

const polluted = () => ({}) as Record<string, unknown>;
afterEach(() => {
  // Leave no trace for the next test even if a fix regresses.
  for (const key of ["x", "polluted"]) delete (Object.prototype as Record<string, unknown>)[key];
});

async function hostileSignIn(fields: Record<string, string>) {
  const browser = new Browser();
  const csrf = await browser.csrfFrom("/login");
  return browser.fetch("/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, email: owner.email, password: PASSWORD, ...fields }).toString(),
  });
}

describe("form field names that reach a prototype", () => {
  it.each([["__proto__.x"], ["constructor.prototype.x"], ["a.__proto__.x"], ["a[__proto__][x]"], ["prototype"], ["__proto__"]])(
    "`%s` on the sign-in form answers 400 invalid_input and pollutes nothing",
    async (name) => {
      const res = await hostileSignIn({ [name]: "polluted" });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_input");
      expect(res.headers.getSetCookie().some((c) => c.includes("lockstep_session="))).toBe(false);
      expect(polluted().x).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("x");
    },
  );

  it("leaves other tenants' requests working after the hostile post", async () => {
    await hostileSignIn({ "__proto__.x": "polluted" });
    const partnerBrowser = new Browser();
    const signedIn = await partnerBrowser.signIn(partner.email);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("Location")).toBe("/");
    const users = await api("/users", partner.token);
    expect(users.status).toBe(200);
    expect(polluted().x).toBeUndefined();
  });

  it("is refused on a signed-in page form too (inviting a teammate)", async () => {
    const browser = new Browser();
    await browser.signIn(owner.email);
    const csrf = await browser.csrfFrom("/users");
    const res = await browser.post("/invitations", { _csrf: csrf, email: "eve@acme.test", role: "viewer", "constructor.prototype.polluted": "yes" });
    expect(res.status).toBe(400);
    expect(polluted().polluted).toBeUndefined();
    const list = (await (await api("/invitations", owner.token)).json()) as { data: { email: string }[] };
    expect(list.data.map((u) => u.email)).not.toContain("eve@acme.test");
  });

  it("is refused in JSON bodies, however deep, before any settings merge", async () => {
    for (const json of [
      JSON.parse('{"email":"eve2@acme.test","role":"viewer","__proto__":{"polluted":"yes"}}'),
      { email: "eve3@acme.test", role: "viewer", nested: [{ constructor: { prototype: { polluted: "yes" } } }] },
    ]) {
      const res = await api("/invitations", owner.token, { method: "POST", json });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_input");
    }
    expect(polluted().polluted).toBeUndefined();
  });
});
