// Adding a user must not reveal whether the address is a user of another organisation: it is
// answered exactly as a fresh address, and each organisation's user signs in to their own.
import { beforeAll, describe, expect, it } from "vitest";
import { api, Browser, createOrganisation, PASSWORD, setupFirstOrganisation } from "./helpers";

let acme: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let contoso: Awaited<ReturnType<typeof createOrganisation>>;
beforeAll(async () => {
  acme = await setupFirstOrganisation("Acme MSP");
  contoso = await createOrganisation("Contoso");
});

const OTHER_PASSWORD = "a different long passphrase";
const addUser = (email: string) => api("/users", acme.token, { method: "POST", json: { name: "Sam", email, role: "viewer", password: OTHER_PASSWORD } });

async function orgOfSession(email: string, password: string) {
  const browser = new Browser();
  const res = await browser.signIn(email, password);
  if (res.status !== 303) return { status: res.status, org: null };
  const users = (await (await browser.fetch("/api/v1/users")).json()) as { data: { email: string }[] };
  return { status: res.status, emails: users.data.map((u) => u.email) };
}

describe("adding a user whose email another organisation uses", () => {
  it("answers exactly as for an unused address (201, the same shape)", async () => {
    const fresh = await addUser("fresh-person@acme.test");
    const usedElsewhere = await addUser(contoso.email);
    expect(usedElsewhere.status).toBe(fresh.status);
    expect(usedElsewhere.status).toBe(201);
    const [a, b] = [(await fresh.json()) as Record<string, unknown>, (await usedElsewhere.json()) as Record<string, unknown>];
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(b).toMatchObject({ email: contoso.email, role: "viewer" });
  });

  it("answers the same on the Users page", async () => {
    const browser = new Browser();
    await browser.signIn(acme.email);
    const csrf = await browser.csrfFrom("/users");
    const other = await createOrganisation("Fabrikam");
    const res = await browser.post("/users", { _csrf: csrf, name: "Pat", email: other.email, role: "viewer", password: OTHER_PASSWORD });
    expect(res.status).toBe(303);
  });

  it("still refuses an address already in this organisation, saying so", async () => {
    const res = await addUser(acme.email);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("A user with this email is already in your organisation.");
  });

  it("lets each user sign in to their own organisation with their own password", async () => {
    const inContoso = await orgOfSession(contoso.email, PASSWORD);
    expect(inContoso.status).toBe(303);
    expect(inContoso.emails).not.toContain(acme.email);
    const inAcme = await orgOfSession(contoso.email, OTHER_PASSWORD);
    expect(inAcme.status).toBe(303);
    expect(inAcme.emails).toContain(acme.email);
    expect((await orgOfSession(contoso.email, "not either password at all")).status).toBe(401);
  });
});
