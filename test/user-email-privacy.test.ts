// A person belongs to one organisation: inviting an address that another organisation uses is
// refused, and the answer never says which organisation (nor differs between organisations).
// Addresses already shared by two organisations' users (allowed before invitations) still sign
// each in to their own.
import { beforeAll, describe, expect, it } from "vitest";
import { users } from "../src/db/schema";
import { hashPassword } from "../src/crypto/password";
import { newId } from "../src/lib/ids";
import { nowIso } from "../src/lib/time";
import { api, Browser, createOrganisation, db, PASSWORD, setupFirstOrganisation } from "./helpers";

let acme: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let contoso: Awaited<ReturnType<typeof createOrganisation>>;
beforeAll(async () => {
  acme = await setupFirstOrganisation("Acme MSP");
  contoso = await createOrganisation("Contoso");
});

const OTHER_PASSWORD = "a different long passphrase";
const invite = (email: string) => api("/invitations", acme.token, { method: "POST", json: { email, role: "viewer" } });

async function orgOfSession(email: string, password: string) {
  const browser = new Browser();
  const res = await browser.signIn(email, password);
  if (res.status !== 303) return { status: res.status, org: null };
  const list = (await (await browser.fetch("/api/v1/users")).json()) as { data: { email: string }[] };
  return { status: res.status, emails: list.data.map((u) => u.email) };
}

describe("inviting an address another organisation uses", () => {
  it("is refused with one answer that names no organisation, whichever it is", async () => {
    const fabrikam = await createOrganisation("Fabrikam");
    const [a, b] = [await invite(contoso.email), await invite(fabrikam.email)];
    expect([a.status, b.status]).toEqual([409, 409]);
    const [bodyA, bodyB] = [(await a.json()) as { error: { message: string; details: unknown } }, (await b.json()) as { error: { message: string; details: unknown } }];
    expect(bodyA.error.message).toBe(bodyB.error.message);
    expect(bodyA.error.details).toEqual(bodyB.error.details);
    expect(JSON.stringify(bodyA)).not.toMatch(/Contoso|Fabrikam|org_/);
  });

  it("answers the same on the Users page", async () => {
    const browser = new Browser();
    await browser.signIn(acme.email);
    const csrf = await browser.csrfFrom("/users");
    const res = await browser.post("/invitations", { _csrf: csrf, email: contoso.email, role: "viewer" });
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).toContain("already has a Lockstep account on this install");
    expect(page).not.toContain("Contoso");
  });

  it("still refuses an address already in this organisation, saying so", async () => {
    const res = await invite(acme.email);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("A user with this email is already in your organisation.");
  });
});

describe("an address two organisations already share", () => {
  it("signs each user in to their own organisation with their own password", async () => {
    const now = nowIso();
    await db().insert(users).values({ id: newId("usr"), orgId: acme.organisation.id, name: "Sam", email: contoso.email, role: "viewer", passwordHash: await hashPassword(OTHER_PASSWORD), createdAt: now, updatedAt: now });
    const inContoso = await orgOfSession(contoso.email, PASSWORD);
    expect(inContoso.status).toBe(303);
    expect(inContoso.emails).not.toContain(acme.email);
    const inAcme = await orgOfSession(contoso.email, OTHER_PASSWORD);
    expect(inAcme.status).toBe(303);
    expect(inAcme.emails).toContain(acme.email);
    expect((await orgOfSession(contoso.email, "not either password at all")).status).toBe(401);
  });
});
