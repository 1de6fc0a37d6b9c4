// Guessable passwords are refused wherever a password is set, with the reason and what to do.
import { describe, expect, it } from "vitest";
import { passwordWeakness } from "../src/services/password-strength";
import { DEMO_LOGIN } from "../src/demo-seed";
import { organisationWithOwner } from "../src/services/setup";
import { api, Browser, db, PASSWORD } from "./helpers";
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

  it("refuses a guessable password when an invited teammate joins, through the API and the page", async () => {
    const actors = await pageActors();
    const invited = (await (await api("/invitations", actors.org.token, { method: "POST", json: { email: "gus@example.test", role: "viewer" } })).json()) as { url: string };
    const res = await api("/invitations/accept", null, { method: "POST", json: { token: invited.url.split("/invite/")[1], name: "Gus", password: "1234567890" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.fields).toEqual([{ path: "password", message: expect.stringMatching(/frequently used password/) }]);

    const joinPath = new URL(invited.url).pathname;
    const visitor = new Browser();
    const csrf = await visitor.csrfFrom(joinPath);
    const page = await visitor.post(joinPath, { _csrf: csrf, name: "Gus", password: "1234567890" });
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
