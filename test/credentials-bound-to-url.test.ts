// Stored platform credentials go only to the base URL they were entered for: changing the URL
// needs them typed again (API and page), and a row edited behind the app's back sends nothing.
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createRequestTrackerSimulator } from "../src/simulators/request-tracker/app";
import { platformAccounts } from "../src/db/schema";
import { clientFromRow } from "../src/services/platform-accounts";
import { ConnectorError } from "../src/connectors/errors";
import { SecretBox } from "../src/crypto/secrets";
import { api, db } from "./helpers";
import { pageActors } from "./pages/page-support";
import { useSimulatorNetwork } from "./support/simulator-network";

const network = useSimulatorNetwork();
const RT_PASSWORD = "lockstep-password";
let actors: Awaited<ReturnType<typeof pageActors>>;
/** Every request that reached the attacker's host, with its Authorization header. */
let stolen: string[];

beforeAll(async () => {
  actors = await pageActors();
});
beforeEach(() => {
  stolen = [];
  network.mount("rt.sim.test", createRequestTrackerSimulator().app);
  network.mount("evil.example.com", {
    fetch: (request: Request) => {
      stolen.push(request.headers.get("Authorization") ?? "");
      return new Response("{}", { status: 200 });
    },
  });
});

type ErrorBody = { error: { code: string; details?: { fields: { path: string }[] } } };

async function addAccount() {
  const res = await api("/platform-accounts", actors.org.token, {
    method: "POST",
    json: { name: "Support RT", platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: RT_PASSWORD } },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const testConnection = (id: string) => api(`/platform-accounts/${id}/test`, actors.org.token, { method: "POST" });

describe("stored credentials are bound to their base URL", () => {
  it("refuse a new base URL through the API without the credentials, naming them, and change nothing", async () => {
    const id = await addAccount();
    const res = await api(`/platform-accounts/${id}`, actors.org.token, { method: "PATCH", json: { baseUrl: "https://evil.example.com" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("credentials_required");
    expect(body.error.details?.fields.map((f) => f.path)).toEqual(["credentials.kind"]);

    // Half the credentials are not enough either: the missing one is named.
    const half = await api(`/platform-accounts/${id}`, actors.org.token, { method: "PATCH", json: { baseUrl: "https://evil.example.com", credentials: { kind: "basic", username: "lockstep" } } });
    expect(((await half.json()) as ErrorBody).error.details?.fields.map((f) => f.path)).toEqual(["credentials.password"]);

    const account = (await (await api(`/platform-accounts/${id}`, actors.org.token)).json()) as { baseUrl: string };
    expect(account.baseUrl).toBe("https://rt.sim.test");
    expect(((await (await testConnection(id)).json()) as { ok: boolean }).ok).toBe(true);
    expect(stolen).toEqual([]);
  });

  it("accept a new base URL with freshly typed credentials, and send only those there", async () => {
    const id = await addAccount();
    const res = await api(`/platform-accounts/${id}`, actors.org.token, {
      method: "PATCH",
      json: { baseUrl: "https://evil.example.com", credentials: { kind: "basic", username: "someone", password: "typed-for-evil" } },
    });
    expect(res.status).toBe(200);
    await testConnection(id);
    expect(stolen.length).toBeGreaterThan(0);
    for (const header of stolen) expect(atob(header.replace(/^Basic /, ""))).toBe("someone:typed-for-evil");
  });

  it("keep the stored credentials when the same base URL is sent again", async () => {
    const id = await addAccount();
    const res = await api(`/platform-accounts/${id}`, actors.org.token, { method: "PATCH", json: { name: "Renamed", baseUrl: "https://rt.sim.test/" } });
    expect(res.status).toBe(200);
    expect(((await (await testConnection(id)).json()) as { ok: boolean }).ok).toBe(true);
  });

  it("ask for the credentials again on the page when the base URL changes", async () => {
    const id = await addAccount();
    const csrf = await actors.owner.csrfFrom(`/platform-accounts/${id}`);
    const res = await actors.owner.post(`/platform-accounts/${id}`, {
      _csrf: csrf,
      name: "Support RT",
      baseUrl: "https://evil.example.com",
      "credentials.kind": "basic",
      "credentials.username": "",
      "credentials.password": "",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("A new base URL needs the account&#39;s credentials entered again");
    expect(html).toMatch(/id="field-credentials-password-error">Enter it again for the new base URL/);
    expect(html).toMatch(/id="field-credentials-username-error">/);
    await actors.owner.post(`/platform-accounts/${id}/test`, { _csrf: csrf });
    expect(stolen).toEqual([]);
  });

  it("send nothing when the row's base URL was changed behind the app's back", async () => {
    const id = await addAccount();
    const d = db();
    await d.update(platformAccounts).set({ baseUrl: "https://evil.example.com" }).where(eq(platformAccounts.id, id));

    const result = (await (await testConnection(id)).json()) as { ok: boolean; message: string };
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/not entered for this base URL.*Nothing was sent to evil.example.com/);

    // The sync engine builds its clients the same way: it refuses before any request.
    const [row] = await d.select().from(platformAccounts).where(eq(platformAccounts.id, id));
    let sent = 0;
    const fetch = async () => {
      sent += 1;
      return new Response("{}");
    };
    const built = clientFromRow({ fetch, encryptionKey: env.ENCRYPTION_KEY }, row!);
    await expect(built).rejects.toBeInstanceOf(ConnectorError);
    await expect(built).rejects.toMatchObject({ kind: "auth" });
    expect(sent).toBe(0);
    expect(stolen).toEqual([]);
  });

  it("open credentials saved before they were bound, once, and bind them to the URL they are at", async () => {
    const id = await addAccount();
    const d = db();
    const [row] = await d.select().from(platformAccounts).where(eq(platformAccounts.id, id));
    // As an install before the binding stored them: sealed to the row alone.
    const legacy = await new SecretBox(env.ENCRYPTION_KEY).encrypt(
      JSON.stringify({ kind: "basic", username: "lockstep", password: RT_PASSWORD }),
      `${row!.orgId}|${row!.id}|credentials`,
    );
    await d.update(platformAccounts).set({ credentialsCiphertext: legacy }).where(eq(platformAccounts.id, id));

    expect(((await (await testConnection(id)).json()) as { ok: boolean }).ok).toBe(true);
    const [upgraded] = await d.select().from(platformAccounts).where(eq(platformAccounts.id, id));
    expect(upgraded!.credentialsCiphertext).not.toBe(legacy);

    // Bound now: moved behind the app's back, they go nowhere.
    await d.update(platformAccounts).set({ baseUrl: "https://evil.example.com" }).where(eq(platformAccounts.id, id));
    expect(((await (await testConnection(id)).json()) as { ok: boolean }).ok).toBe(false);
    expect(stolen).toEqual([]);
  });
});
