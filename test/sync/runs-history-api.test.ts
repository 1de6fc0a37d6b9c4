import { beforeAll, describe, expect, it } from "vitest";
import { api, createOrganisation, setupFirstOrganisation } from "../helpers";
import { internalConnection, recordLink, recordRun } from "../support/run-fixture";

let org: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let first: string;
let second: string;

beforeAll(async () => {
  org = await setupFirstOrganisation();
  first = await internalConnection(org.token, org.organisation.id, "hist1");
  second = await internalConnection(org.token, org.organisation.id, "hist2");
});

type RunList = { data: { id: string; connectionId: string; status: string }[]; nextCursor: string | null };

describe("the sync history API", () => {
  it("lists the runs of every connection newest first, filtered by connection, status and period", async () => {
    const old = await recordRun(first, { status: "failed", startedAt: new Date(Date.now() - 20 * 86_400_000).toISOString() });
    const a = await recordRun(first, { status: "success" });
    const b = await recordRun(second, { status: "partial" });
    const all = (await (await api("/runs", org.token)).json()) as RunList;
    expect(all.data.map((r) => r.id).slice(0, 3)).toEqual([b, a, old]);
    const onlyFirst = (await (await api(`/runs?connectionId=${first}`, org.token)).json()) as RunList;
    expect(onlyFirst.data.every((r) => r.connectionId === first)).toBe(true);
    const partial = (await (await api("/runs?status=partial", org.token)).json()) as RunList;
    expect(partial.data.map((r) => r.id)).toEqual([b]);
    const recent = (await (await api(`/runs?from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`, org.token)).json()) as RunList;
    expect(recent.data.map((r) => r.id)).not.toContain(old);
    const paged = (await (await api("/runs?limit=1", org.token)).json()) as RunList;
    expect(paged.data.map((r) => r.id)).toEqual([b]);
    const next = (await (await api(`/runs?limit=1&cursor=${paged.nextCursor}`, org.token)).json()) as RunList;
    expect(next.data.map((r) => r.id)).toEqual([a]);
  });

  it("shows another organisation none of them", async () => {
    const other = await createOrganisation("Outsider");
    expect(((await (await api("/runs", other.token)).json()) as RunList).data).toEqual([]);
    expect((await api(`/runs?connectionId=${first}`, other.token)).status).toBe(404);
  });

  it("gives each item the ticket's page on the platform and its comment, attachment and time entry counts", async () => {
    const link = await recordLink(first, "41", "42");
    const children = { comments: { synced: 2, failed: 1, skipped: 0, errors: [{ id: "7", code: "validation_failed", message: "note too long" }] } };
    const run = await recordRun(first, { status: "partial" }, [{ outcome: "updated", ticketLinkId: link, sourceTicketId: "41", targetTicketId: "42", sourceNumber: "41", targetNumber: "42", childCounts: JSON.stringify(children) }]);
    const detail = (await (await api(`/runs/${run}`, org.token)).json()) as { items: { sourceUrl: string; targetUrl: string; children: typeof children }[] };
    expect(detail.items[0]!.sourceUrl).toBe("https://hist1-a.sim.test/Ticket/Display.html?id=41");
    expect(detail.items[0]!.targetUrl).toBe("https://hist1-b.sim.test/Ticket/Display.html?id=42");
    expect(detail.items[0]!.children.comments).toEqual(children.comments);
  });
});
