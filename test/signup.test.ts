import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { connections, users as usersTable } from "../src/db/schema";
import { addSeconds, nowIso } from "../src/lib/time";
import { api, BASE, Browser, db, PASSWORD, setupFirstOrganisation } from "./helpers";

type Mode = "invite" | "open" | "closed";
type ErrorAnswer = { error: { code: string; message: string; details?: unknown } };
type SignedUp = { token: string; organisation: { id: string; name: string }; owner: { email: string }; invitation: { connectionName: string; invitedBy: string; partnerSide: string } | null };

let counter = 0;
const uniqueIp = () => `203.0.113.${(counter += 1)}`;

/** POST /api/v1/signup on an install whose SIGNUP is `mode` (a fresh env, so config is parsed again). */
async function signUp(mode: Mode, body: Record<string, unknown>, ip = uniqueIp()): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}/api/v1/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify(body),
  });
  const res = await worker.fetch(request, { ...env, SIGNUP: mode } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const partner = (email: string, code?: string) => ({
  organisation: { name: "Contoso" },
  owner: { name: "Cara Contoso", email, password: PASSWORD },
  ...(code === undefined ? {} : { code }),
});

async function codeOf(res: Response) {
  return ((await res.json()) as ErrorAnswer).error.code;
}

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accountA: string;

async function newConnection(name = "Acme ↔ Contoso"): Promise<{ id: string; code: string }> {
  const res = await api("/connections", a.token, { method: "POST", json: { name, role: "source", platformAccountId: accountA } });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { id: string; verificationCode: string };
  return { id: body.id, code: body.verificationCode };
}

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  const res = await api("/platform-accounts", a.token, {
    method: "POST",
    json: { name: "Acme RT", platform: "request-tracker", baseUrl: "https://rt-a.example.test", credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" } },
  });
  accountA = ((await res.json()) as { id: string }).id;
});

describe("sign-up modes", () => {
  it("invite (the default): a valid code signs up an organisation, whose owner's token works, told who invites it", async () => {
    const { code } = await newConnection();
    const res = await signUp("invite", partner("cara@contoso.test", code));
    expect(res.status).toBe(201);
    const body = (await res.json()) as SignedUp;
    expect(body.token).toMatch(/^lst_/);
    expect(body.organisation.name).toBe("Contoso");
    expect(body.invitation).toEqual(expect.objectContaining({ connectionName: "Acme ↔ Contoso", invitedBy: "Acme MSP", partnerSide: "target" }));
    const users = (await (await api("/users", body.token)).json()) as { data: { email: string; role: string }[] };
    expect(users.data).toEqual([expect.objectContaining({ email: "cara@contoso.test", role: "owner" })]);
    // The inviting side is told its partner exists.
    const log = await (await api("/audit-log", a.token)).text();
    expect(log).toContain("connection.partner_signed_up");
  });

  it("the default mode is invite: with SIGNUP unset a sign-up without a code is refused", async () => {
    const { SIGNUP: _, ...unset } = env;
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/api/v1/signup`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(partner("x@contoso.test")) }),
      { ...unset, SIGNUP: "" } as unknown as Env,
      ctx,
    );
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("invitation_required");
  });

  it("invite: no code is refused with invitation_required, nothing created", async () => {
    const res = await signUp("invite", partner("nocode@contoso.test"));
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("invitation_required");
    expect((await signUp("invite", partner("nocode@contoso.test", "  "))).status).toBe(403);
  });

  it("open: anyone may sign up without a code; a code given is still checked", async () => {
    const res = await signUp("open", partner("open@contoso.test"));
    expect(res.status).toBe(201);
    expect(((await res.json()) as SignedUp).invitation).toBeNull();
    const bad = await signUp("open", partner("open2@contoso.test", "AAAA-BBBB-CCCC-DDDD"));
    expect(bad.status).toBe(400);
    expect(await codeOf(bad)).toBe("invitation_invalid");
  });

  it("closed: every sign-up is refused with signup_closed, even with a valid code", async () => {
    const { code } = await newConnection("closed install");
    const res = await signUp("closed", partner("closed@contoso.test", code));
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("signup_closed");
    // The code is untouched: it still signs up a partner where sign-ups are allowed.
    expect((await signUp("invite", partner("closed@contoso.test", code))).status).toBe(201);
  });
});

describe("refused sign-ups", () => {
  it("a code no pending connection has: invitation_invalid", async () => {
    const res = await signUp("invite", partner("wrong@contoso.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ"));
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("invitation_invalid");
  });

  it("an expired code says it expired and when, and creates nothing", async () => {
    const { id, code } = await newConnection("expired");
    await db().update(connections).set({ invitationExpiresAt: addSeconds(nowIso(), -60) }).where(eq(connections.id, id));
    const res = await signUp("invite", partner("late@contoso.test", code));
    expect(res.status).toBe(410);
    const body = (await res.json()) as ErrorAnswer;
    expect(body.error.code).toBe("invitation_expired");
    expect(body.error.message).toMatch(/expired/);
    expect(body.error.message).toContain("Acme MSP");
    const browser = new Browser();
    expect((await browser.signIn("late@contoso.test")).status).toBe(401);
  });

  it("a code of an accepted (no longer pending) connection: invitation_invalid", async () => {
    const { code } = await newConnection("accepted");
    const first = (await (await signUp("invite", partner("first@contoso.test", code))).json()) as SignedUp;
    const acc = await api("/platform-accounts", first.token, {
      method: "POST",
      json: { name: "Contoso RT", platform: "request-tracker", baseUrl: "https://rt-b.example.test", credentials: { kind: "basic", username: "lockstep", password: "x-password" } },
    });
    const accepted = await api("/connections/accept", first.token, { method: "POST", json: { code, platformAccountId: ((await acc.json()) as { id: string }).id } });
    expect(accepted.status).toBe(200);
    const res = await signUp("invite", partner("again@contoso.test", code));
    expect(await codeOf(res)).toBe("invitation_invalid");
  });

  it("one code makes one organisation, and only that organisation may accept it", async () => {
    const { code } = await newConnection("one use");
    const first = (await (await signUp("invite", partner("one@contoso.test", code))).json()) as SignedUp;
    const second = await signUp("invite", partner("two@contoso.test", code));
    expect(second.status).toBe(400);
    expect(await codeOf(second)).toBe("invitation_invalid");
    // An organisation that signed up otherwise cannot take the connection away from the first.
    const other = (await (await signUp("open", partner("three@contoso.test"))).json()) as SignedUp;
    const acc = await api("/platform-accounts", other.token, {
      method: "POST",
      json: { name: "Other RT", platform: "request-tracker", baseUrl: "https://rt-c.example.test", credentials: { kind: "basic", username: "lockstep", password: "x-password" } },
    });
    const stolen = await api("/connections/accept", other.token, { method: "POST", json: { code, platformAccountId: ((await acc.json()) as { id: string }).id } });
    expect(stolen.status).toBe(404);
    expect(first.invitation?.connectionName).toBe("one use");
  });

  it("two sign-ups racing with one code: exactly one organisation is made", async () => {
    const { code } = await newConnection("race");
    const answers = await Promise.all([signUp("invite", partner("r1@contoso.test", code)), signUp("invite", partner("r2@contoso.test", code))]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 400]);
    const loser = answers.find((r) => r.status === 400)!;
    expect(await codeOf(loser)).toBe("invitation_invalid");
    const signIns = await Promise.all(["r1@contoso.test", "r2@contoso.test"].map(async (email) => (await new Browser().signIn(email)).status));
    expect(signIns.sort()).toEqual([303, 401]);
  });

  it("a password too easy to guess is refused on its field, like setup", async () => {
    const res = await signUp("open", { organisation: { name: "Contoso" }, owner: { name: "Cara", email: "weak@contoso.test", password: "contoso12345" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorAnswer;
    expect(body.error.code).toBe("invalid_input");
    expect(JSON.stringify(body.error.details)).toContain("owner.password");
  });

  it("before first-run setup nothing can sign up (signup_closed)", async () => {
    // Checked through the service's refusal order: mode first, then setup. The installation row
    // exists in this file, so the refusal is shown on the service directly.
    const { signUp: service } = await import("../src/services/signup");
    const fresh = { db: db(), throttle: env.SIGN_IN_THROTTLE, mode: "open" as const, operatorEmails: [] };
    const { installation } = await import("../src/db/schema");
    const rows = await db().select().from(installation);
    await db().delete(installation);
    try {
      await expect(service(fresh, partner("early@contoso.test"))).rejects.toMatchObject({ code: "signup_closed" });
    } finally {
      await db().insert(installation).values(rows);
    }
  });
});

describe("an address belongs to one organisation, and an operator's is reserved", () => {
  it("an email that already has an account is refused without saying where; its owner still signs in to their own organisation", async () => {
    const taken = await signUp("open", partner(a.email));
    expect(taken.status).toBe(409);
    const body = (await taken.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("conflict");
    expect(body.error.message).not.toContain("Acme");
    const browser = new Browser();
    expect((await browser.signIn(a.email)).status).toBe(303);
    const users = await (await browser.fetch("/users", { headers: { Accept: "text/html" } })).text();
    expect(users).toContain("Olivia Owner");
  });

  it("an operator's address cannot sign up an organisation (whoever did would see and bill every organisation)", async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/api/v1/signup`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": uniqueIp() }, body: JSON.stringify(partner("Ops@Lockstep.test")) }),
      { ...env, SIGNUP: "open", OPERATOR_EMAILS: "ops@lockstep.test" } as unknown as Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(409);
    const [row] = await db().select().from(usersTable).where(eq(usersTable.email, "ops@lockstep.test"));
    expect(row).toBeUndefined();
  });
});

describe("sign-ups are rate limited per address", () => {
  it("the eleventh sign-up in an hour from one address is refused with Retry-After; weak passwords do not count", async () => {
    const ip = "198.51.100.7";
    for (let i = 0; i < 3; i += 1) {
      const weak = await signUp("open", { organisation: { name: "Flood" }, owner: { name: "F", email: `weak${i}@flood.test`, password: "flood12345" } }, ip);
      expect(weak.status).toBe(400);
    }
    for (let i = 0; i < 10; i += 1) {
      const res = await signUp("open", partner(`flood${i}@flood.test`, i % 2 ? "ZZZZ-ZZZZ-ZZZZ-ZZZZ" : undefined), ip);
      expect(res.status, `attempt ${i}`).toBe(i % 2 ? 400 : 201);
    }
    const refused = await signUp("open", partner("flood-last@flood.test"), ip);
    expect(refused.status).toBe(429);
    expect(await codeOf(refused)).toBe("rate_limited");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await signUp("open", partner("elsewhere@flood.test"))).status).toBe(201);
  });
});
