// Lockstep's JSON API as a client sees it: /api/v1 with a bearer token, the first organisation's
// owner's unless another is given (the partner's, or null for sign-up).
import { expect, inject } from "vitest";

export type Json = Record<string, unknown>;
export type Run = Json & {
  id: string; status: string; trigger: string; created: number; updated: number; closed: number; failed: number;
  errorCode: string | null; errorMessage: string | null; advice: string | null; ticketsDone: number;
  items?: (Json & { outcome: string; sourceTicketId: string | null; targetTicketId: string | null; errorCode: string | null; children: Json })[];
};

export async function api<T = Json>(method: string, path: string, body?: unknown, token: string | null = inject("apiToken")): Promise<{ status: number; body: T }> {
  const res = await fetch(`${inject("lockstepUrl")}/api/v1${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** The call, expecting this status; the answer's body otherwise in the failure message. */
export async function ok<T = Json>(method: string, path: string, body: unknown, status = 200, token?: string | null): Promise<T> {
  const res = await api<T>(method, path, body, token === undefined ? inject("apiToken") : token);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

const FINISHED = new Set(["success", "partial", "failed", "no_tickets"]);

/** Polls a run until it has finished; returns it with its items. */
export async function waitForRun(runId: string, timeoutMs = 170_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await ok<Run>("GET", `/runs/${runId}`, undefined);
    if (FINISHED.has(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Starts a manual run and waits for it to finish. */
export async function manualRun(connectionId: string, since?: string): Promise<Run> {
  const started = await ok<{ run: { id: string } }>("POST", `/connections/${connectionId}/runs`, { mode: "quick", ...(since ? { since } : {}) }, 202);
  return waitForRun(started.run.id);
}

export type RtAccountInput = { name: string; port: number; credentials: Json; queues: string[] };

/** Adds an RT platform account, tests it and refreshes its picklists. */
export async function addRtAccount(input: RtAccountInput, token?: string) {
  const account = await ok<{ id: string }>("POST", "/platform-accounts", {
    name: input.name,
    platform: "request-tracker",
    baseUrl: `http://127.0.0.1:${input.port}`,
    credentials: input.credentials,
    settings: { queues: input.queues },
  }, 201, token);
  const test = await ok<{ ok: boolean; message: string; identity: string | null }>("POST", `/platform-accounts/${account.id}/test`, undefined, 200, token);
  const picklists = await ok<{ picklists: { queues: { id: string; name: string }[]; customFields: { id: string; name: string; type: string; options?: string[] }[] } }>(
    "POST", `/platform-accounts/${account.id}/picklists/refresh`, undefined, 200, token);
  return { id: account.id, test, picklists: picklists.picklists };
}
