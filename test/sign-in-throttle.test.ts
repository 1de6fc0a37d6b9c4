// Sign-in is throttled per account and per client address, across isolates (a Durable Object),
// with the same answer for unknown emails; failures and sign-outs reach the audit log.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_RULE, ADDRESS_RULE, type SignInThrottle } from "../src/auth/sign-in-throttle";
import { addUser, api, Browser, PASSWORD, setupFirstOrganisation } from "./helpers";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});

let addressCounter = 0;
/** A fresh client address per test, so tests do not share a per-address count. */
const freshAddress = () => `203.0.113.${(addressCounter += 1)}`;

async function attempt(email: string, password: string, ip: string) {
  const browser = new Browser();
  const csrf = await browser.csrfFrom("/login");
  const res = await browser.post("/login", { _csrf: csrf, email, password }, { "CF-Connecting-IP": ip });
  return { status: res.status, retryAfter: res.headers.get("Retry-After"), body: await res.text() };
}

const message = (html: string) => /role="alert">\s*([^<]*?)\s*</.exec(html)?.[1] ?? html.slice(0, 200);

/** Moves every failure a throttle holds `ms` into the past: time passing, without sleeping. */
async function age(name: string, ms: number) {
  const stub = env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName(name));
  await runInDurableObject(stub, async (_instance: SignInThrottle, state) => {
    state.storage.sql.exec("UPDATE failures SET at = at - ?", ms);
  });
}

describe("sign-in throttling", () => {
  it("refuses even the right password after five failures on an account, with 429 and Retry-After, until the window passes", async () => {
    const user = await addUser(org.organisation.id, "admin");
    const ip = freshAddress();
    for (let i = 0; i < ACCOUNT_RULE.limit; i++) expect((await attempt(user.email, `wrong guess ${i}`, ip)).status).toBe(401);

    const blocked = await attempt(user.email, PASSWORD, freshAddress());
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(15 * 60);
    expect(message(blocked.body)).toBe("Too many failed sign-ins. Try again in 15 minutes.");

    await age(`account:${user.email}`, ACCOUNT_RULE.windowMs);
    expect((await attempt(user.email, PASSWORD, freshAddress())).status).toBe(303);
  });

  it("counts a burst of parallel guesses as they arrive: no more than five are checked", async () => {
    const user = await addUser(org.organisation.id, "admin");
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(user.email, `parallel guess ${i}`, freshAddress())));
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ACCOUNT_RULE.limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - ACCOUNT_RULE.limit);
    expect((await attempt(user.email, PASSWORD, freshAddress())).status).toBe(429);
  });

  it("does not count a successful sign-in against the client's address", async () => {
    const ip = freshAddress();
    for (let i = 0; i < ADDRESS_RULE.limit; i++) {
      const user = await addUser(org.organisation.id, "viewer");
      expect((await attempt(user.email, PASSWORD, ip)).status).toBe(303);
    }
    const user = await addUser(org.organisation.id, "viewer");
    expect((await attempt(user.email, PASSWORD, ip)).status).toBe(303);
  });

  it("answers an unknown email exactly as a known one, so the throttle reveals no account", async () => {
    const known = await addUser(org.organisation.id, "viewer");
    const unknown = `nobody-${Math.random().toString(36).slice(2)}@example.test`;
    const answers = [];
    for (const email of [known.email, unknown]) {
      const ip = freshAddress();
      for (let i = 0; i < ACCOUNT_RULE.limit; i++) await attempt(email, "wrong guess", ip);
      answers.push(await attempt(email, "wrong guess", ip));
    }
    expect(answers.map((a) => [a.status, message(a.body)])).toEqual([
      [429, "Too many failed sign-ins. Try again in 15 minutes."],
      [429, "Too many failed sign-ins. Try again in 15 minutes."],
    ]);
  });

  it("limits one address across accounts, and a success on the guesser's own account does not reset it", async () => {
    const ip = freshAddress();
    const own = await addUser(org.organisation.id, "viewer");
    for (let i = 0; i < ADDRESS_RULE.limit - 1; i++) expect((await attempt(`target-${i}@example.test`, "guess", ip)).status).toBe(401);
    expect((await attempt(own.email, PASSWORD, ip)).status).toBe(303);
    expect((await attempt("one-more@example.test", "guess", ip)).status).toBe(401);

    const victim = await addUser(org.organisation.id, "admin");
    expect((await attempt(victim.email, PASSWORD, ip)).status).toBe(429);
    // The same account from another address is not affected.
    expect((await attempt(victim.email, PASSWORD, freshAddress())).status).toBe(303);
  });

  it("records failed sign-ins (email and address, never the password) and sign-outs in the audit log", async () => {
    const user = await addUser(org.organisation.id, "admin");
    const ip = freshAddress();
    await attempt(user.email, "hunter2-not-it", ip);

    const browser = new Browser();
    expect((await browser.signIn(user.email)).status).toBe(303);
    const csrf = await browser.csrfFrom("/users");
    expect((await browser.post("/logout", { _csrf: csrf }, { "CF-Connecting-IP": ip })).status).toBe(303);

    const res = await api("/audit-log?limit=200", org.token);
    const log = ((await res.json()) as { data: { action: string; actor: string; targetId: string | null; details: Record<string, unknown>; ip: string | null }[] }).data;
    const failed = log.find((e) => e.action === "session.sign_in_failed" && e.targetId === user.id);
    expect(failed).toMatchObject({ actor: user.email, details: { email: user.email }, ip });
    expect(JSON.stringify(log)).not.toContain("hunter2-not-it");
    expect(log.find((e) => e.action === "session.signed_out" && e.actor.includes(user.email))).toMatchObject({ ip });
  });

  it("counts failures in a sliding window and says when the oldest leaves it", async () => {
    const stub = env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName("window-test"));
    const rule = { limit: 2, windowMs: 60_000 };
    const t0 = 1_000_000;
    expect(await stub.fail(rule, t0)).toEqual({ allowed: true });
    expect(await stub.fail(rule, t0 + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(await stub.check(rule, t0 + 59_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await stub.check(rule, t0 + 60_000)).toEqual({ allowed: true });
  });
});
