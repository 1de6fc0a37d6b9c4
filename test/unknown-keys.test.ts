// A key the API does not know is refused with its path and the key it probably meant: zod would
// drop it, and the admin would believe a setting saved that no run ever sees.
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { unknownKeys } from "../src/api/unknown-keys";
import { sideSettingsSchema } from "../src/schemas/connections";
import { api, setupFirstOrganisation } from "./helpers";

type ErrorBody = { error: { code: string; message: string; details: { fields: { path: string; message: string }[] } } };

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let accountId: string;
let connectionId: string;

beforeAll(async () => {
  org = await setupFirstOrganisation("Strict Keys MSP");
  const account = await api("/platform-accounts", org.token, {
    method: "POST",
    json: { name: "RT", platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
  });
  expect(account.status).toBe(201);
  accountId = ((await account.json()) as { id: string }).id;
  const second = await api("/platform-accounts", org.token, {
    method: "POST",
    json: { name: "RT 2", platform: "request-tracker", baseUrl: "https://rt2.sim.test", credentials: { kind: "basic", username: "lockstep", password: "secret-password" } },
  });
  const created = await api("/connections", org.token, {
    method: "POST",
    json: { name: "Strict", role: "source", platformAccountId: accountId, partnerAccountId: ((await second.json()) as { id: string }).id },
  });
  expect(created.status).toBe(201);
  connectionId = ((await created.json()) as { id: string }).id;
});

async function refused(res: Response): Promise<ErrorBody["error"]> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe("invalid_input");
  return body.error;
}

describe("unknown keys in a request", () => {
  it("a misspelt run option is refused rather than ignored (a real run would start)", async () => {
    const error = await refused(await api(`/connections/${connectionId}/runs`, org.token, { method: "POST", json: { mode: "quick", dryrun: true } }));
    expect(error.details.fields).toEqual([{ path: "dryrun", message: expect.stringContaining("did you mean `dryRun`") }]);
    const runs = (await (await api(`/connections/${connectionId}/runs`, org.token)).json()) as { data: unknown[] };
    expect(runs.data).toHaveLength(0);
  });

  it("a connection setting nobody reads is refused, and nothing of the request is saved", async () => {
    const before = (await (await api(`/connections/${connectionId}`, org.token)).json()) as { name: string; settings: { manualCooldownSeconds: number } };
    const error = await refused(
      await api(`/connections/${connectionId}`, org.token, { method: "PATCH", json: { name: "Renamed", settings: { manualCooldown: 5, bidirectionalCreation: { enabled: true, fitler: {} } } } }),
    );
    expect(error.details.fields.map((f) => f.path)).toEqual(["settings.bidirectionalCreation.fitler", "settings.manualCooldown"]);
    expect(error.details.fields[1]!.message).toContain("did you mean `manualCooldownSeconds`");
    const after = (await (await api(`/connections/${connectionId}`, org.token)).json()) as typeof before;
    expect(after).toEqual(before);
  });

  it("a side setting in the wrong case is refused with the key it meant", async () => {
    const error = await refused(
      await api(`/connections/${connectionId}`, org.token, { method: "PATCH", json: { side: { side: "target", settings: { defaults: { statusID: "open" }, comments: { internal: true } } } } }),
    );
    expect(error.details.fields).toEqual([{ path: "side.settings.defaults.statusID", message: expect.stringContaining("did you mean `statusId`") }]);
  });

  it("known keys, null removals and free-form maps still pass", async () => {
    const res = await api(`/connections/${connectionId}`, org.token, {
      method: "PATCH",
      json: { settings: { manualCooldownSeconds: 30, alerts: { webhookUrl: null } }, side: { side: "target", settings: { defaults: { statusId: "open", priorityId: null } } } },
    });
    expect(res.status).toBe(200);
  });

  it("a platform account's settings and credentials are held to the platform's fields", async () => {
    const settings = await refused(await api(`/platform-accounts/${accountId}`, org.token, { method: "PATCH", json: { settings: { queue: ["General"] } } }));
    expect(settings.details.fields).toEqual([{ path: "settings.queue", message: expect.stringContaining("did you mean `queues`") }]);
    const credentials = await refused(await api(`/platform-accounts/${accountId}`, org.token, { method: "PATCH", json: { credentials: { pasword: "new-secret" } } }));
    expect(credentials.details.fields[0]!.path).toBe("credentials.pasword");
    const created = await refused(
      await api("/platform-accounts", org.token, {
        method: "POST",
        json: { name: "RT 3", platform: "request-tracker", baseUrl: "https://rt3.sim.test", credentials: { kind: "basic", username: "u", password: "p" }, settings: { timeout: 5 } },
      }),
    );
    expect(created.details.fields[0]!.path).toBe("settings.timeout");
  });

  it("a misspelt query filter is refused rather than listing everything", async () => {
    const error = await refused(await api(`/connections/${connectionId}/runs?stauts=failed`, org.token));
    expect(error.details.fields).toEqual([{ path: "stauts", message: expect.stringContaining("did you mean `status`") }]);
    expect((await api(`/connections/${connectionId}/runs?status=failed&limit=5`, org.token)).status).toBe(200);
  });
});

describe("unknownKeys", () => {
  it("follows arrays, records, unions and wrappers, and stops at free-form values", () => {
    const schema = z.object({
      list: z.array(z.object({ a: z.string() })).default([]),
      map: z.record(z.string(), z.object({ b: z.number() })),
      either: z.discriminatedUnion("kind", [z.object({ kind: z.literal("x"), x: z.string() }), z.object({ kind: z.literal("y"), y: z.string() })]).optional(),
      free: z.record(z.string(), z.unknown()),
      loose: z.looseObject({ c: z.string() }),
    });
    const found = unknownKeys(schema, { list: [{ a: "1", z: 1 }], map: { k: { b: 1, bb: 2 } }, either: { kind: "x", y: "ok", w: 1 }, free: { anything: { deep: 1 } }, loose: { other: 1 }, top: 1 });
    expect(found.map((f) => f.path.join("."))).toEqual(["either.w", "list.0.z", "map.k.bb", "top"]);
  });

  it("knows every side setting the pages and runs read", () => {
    const all = sideSettingsSchema.parse({});
    expect(unknownKeys(sideSettingsSchema, all)).toEqual([]);
  });
});
