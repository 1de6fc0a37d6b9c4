// The audit log cannot be rewritten, even by code that reaches the database directly: UPDATE and
// DELETE are refused by triggers. Only deleting an organisation takes its log with it.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createOrganisation, setupFirstOrganisation } from "./helpers";

let owner: Awaited<ReturnType<typeof setupFirstOrganisation>>;
beforeAll(async () => {
  owner = await setupFirstOrganisation();
});

const entries = async (orgId: string) =>
  (await env.DB.prepare("SELECT action, actor_label FROM audit_log WHERE org_id = ?").bind(orgId).all<{ action: string; actor_label: string }>()).results;

describe("the audit log", () => {
  it("refuses to change an entry", async () => {
    const before = await entries(owner.organisation.id);
    expect(before.map((e) => e.action)).toContain("organisation.created");
    await expect(env.DB.prepare("UPDATE audit_log SET actor_label = 'someone else' WHERE org_id = ?").bind(owner.organisation.id).run()).rejects.toThrow(/append-only/);
    expect(await entries(owner.organisation.id)).toEqual(before);
  });

  it("refuses to delete an entry, one or all", async () => {
    const before = await entries(owner.organisation.id);
    await expect(env.DB.prepare("DELETE FROM audit_log WHERE org_id = ?").bind(owner.organisation.id).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM audit_log").run()).rejects.toThrow(/append-only/);
    expect(await entries(owner.organisation.id)).toEqual(before);
  });

  it("still takes new entries", async () => {
    const partner = await createOrganisation("Newcomer");
    expect((await entries(partner.organisation.id)).map((e) => e.action)).toEqual(["organisation.created"]);
  });

  it("goes with its organisation when the organisation is deleted", async () => {
    const leaving = await createOrganisation("Leaving");
    await env.DB.prepare("DELETE FROM organisations WHERE id = ?").bind(leaving.organisation.id).run();
    expect(await entries(leaving.organisation.id)).toEqual([]);
    expect((await entries(owner.organisation.id)).length).toBeGreaterThan(0);
  });
});
