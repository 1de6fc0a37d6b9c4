import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { requestTrackerConnector } from "../../src/connectors/request-tracker/index";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { useSimulatorNetwork } from "../support/simulator-network";
import { internalConnection, recordLink } from "../support/run-fixture";
import { expectPageAndFragment, page, pageActors, writeForms } from "./page-support";

const network = useSimulatorNetwork();
let a: ReturnType<typeof createRequestTrackerSimulator>;
let b: ReturnType<typeof createRequestTrackerSimulator>;
beforeEach(() => {
  a ??= createRequestTrackerSimulator();
  b ??= createRequestTrackerSimulator();
  network.mount("links-a.sim.test", a.app);
  network.mount("links-b.sim.test", b.app);
});

let actors: Awaited<ReturnType<typeof pageActors>>;
let connectionId: string;
let linkId: string;

beforeAll(async () => {
  actors = await pageActors();
  connectionId = await internalConnection(actors.org.token, actors.org.organisation.id, "links");
  linkId = await recordLink(connectionId, "101", "201");
  await recordLink(connectionId, "102", "202");
});

const path = () => `/connections/${connectionId}/links`;

describe("the Links page", () => {
  it("lists linked pairs with each ticket's page, as a page and a fragment", async () => {
    await expectPageAndFragment(actors.owner, path(), "Link two existing tickets");
    const { body } = await page(actors.owner, path());
    expect(body).toContain('href="https://links-a.sim.test/Ticket/Display.html?id=101"');
    expect(body).toContain('href="https://links-b.sim.test/Ticket/Display.html?id=202"');
  });

  it("searches by ticket id or number", async () => {
    const { body } = await page(actors.owner, `${path()}?q=202`);
    expect(body).toContain("id=202");
    expect(body).not.toContain("id=201");
  });

  it("answers a search too long to run with 400 and the limit, keeping the list", async () => {
    const { status, body } = await page(actors.owner, `${path()}?q=${"2".repeat(49)}`);
    expect(status).toBe(400);
    expect(body).toContain("at most 48 characters");
    expect(body).toContain("id=202");
  });

  it("links two existing tickets, with field errors next to the fields and conflicts said plainly", async () => {
    const csrf = await actors.owner.csrfFrom(path());
    const empty = await actors.owner.post(path(), { _csrf: csrf, sourceTicketId: "", targetTicketId: "300" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/id="field-sourceTicketId-error">/);
    const ok = await actors.owner.post(path(), { _csrf: csrf, sourceTicketId: "103", targetTicketId: "203" });
    expect(ok.status).toBe(303);
    expect((await page(actors.owner, path())).body).toContain("Linked 103 and 203.");
    const taken = await actors.owner.post(path(), { _csrf: csrf, sourceTicketId: "103", targetTicketId: "299" });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("Source ticket 103 is already linked in this connection");
  });

  it("unlinks a pair after asking, keeping it listed as unlinked", async () => {
    const { body } = await page(actors.owner, path());
    expect(body).toMatch(new RegExp(`action="/links/${linkId}/unlink" class="inline" data-confirm="Unlink 101 and 201\\?`));
    const csrf = await actors.owner.csrfFrom(path());
    const res = await actors.owner.post(`/links/${linkId}/unlink`, { _csrf: csrf });
    expect(res.headers.get("Location")).toBe(path());
    const after = (await page(actors.owner, `${path()}?state=unlinked`)).body;
    expect(after).toContain(`id="link-${linkId}" class="row-muted"`);
  });

  it("links in bulk by partner reference, and says so when a platform cannot be read", async () => {
    const target = requestTrackerConnector.create({
      fetch: (input, init) => fetch(input, init),
      config: { baseUrl: "https://links-b.sim.test", credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" }, settings: requestTrackerConnector.settingsSchema.parse({}) },
    });
    await target.createTicket("ticket", { title: "Copy of #1", queueId: "1", statusId: "open", priorityId: "50", partnerReference: "1" });
    const csrf = await actors.owner.csrfFrom(path());
    const res = await actors.owner.post(`${path()}/bulk`, { _csrf: csrf, since: "2024-01-01" });
    expect(res.status).toBe(303);
    expect((await page(actors.owner, path())).body).toMatch(/Linked 1 pair; 0 already linked; \d+ source tickets without a match\./);
    a.faults.next({ kind: "status", status: 401 });
    const refused = await actors.owner.post(`${path()}/bulk`, { _csrf: csrf, since: "2024-01-01" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("A platform could not be read, so nothing was linked");
  });

  it("gives viewers no form and another organisation 404", async () => {
    const { body } = await page(actors.viewer, path());
    expect(body).toContain("id=202");
    expect(writeForms(body)).toEqual([]);
    expect((await page(actors.outsider, path())).status).toBe(404);
    const csrf = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec((await page(actors.outsider, "/")).body)![1]!;
    expect((await actors.outsider.post(`/links/${linkId}/unlink`, { _csrf: csrf })).status).toBe(404);
  });
});
