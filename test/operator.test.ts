// The install's operators (OPERATOR_EMAILS) see every organisation, its connections, usage and
// billing state, and set that state; each change is audited. Anyone else gets 404.
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import worker from "../src/index";
import { connections, connectionSides, organisations, usageCounters } from "../src/db/schema";
import { monthOf } from "../src/services/operator";
import { newId } from "../src/lib/ids";
import { nowIso } from "../src/lib/time";
import { api, BASE, Browser, createOrganisation, db, setupFirstOrganisation } from "./helpers";

let msp: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let client: Awaited<ReturnType<typeof createOrganisation>>;
let connectionId: string;

/** The same Worker with OPERATOR_EMAILS set to the MSP owner's address. */
async function asInstall(path: string, init: RequestInit & { json?: unknown; token?: string | null; cookie?: string } = {}, operators = msp.email) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.cookie) headers.set("Cookie", init.cookie);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(new URL(path, BASE), { ...init, headers, body, redirect: "manual" }), { ...env, OPERATOR_EMAILS: ` ${operators.toUpperCase()} , someone@else.test` }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

type OperatorOrg = {
  id: string;
  name: string;
  billingStatus: string;
  billingTrialEndsAt: string | null;
  billingActive: boolean;
  usage: { activeConnections: number; ticketsThisMonth: number; ticketsLastMonth: number };
  connections: { id: string; organisations: string[]; ticketsThisMonth: number; ticketsLastMonth: number }[];
};

beforeAll(async () => {
  msp = await setupFirstOrganisation("Acme MSP");
  client = await createOrganisation("Contoso");
  const d = db();
  const now = nowIso();
  connectionId = newId("con");
  await d.batch([
    d.insert(connections).values({ id: connectionId, name: "Acme ↔ Contoso", createdByOrgId: msp.organisation.id, status: "active", automaticEnabled: true, billingOrgId: client.organisation.id, createdAt: now, updatedAt: now }),
    d.insert(connectionSides).values({ connectionId, side: "source", orgId: msp.organisation.id, createdAt: now, updatedAt: now }),
    d.insert(connectionSides).values({ connectionId, side: "target", orgId: client.organisation.id, createdAt: now, updatedAt: now }),
    d.insert(usageCounters).values({ connectionId, month: monthOf(new Date(), 0), ticketsSynced: 42 }),
    d.insert(usageCounters).values({ connectionId, month: monthOf(new Date(), 1), ticketsSynced: 17 }),
    d.insert(usageCounters).values({ connectionId, month: monthOf(new Date(), 2), ticketsSynced: 999 }),
  ]);
});

const orgOf = async (id: string) => ((await (await asInstall(`/api/v1/operator/organisations/${id}`, { token: msp.token })).json()) as OperatorOrg);

describe("an operator", () => {
  it("sees every organisation, its connections and usage (this month and last, billed to it)", async () => {
    const res = await asInstall("/api/v1/operator/organisations", { token: msp.token });
    expect(res.status).toBe(200);
    const orgs = ((await res.json()) as { data: OperatorOrg[] }).data;
    const contoso = orgs.find((o) => o.id === client.organisation.id)!;
    const acme = orgs.find((o) => o.id === msp.organisation.id)!;
    expect(contoso).toMatchObject({ name: "Contoso", billingStatus: "none", billingActive: false, usage: { activeConnections: 1, ticketsThisMonth: 42, ticketsLastMonth: 17 } });
    // The MSP is a side but does not pay: its connection counts as active, its tickets are not billed to it.
    expect(acme.usage).toEqual({ activeConnections: 1, ticketsThisMonth: 0, ticketsLastMonth: 0 });
    expect(contoso.connections).toEqual([expect.objectContaining({ id: connectionId, organisations: expect.arrayContaining(["Acme MSP", "Contoso"]), ticketsThisMonth: 42, ticketsLastMonth: 17 })]);
  });

  it("sets billing active, a trial until a date, or suspended; each change audited in both organisations' logs", async () => {
    const active = await asInstall(`/api/v1/operator/organisations/${client.organisation.id}/billing`, { method: "PUT", token: msp.token, json: { status: "active" } });
    expect(active.status).toBe(200);
    expect(await active.json()).toMatchObject({ billingStatus: "active", billingActive: true, billingTrialEndsAt: null });

    const until = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const trial = await asInstall(`/api/v1/operator/organisations/${client.organisation.id}/billing`, { method: "PUT", token: msp.token, json: { status: "trial", trialEndsAt: until } });
    expect(await trial.json()).toMatchObject({ billingStatus: "trial", billingActive: true, billingTrialEndsAt: `${until}T23:59:59.999Z` });

    const suspended = await asInstall(`/api/v1/operator/organisations/${client.organisation.id}/billing`, { method: "PUT", token: msp.token, json: { status: "suspended" } });
    expect(await suspended.json()).toMatchObject({ billingStatus: "suspended", billingActive: false, billingTrialEndsAt: null });

    const theirLog = ((await (await api("/audit-log?limit=100", client.token)).json()) as { data: { action: string; actor: string; details: { to: { status: string } } }[] }).data;
    const changes = theirLog.filter((e) => e.action === "organisation.billing_changed");
    expect(changes.map((e) => e.details.to.status)).toEqual(["suspended", "trial", "active"]);
    expect(changes[0]!.actor).toBe(`${msp.email} (operator)`);
    const ownLog = ((await (await api("/audit-log?limit=100", msp.token)).json()) as { data: { action: string; targetId: string }[] }).data;
    expect(ownLog.filter((e) => e.action === "operator.billing_changed" && e.targetId === client.organisation.id)).toHaveLength(3);
  });

  it("is refused a trial without an end, or ending in the past, and nothing changes", async () => {
    const before = await orgOf(client.organisation.id);
    const noEnd = await asInstall(`/api/v1/operator/organisations/${client.organisation.id}/billing`, { method: "PUT", token: msp.token, json: { status: "trial" } });
    expect(noEnd.status).toBe(400);
    const past = await asInstall(`/api/v1/operator/organisations/${client.organisation.id}/billing`, { method: "PUT", token: msp.token, json: { status: "trial", trialEndsAt: "2020-01-01" } });
    expect(past.status).toBe(400);
    expect(((await past.json()) as { error: { details: { fields: { path: string }[] } } }).error.details.fields[0]!.path).toBe("trialEndsAt");
    const bogus = await asInstall(`/api/v1/operator/organisations/${client.organisation.id}/billing`, { method: "PUT", token: msp.token, json: { status: "past_due" } });
    expect(bogus.status).toBe(400);
    expect(await orgOf(client.organisation.id)).toEqual(before);
  });

  it("reads a trial that has ended as not active", async () => {
    await db().update(organisations).set({ billingStatus: "trial", billingTrialEndsAt: new Date(Date.now() - 1000).toISOString() }).where(eq(organisations.id, client.organisation.id));
    expect(await orgOf(client.organisation.id)).toMatchObject({ billingStatus: "trial", billingActive: false });
  });

  it("has an Operator page in the menu that lists every organisation and sets billing", async () => {
    const browser = new Browser();
    await browser.signIn(msp.email);
    const cookie = `__Host-lockstep_session=${browser.cookie("__Host-lockstep_session")}`;
    const page = await asInstall("/operator", { cookie, headers: { Accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('href="/operator"');
    expect(html).toContain("Contoso");
    expect(html).toContain("42 this month · 17 last month");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const set = await asInstall(`/operator/organisations/${client.organisation.id}/billing`, {
      method: "POST",
      cookie,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
      body: new URLSearchParams({ _csrf: csrf, status: "active", trialEndsAt: "" }).toString(),
    });
    expect(set.status).toBe(303);
    expect((await orgOf(client.organisation.id)).billingStatus).toBe("active");
  });
});

describe("anyone else", () => {
  it("gets 404 from every operator route, owners included", async () => {
    for (const token of [client.token, null]) {
      expect((await asInstall("/api/v1/operator/organisations", { token })).status).toBe(404);
      expect((await asInstall(`/api/v1/operator/organisations/${client.organisation.id}`, { token })).status).toBe(404);
      expect((await asInstall(`/api/v1/operator/organisations/${client.organisation.id}/billing`, { method: "PUT", token, json: { status: "active" } })).status).toBe(404);
    }
    // Without OPERATOR_EMAILS (the install's default) nobody is an operator.
    expect((await api("/operator/organisations", msp.token)).status).toBe(404);
  });

  it("is told by the API reference that these routes are the operators' alone", async () => {
    const doc = (await (await api("/openapi.json", null)).json()) as { paths: Record<string, Record<string, { "x-lockstep-access": string }>> };
    const operatorOps = Object.entries(doc.paths).filter(([path]) => path.startsWith("/operator/")).flatMap(([, methods]) => Object.values(methods));
    expect(operatorOps).toHaveLength(3);
    expect(operatorOps.every((op) => op["x-lockstep-access"] === "operator")).toBe(true);
  });

  it("sees no Operator page nor menu entry", async () => {
    const browser = new Browser();
    await browser.signIn(client.email);
    const cookie = `__Host-lockstep_session=${browser.cookie("__Host-lockstep_session")}`;
    expect((await asInstall("/operator", { cookie, headers: { Accept: "text/html" } })).status).toBe(404);
    expect(await (await asInstall("/", { cookie, headers: { Accept: "text/html" } })).text()).not.toContain('href="/operator"');
  });

  it("cannot invite an operator's address and so take it over", async () => {
    const res = await asInstall("/api/v1/invitations", { method: "POST", token: client.token, json: { email: "someone@else.test", role: "viewer" } });
    expect(res.status).toBe(403);
    const made = await asInstall("/api/v1/invitations", { method: "POST", token: client.token, json: { email: "nobody-special@else.test", role: "viewer" } });
    expect(made.status).toBe(201);
    // Made before the address became an operator's: the link no longer makes that user.
    const token = ((await made.json()) as { url: string }).url.split("/invite/")[1];
    const accept = { method: "POST", json: { token, name: "Taken Over", password: "quiet otter kettle" } };
    expect((await asInstall("/api/v1/invitations/accept", accept, `${msp.email},nobody-special@else.test`)).status).toBe(403);
    expect((await asInstall("/api/v1/invitations/accept", accept)).status).toBe(201);
  });
});
