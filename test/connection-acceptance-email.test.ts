// The inviting organisation's owners and admins are emailed when the partner accepts, where the
// install sends email; elsewhere nothing is attempted.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { addAccount, addUser, api, BASE, createOrganisation, setupFirstOrganisation } from "./helpers";

type Sent = { from: string; to: string | string[]; subject: string; text: string };

let a: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accountA: string;

/** Accepts through the Worker on an env with (or without) the email binding. */
async function accept(partnerToken: string, code: string, accountId: string, withEmail: boolean): Promise<{ status: number; sent: Sent[] }> {
  const sent: Sent[] = [];
  const binding = { send: async (message: Sent) => void sent.push(message) };
  const testEnv = withEmail ? ({ ...env, ALERT_EMAIL: binding, ALERT_EMAIL_FROM: "lockstep@msp.test" } as unknown as Env) : ({ ...env } as Env);
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/api/v1/connections/accept`, {
      method: "POST",
      headers: { Authorization: `Bearer ${partnerToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ code, platformAccountId: accountId }),
    }),
    testEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, sent };
}

async function invite(): Promise<string> {
  const res = await api("/connections", a.token, { method: "POST", json: { name: "Acme ↔ Contoso", role: "source", platformAccountId: accountA } });
  return ((await res.json()) as { verificationCode: string }).verificationCode;
}

beforeAll(async () => {
  a = await setupFirstOrganisation("Acme MSP");
  accountA = await addAccount(a.token, "Acme RT");
});

describe("the inviting side is emailed when its partner accepts", () => {
  it("owners and admins of the inviting organisation, not its viewers nor the partner's people", async () => {
    const admin = await addUser(a.organisation.id, "admin");
    const viewer = await addUser(a.organisation.id, "viewer");
    const b = await createOrganisation("Contoso");
    const { status, sent } = await accept(b.token, await invite(), await addAccount(b.token, "Contoso RT"), true);
    expect(status).toBe(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe('Lockstep: Contoso accepted "Acme ↔ Contoso"');
    expect([...sent[0]!.to].sort()).toEqual([a.email, admin.email].sort());
    expect(sent[0]!.to).not.toContain(viewer.email);
    expect(sent[0]!.to).not.toContain(b.email);
  });

  it("an install without the email binding sends nothing and accepts all the same", async () => {
    const c = await createOrganisation("Fabrikam");
    const { status, sent } = await accept(c.token, await invite(), await addAccount(c.token, "Fabrikam RT"), false);
    expect(status).toBe(200);
    expect(sent).toEqual([]);
  });
});
