// Guessable passwords are refused wherever a password is set, with the reason and what to do.
import { describe, expect, it } from "vitest";
import { passwordWeakness } from "../src/services/password-strength";
import { DEMO_LOGIN } from "../src/demo-seed";
import { organisationWithOwner } from "../src/services/setup";
import { api, db, PASSWORD } from "./helpers";
import { pageActors } from "./pages/page-support";

type ErrorBody = { error: { code: string; message: string; details: { fields: { path: string; message: string }[] } } };

describe("password strength", () => {
  it("refuses common and guessable passwords that are long enough, saying why", async () => {
    expect(await passwordWeakness("1234567890", [])).toMatch(/^Too easy to guess\. This is a frequently used password\./);
    expect(await passwordWeakness("password1234", [])).not.toBeNull();
    expect(await passwordWeakness("qwertyuiop", [])).not.toBeNull();
    expect(await passwordWeakness("tangerine kettle orbit", [])).toBeNull();
  });

  it("counts the person's own name, email and organisation as guessable", async () => {
    expect(await passwordWeakness("northwind2026", [])).toBeNull();
    expect(await passwordWeakness("northwind2026", ["olivia@northwind.test", "Olivia Owner", "Northwind Traders"])).not.toBeNull();
  });

  it("refuses the demo's published password everywhere but the demo's own seed", async () => {
    expect(await passwordWeakness(DEMO_LOGIN.password, [DEMO_LOGIN.email, "Demo Admin", "Northwind MSP (demo)"])).not.toBeNull();
    expect(await passwordWeakness(PASSWORD, [])).toBeNull();
  });

  it("refuses a guessable password when adding a user, through the API and the page", async () => {
    const actors = await pageActors();
    const res = await api("/users", actors.org.token, { method: "POST", json: { name: "Gus", email: "gus@example.test", role: "viewer", password: "1234567890" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.fields).toEqual([{ path: "password", message: expect.stringMatching(/frequently used password/) }]);

    const csrf = await actors.owner.csrfFrom("/users");
    const page = await actors.owner.post("/users", { _csrf: csrf, name: "Gus", email: "gus@example.test", role: "viewer", password: "1234567890" });
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/id="field-password-error">Too easy to guess\. This is a frequently used password/);
    const list = (await (await api("/users?limit=200", actors.org.token)).json()) as { data: { email: string }[] };
    expect(list.data.map((u) => u.email)).not.toContain("gus@example.test");
  });

  it("refuses a guessable owner password when an organisation is made (setup and partners)", async () => {
    await expect(
      organisationWithOwner(db(), { organisation: { name: "Weak Co" }, owner: { name: "W", email: "w@weak.test", password: "1234567890" } }),
    ).rejects.toMatchObject({ code: "invalid_input", details: { fields: [{ path: "owner.password" }] } });
  });
});
