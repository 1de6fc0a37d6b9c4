// Test helpers: talk to the Worker exactly as a client would (through its fetch handler), and
// create organisations and users through the same services the app uses.
import { env, exports } from "cloudflare:workers";
import { createDb } from "../src/db/client";
import { organisationWithOwner, setUp } from "../src/services/setup";
import { mintToken } from "../src/services/api-tokens";
import { hashPassword } from "../src/crypto/password";
import { users } from "../src/db/schema";
import { newId } from "../src/lib/ids";
import { nowIso } from "../src/lib/time";
import type { Role } from "../src/auth/principal";

export const BASE = "https://lockstep.test";
export const db = () => createDb(env.DB);

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, BASE), init));
}

export function api(path: string, token: string | null, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  return call(`/api/v1${path}`, { ...init, headers, body });
}

export const PASSWORD = "correct horse battery";

let counter = 0;
function unique(label: string) {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The first organisation, through the public setup endpoint. */
export async function setupFirstOrganisation(name = "Acme MSP") {
  const email = `${unique("owner")}@acme.test`;
  const res = await api("/setup", null, {
    method: "POST",
    json: { organisation: { name }, owner: { name: "Olivia Owner", email, password: PASSWORD } },
  });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; organisation: { id: string }; owner: { id: string } };
  return { ...body, email };
}

/** Another organisation (a partner), made with the same service setup uses. */
export async function createOrganisation(name: string) {
  const email = `${unique("owner")}@${name.toLowerCase().replace(/\W+/g, "")}.test`;
  const d = db();
  const created = await organisationWithOwner(d, { organisation: { name }, owner: { name: `${name} Owner`, email, password: PASSWORD } });
  await d.batch([...created.statements]);
  return { token: created.token, organisation: created.organisation, owner: created.owner, email };
}

export async function addUser(orgId: string, role: Role) {
  const d = db();
  const now = nowIso();
  const user = { id: newId("usr"), orgId, name: `${role} user`, email: `${unique(role)}@example.test`, role, passwordHash: await hashPassword(PASSWORD), createdAt: now, updatedAt: now };
  const token = await mintToken(d, { orgId, userId: user.id, name: "test", role });
  await d.batch([d.insert(users).values(user), token.insert]);
  return { ...user, token: token.token };
}

export { setUp };

/** A tiny cookie jar, for page tests that sign in like a browser. */
export class Browser {
  private cookies = new Map<string, string>();

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await call(path, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return res;
  }

  cookie(name: string) {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  /** Reads the CSRF token from a page's form (or its hx-headers for signed-in pages). */
  async csrfFrom(path: string): Promise<string> {
    const html = await (await this.fetch(path, { headers: { Accept: "text/html" } })).text();
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF token on ${path}`);
    return match[1]!;
  }

  async post(path: string, fields: Record<string, string>, extraHeaders: Record<string, string> = {}): Promise<Response> {
    return this.fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html", ...extraHeaders },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async signIn(email: string, password = PASSWORD): Promise<Response> {
    const csrf = await this.csrfFrom("/login");
    return this.post("/login", { _csrf: csrf, email, password });
  }
}

/** A Request Tracker platform account for `token`'s organisation (never reached: for set-up tests). */
export async function addAccount(token: string, name: string): Promise<string> {
  const res = await api("/platform-accounts", token, {
    method: "POST",
    json: { name, platform: "request-tracker", baseUrl: "https://rt.example.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
  });
  if (res.status !== 201) throw new Error(`platform account not created: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
