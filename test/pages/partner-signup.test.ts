// The partner's path through the pages: the invitation link, sign-up with the code, adding its
// own platform account without losing the way back, and accepting; both sides are told.
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { connections } from "../../src/db/schema";
import { addSeconds, nowIso } from "../../src/lib/time";
import { api, Browser, db, PASSWORD, setupFirstOrganisation } from "../helpers";
import { page, signedIn } from "./page-support";

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let acme: Browser;

async function invite(name: string): Promise<{ id: string; link: string; code: string }> {
  const csrf = await acme.csrfFrom("/connections/new");
  const accountA = ((await (await api("/platform-accounts", a.token)).json()) as { data: { id: string }[] }).data[0]!.id;
  const res = await acme.post("/connections", { _csrf: csrf, name, role: "source", platformAccountId: accountA, partnerAccountId: "" });
  expect(res.status).toBe(201);
  const html = await res.text();
  const link = /(https?:\/\/[^<"]*\/accept\?code=[A-Z0-9-]+)/.exec(html)?.[1];
  expect(link, "the invitation page shows the link to share").toBeTruthy();
  const code = new URL(link!).searchParams.get("code")!;
  expect(html).toContain(code);
  const id = /href="\/connections\/(con_[^/"]+)\/settings"/.exec(html)![1]!;
  return { id, link: link!, code };
}

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  await api("/platform-accounts", a.token, {
    method: "POST",
    json: { name: "Acme RT", platform: "request-tracker", baseUrl: "https://rt-a.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
  });
  acme = await signedIn(a.email);
});

describe("the invitation link (/accept?code=…)", () => {
  it("says who invites, to what and what each side will see, and offers sign-in or sign-up", async () => {
    const { code } = await invite("Acme ↔ Contoso");
    const visitor = new Browser();
    const { status, body } = await page(visitor, `/accept?code=${code}`);
    expect(status).toBe(200);
    expect(body).toContain("Acme MSP invites you to “Acme ↔ Contoso”");
    expect(body).toContain("you hold the target side");
    expect(body).toContain("Not your companies, people, accounts or credentials");
    expect(body).toContain(`href="/login?next=${encodeURIComponent(`/connections/accept?code=${code}`)}"`);
    expect(body).toContain('action="/signup"');
    expect(body).toContain(`name="code" value="${code}"`);
  });

  it("an unknown code, an expired one, and none at all each say what to do", async () => {
    const visitor = new Browser();
    const unknown = await page(visitor, "/accept?code=ZZZZ-ZZZZ-ZZZZ-ZZZZ");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain("No pending connection has this verification code");
    expect(unknown.body).not.toContain('action="/signup"');
    expect((await page(visitor, "/accept")).body).toContain("This link has no verification code");
    const { id, code } = await invite("expired");
    await db().update(connections).set({ invitationExpiresAt: addSeconds(nowIso(), -1) }).where(eq(connections.id, id));
    const expired = await page(visitor, `/accept?code=${code}`);
    expect(expired.body).toContain("This invitation has expired");
    expect(expired.body).not.toContain('action="/signup"');
  });

  it("someone already signed in goes straight to accepting", async () => {
    const res = await acme.fetch("/accept?code=ABCD-EFGH-JKMN-PQRS", { headers: { Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/connections/accept?code=ABCD-EFGH-JKMN-PQRS");
  });
});

describe("the partner's path", () => {
  it("signs up with the code, adds its platform account and comes back, tests it in place, accepts; both sides see it active and are told", async () => {
    const { id, code } = await invite("Acme ↔ Contoso path");
    const partner = new Browser();
    const csrf = await partner.csrfFrom(`/accept?code=${code}`);
    const signup = await partner.post("/signup", {
      _csrf: csrf,
      code,
      "organisation.name": "Contoso",
      "owner.name": "Cara Contoso",
      "owner.email": "cara@contoso.test",
      "owner.password": PASSWORD,
    });
    expect(signup.status).toBe(201);
    const done = await signup.text();
    expect(done).toMatch(/lst_[A-Za-z0-9_-]+/);
    const acceptPath = `/connections/accept?code=${encodeURIComponent(code)}`;
    expect(done).toContain(`href="${acceptPath}"`);
    expect(done).toContain("accept Acme MSP");

    // Acme is told its partner signed up; the connection still waits.
    const waiting = await page(acme, `/connections/${id}`);
    expect(waiting.body).toContain("Contoso signed up with your invitation");
    expect(waiting.body).toContain("Waiting for partner");

    // No account yet: the accept page explains the invitation and leads to adding one.
    const first = await page(partner, acceptPath);
    expect(first.status).toBe(200);
    expect(first.body).toContain("Acme MSP invites you");
    const addLink = `/platform-accounts/new?next=${encodeURIComponent(acceptPath)}`;
    expect(first.body).toContain(`href="${addLink.replace(/&/g, "&amp;")}"`);
    const choose = await page(partner, addLink);
    expect(choose.body).toContain(`platform=request-tracker&amp;next=${encodeURIComponent(acceptPath)}`);
    const form = await page(partner, `/platform-accounts/new?platform=request-tracker&next=${encodeURIComponent(acceptPath)}`);
    expect(form.body).toContain(`name="next" value="${acceptPath}"`);
    // Signed in now: the session's own CSRF token.
    const session = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const saved = await partner.post("/platform-accounts", {
      _csrf: session,
      platform: "request-tracker",
      next: acceptPath,
      name: "Contoso RT",
      baseUrl: "https://rt-b.sim.test",
      "credentials.kind": "basic",
      "credentials.username": "lockstep",
      "credentials.password": "contoso-password",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toBe(acceptPath);

    const second = await page(partner, acceptPath);
    expect(second.body).toContain("Contoso RT");
    expect(second.body).toMatch(/hx-post="\/platform-accounts\/acc_[^"]+\/test"/);
    const accountId = /hx-post="\/platform-accounts\/(acc_[^"]+)\/test"/.exec(second.body)![1]!;
    const accepted = await partner.post("/connections/accept", { _csrf: session, code, platformAccountId: accountId });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("Location")).toBe(`/connections/${id}/settings`);

    const active = await page(acme, `/connections/${id}`);
    expect(active.body).not.toContain("Waiting for partner");
    expect(active.body).toContain("Contoso accepted the connection");
    const theirs = await page(partner, `/connections/${id}`);
    expect(theirs.body).toContain("Your organisation accepted the connection");
    const log = await (await api("/audit-log", a.token)).text();
    expect(log).toContain("connection.accepted");
  });

  it("the sign-up page on an invite-only install asks for the code and refuses without it", async () => {
    const visitor = new Browser();
    const form = await page(visitor, "/signup");
    expect(form.status).toBe(200);
    expect(form.body).toContain('name="code"');
    const csrf = await visitor.csrfFrom("/signup");
    const res = await visitor.post("/signup", { _csrf: csrf, "organisation.name": "Nobody", "owner.name": "N", "owner.email": "n@nobody.test", "owner.password": PASSWORD });
    const body = await res.text();
    expect(res.status, body.slice(body.indexOf("<main"), body.indexOf("<main") + 1500)).toBe(403);
    expect(body).toContain("enter the verification code your partner gave you");
  });
});
