import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../src/simulators/request-tracker/app";
import { addUser, api, Browser, createOrganisation, setupFirstOrganisation } from "./helpers";
import { useSimulatorNetwork } from "./support/simulator-network";

const network = useSimulatorNetwork();
const PASSWORD = "lockstep-password";
const TOKEN = "1-20-lockstep-sim-token";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let rt: ReturnType<typeof createRequestTrackerSimulator>;
beforeAll(async () => {
  org = await setupFirstOrganisation();
});
beforeEach(() => {
  rt = createRequestTrackerSimulator();
  network.mount("rt.sim.test", rt.app);
});

type Account = { id: string; credentialsSet: string[]; lastTest: { ok: boolean; message: string } | null; baseUrl: string };

async function addRtAccount(credentials: Record<string, unknown> = { kind: "basic", username: "lockstep", password: PASSWORD }, token = org.token) {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name: "Support RT", platform: "request-tracker", baseUrl: "https://rt.sim.test/", credentials },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Account;
}

const test = (id: string) => api(`/platform-accounts/${id}/test`, org.token, { method: "POST" });

describe("platform accounts", () => {
  it("store credentials encrypted and never return or render them", async () => {
    const account = await addRtAccount({ kind: "token", token: TOKEN, username: "lockstep" });
    expect(account.baseUrl).toBe("https://rt.sim.test");
    expect(account.credentialsSet).toEqual(["kind", "token", "username"]);
    const everything = [
      await (await api("/platform-accounts", org.token)).text(),
      await (await api(`/platform-accounts/${account.id}`, org.token)).text(),
    ];
    const browser = new Browser();
    await browser.signIn(org.email);
    everything.push(await (await browser.fetch(`/platform-accounts/${account.id}`, { headers: { Accept: "text/html" } })).text());
    everything.push(await (await api("/audit-log", org.token)).text());
    for (const text of everything) expect(text).not.toContain(TOKEN);
  });

  it("answer Test connection with “Connection tested”", async () => {
    const account = await addRtAccount();
    const res = await test(account.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, message: "Connection tested", identity: expect.stringContaining("lockstep") });
    expect(((await (await api(`/platform-accounts/${account.id}`, org.token)).json()) as Account).lastTest).toMatchObject({ ok: true });
  });

  it("say why a test failed, in words a person can act on", async () => {
    const wrong = await addRtAccount({ kind: "basic", username: "lockstep", password: "wrong-password" });
    expect(((await (await test(wrong.id)).json()) as { message: string }).message).toBe(
      'Test failed: wrong credentials: rt.sim.test answered "Unauthorized". Check the keys or password and try again.',
    );

    const noAccess = await addRtAccount();
    rt.faults.next({ kind: "status", status: 403, body: JSON.stringify({ message: "Forbidden" }) });
    expect(((await (await test(noAccess.id)).json()) as { message: string }).message).toMatch(/^Test failed: no access: rt.sim.test answered "Forbidden"/);

    const unreachable = await api("/platform-accounts", org.token, {
      method: "POST",
      json: { name: "Nowhere", platform: "request-tracker", baseUrl: "https://rt.nowhere.test", credentials: { kind: "basic", username: "a", password: "b" } },
    });
    const id = ((await unreachable.json()) as Account).id;
    expect(((await (await test(id)).json()) as { message: string }).message).toMatch(/^Test failed: host unreachable: .*Check the base URL/);
  });

  it("keep stored credentials when an edit leaves them blank, and replace only what is given", async () => {
    const account = await addRtAccount({ kind: "basic", username: "lockstep", password: "wrong-password" });
    const renamed = await api(`/platform-accounts/${account.id}`, org.token, { method: "PATCH", json: { name: "Renamed", credentials: { password: "" } } });
    expect(renamed.status).toBe(200);
    expect(((await (await test(account.id)).json()) as { ok: boolean }).ok).toBe(false);
    await api(`/platform-accounts/${account.id}`, org.token, { method: "PATCH", json: { credentials: { password: PASSWORD } } });
    expect(((await (await test(account.id)).json()) as { ok: boolean }).ok).toBe(true);
  });

  it("discover the platform's picklists once, cache them, and refresh on demand", async () => {
    const account = await addRtAccount();
    const first = (await (await api(`/platform-accounts/${account.id}/picklists`, org.token)).json()) as { picklists: { queues: { name: string }[]; statuses: { name: string; closed: boolean }[] }; fetchedAt: string };
    expect(first.picklists.queues.map((q) => q.name)).toContain("General");
    expect(first.picklists.statuses).toContainEqual(expect.objectContaining({ name: "resolved", closed: true }));
    const callsAfterFirst = rt.faults.calls.length;
    const cached = (await (await api(`/platform-accounts/${account.id}/picklists`, org.token)).json()) as { fetchedAt: string };
    expect(cached.fetchedAt).toBe(first.fetchedAt);
    expect(rt.faults.calls.length).toBe(callsAfterFirst);
    const refreshed = await api(`/platform-accounts/${account.id}/picklists/refresh`, org.token, { method: "POST" });
    expect(refreshed.status).toBe(200);
    expect(rt.faults.calls.length).toBeGreaterThan(callsAfterFirst);
  });

  it("refuse invalid input with the field paths, writing nothing", async () => {
    const before = ((await (await api("/platform-accounts", org.token)).json()) as { data: unknown[] }).data.length;
    const res = await api("/platform-accounts", org.token, {
      method: "POST",
      json: { name: "Bad", platform: "request-tracker", baseUrl: "http://10.0.0.5", credentials: { kind: "basic", username: "" } },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { fields: { path: string }[] } } };
    expect(body.error.details.fields.map((f) => f.path)).toEqual(["baseUrl"]);
    const creds = await api("/platform-accounts", org.token, {
      method: "POST",
      json: { name: "Bad", platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "" } },
    });
    const paths = ((await creds.json()) as { error: { details: { fields: { path: string }[] } } }).error.details.fields.map((f) => f.path).sort();
    expect(paths).toEqual(["credentials.password", "credentials.username"]);
    const unknown = await api("/platform-accounts", org.token, { method: "POST", json: { name: "X", platform: "lotus-notes", baseUrl: "https://x.example.com", credentials: {} } });
    expect(unknown.status).toBe(400);
    expect(((await (await api("/platform-accounts", org.token)).json()) as { data: unknown[] }).data.length).toBe(before);
  });

  it("are invisible to other organisations (404) and read-only for viewers", async () => {
    const account = await addRtAccount();
    const other = await createOrganisation("Partner Co");
    for (const [method, path] of [
      ["GET", `/platform-accounts/${account.id}`],
      ["PATCH", `/platform-accounts/${account.id}`],
      ["DELETE", `/platform-accounts/${account.id}`],
      ["POST", `/platform-accounts/${account.id}/test`],
      ["GET", `/platform-accounts/${account.id}/picklists`],
    ] as const) {
      const res = await api(path, other.token, method === "PATCH" ? { method, json: { name: "x" } } : { method });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const viewer = await addUser(org.organisation.id, "viewer");
    expect((await api(`/platform-accounts/${account.id}`, viewer.token)).status).toBe(200);
    expect((await api(`/platform-accounts/${account.id}/test`, viewer.token, { method: "POST" })).status).toBe(403);
  });
});

describe("platform account pages", () => {
  it("add an account with per-platform fields, then test it in place", async () => {
    const browser = new Browser();
    await browser.signIn(org.email);
    // The sign-in method chosen decides which credential fields are asked for.
    const form = await (await browser.fetch("/platform-accounts/new?platform=request-tracker&credentials.kind=basic", { headers: { Accept: "text/html" } })).text();
    expect(form).toContain('name="credentials.password"');
    expect(form).not.toContain('name="credentials.token"');
    expect(form).toContain('name="credentials.kind"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const bad = await browser.post("/platform-accounts", { _csrf: csrf, platform: "request-tracker", name: "RT", baseUrl: "ftp://rt", "credentials.kind": "basic", "credentials.username": "lockstep", "credentials.password": PASSWORD });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/id="field-baseUrl-error">Base URL must use https/);
    const saved = await browser.post("/platform-accounts", { _csrf: csrf, platform: "request-tracker", name: "RT", baseUrl: "https://rt.sim.test", "credentials.kind": "basic", "credentials.username": "lockstep", "credentials.password": PASSWORD });
    expect(saved.status).toBe(303);
    const location = saved.headers.get("Location")!;
    const page = await (await browser.fetch(location, { headers: { Accept: "text/html" } })).text();
    expect(page).not.toContain(PASSWORD);
    expect(page).toContain("Leave blank to keep the stored value.");
    const tested = await browser.post(`${location}/test`, { _csrf: csrf }, { "HX-Request": "true" });
    expect(await tested.text()).toContain("Connection tested");
    const picklists = await (await browser.fetch(`${location}/picklists`, { headers: { "HX-Request": "true" } })).text();
    expect(picklists).toContain("General");
  });
});
