import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { api } from "../helpers";
import { useSimulatorNetwork } from "../support/simulator-network";
import { expectPageAndFragment, htmx, page, pageActors, writeForms } from "./page-support";

const network = useSimulatorNetwork();
let actors: Awaited<ReturnType<typeof pageActors>>;
type Account = { id: string; settings: Record<string, unknown>; credentialsSet: string[]; lastTest: { ok: boolean } | null };

beforeAll(async () => {
  actors = await pageActors();
});
beforeEach(() => {
  network.mount("rt.sim.test", createRequestTrackerSimulator().app);
});

const form = (browser: typeof actors.owner, path: string, fields: [string, string][], headers: Record<string, string> = {}) =>
  browser.fetch(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html", ...headers }, body: new URLSearchParams(fields).toString() });

const getAccount = async (id: string) => (await (await api(`/platform-accounts/${id}`, actors.org.token)).json()) as Account;

describe("platform account pages", () => {
  it("label each credential in words and say where to find it", async () => {
    const { body } = await page(actors.owner, "/platform-accounts/new?platform=connectwise");
    expect(body).toMatch(/<label for="field-credentials-publicKey">Public key<\/label>/);
    expect(body).toMatch(/<label for="field-credentials-companyId">Company ID<\/label>/);
    expect(body).toContain("System &gt; Members &gt; API Members");
    expect(body).toMatch(/<input id="field-credentials-privateKey" name="credentials.privateKey" type="password" required=""/);
  });

  it("ask only for the chosen sign-in method's fields, switching through htmx without sending a secret", async () => {
    const first = await page(actors.owner, "/platform-accounts/new?platform=request-tracker");
    expect(first.body).toContain('name="credentials.token"');
    expect(first.body).not.toContain('name="credentials.password"');
    // The switch includes only non-secret fields.
    expect(first.body).toContain(`hx-include="[name=&#39;platform&#39;],[name=&#39;name&#39;],[name=&#39;baseUrl&#39;],[name=&#39;credentials.kind&#39;]"`);

    const switched = await page(actors.owner, "/platform-accounts/new?platform=request-tracker&name=Support+RT&baseUrl=https%3A%2F%2Frt.sim.test&credentials.kind=basic", htmx);
    expect(switched.body).not.toContain("<html");
    expect(switched.body).toContain('name="credentials.password"');
    expect(switched.body).not.toContain('name="credentials.token"');
    expect(switched.body).toContain('value="Support RT"');
    expect(switched.body).toMatch(/<option value="basic" selected="">basic: Authenticate with HTTP Basic/);
  });

  it("offer list settings as choices or comma-separated values, with their defaults", async () => {
    const servicenow = await page(actors.owner, "/platform-accounts/new?platform=servicenow");
    expect(servicenow.body).toMatch(/<input type="checkbox" name="settings.ticketTypes" value="incident" checked=""\/>/);
    expect(servicenow.body).toMatch(/<input type="checkbox" name="settings.ticketTypes" value="problem"\/>/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(servicenow.body)![1]!;
    const base: [string, string][] = [["_csrf", csrf], ["platform", "servicenow"], ["name", "Contoso SN"], ["baseUrl", "https://contoso.service-now.com"], ["credentials.authType", "basic"], ["credentials.username", "lockstep"], ["credentials.password", "s3cret-pass"], ["settings.timeoutMs", "30000"]];

    const none = await form(actors.owner, "/platform-accounts", base);
    expect(none.status).toBe(400);
    const refused = await none.text();
    expect(refused).toMatch(/<fieldset class="checks field-invalid"><legend>Ticket types<\/legend>.*<p class="field-error">Too small/s);
    expect(refused).not.toContain("s3cret-pass");

    const created = await form(actors.owner, "/platform-accounts", [...base, ["settings.ticketTypes", "incident"], ["settings.ticketTypes", "sn_customerservice_case"]]);
    expect(created.status).toBe(303);
    const id = created.headers.get("Location")!.split("/").pop()!;
    expect((await getAccount(id)).settings["ticketTypes"]).toEqual(["incident", "sn_customerservice_case"]);

    const cw = await page(actors.owner, "/platform-accounts/new?platform=connectwise");
    expect(cw.body).toMatch(/name="settings.boardIds"[^>]*value=""/);
    const cwCsrf = /name="_csrf" value="([^"]+)"/.exec(cw.body)![1]!;
    const cwBase: [string, string][] = [["_csrf", cwCsrf], ["platform", "connectwise"], ["name", "Acme CW"], ["baseUrl", "https://cw.example.com/v4_6_release/apis/3.0"], ["credentials.companyId", "acme"], ["credentials.publicKey", "pub"], ["credentials.privateKey", "priv"], ["credentials.clientId", "c1"]];
    const bad = await form(actors.owner, "/platform-accounts", [...cwBase, ["settings.boardIds", "1, x"]]);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/id="field-settings-boardIds-error">/);
    const good = await form(actors.owner, "/platform-accounts", [...cwBase, ["settings.boardIds", "1, 7"]]);
    expect(good.status).toBe(303);
    const cwId = good.headers.get("Location")!.split("/").pop()!;
    expect((await getAccount(cwId)).settings["boardIds"]).toEqual([1, 7]);
    expect((await page(actors.owner, `/platform-accounts/${cwId}`)).body).toMatch(/name="settings.boardIds"[^>]*value="1, 7"/);
  });

  it("edit with the stored sign-in method shown, keeping credentials and the last test when only the name changes", async () => {
    const res = await api("/platform-accounts", actors.org.token, {
      method: "POST",
      json: { name: "Support RT", platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "lockstep-password" } },
    });
    const { id } = (await res.json()) as Account;
    const csrf = await actors.owner.csrfFrom(`/platform-accounts/${id}`);
    const tested = await form(actors.owner, `/platform-accounts/${id}/test`, [["_csrf", csrf]], { "HX-Request": "true" });
    expect(await tested.text()).toContain("Connection tested");

    const edit = (await page(actors.owner, `/platform-accounts/${id}`)).body;
    expect(edit).toMatch(/<option value="basic" selected="">basic: Authenticate with HTTP Basic/);
    expect(edit).toContain('name="credentials.password"');
    expect(edit).toMatch(/Stored now: Sign-in method, Username, Password\./);

    const renamed = await form(actors.owner, `/platform-accounts/${id}`, [["_csrf", csrf], ["name", "Support RT (prod)"], ["baseUrl", "https://rt.sim.test"], ["credentials.kind", "basic"], ["credentials.username", ""], ["credentials.password", ""]]);
    expect(renamed.status).toBe(303);
    const after = await getAccount(id);
    expect(after.lastTest?.ok).toBe(true);

    // Switching to a token asks for the token, and refuses to save without it.
    const switched = await form(actors.owner, `/platform-accounts/${id}`, [["_csrf", csrf], ["name", "Support RT (prod)"], ["baseUrl", "https://rt.sim.test"], ["credentials.kind", "token"], ["credentials.token", ""], ["credentials.username", ""]]);
    expect(switched.status).toBe(400);
    const body = await switched.text();
    expect(body).toMatch(/id="field-credentials-token-error">/);
    expect(body).toMatch(/<option value="token" selected="">token: Authenticate with `Authorization: token …`<\/option>/);
  });

  it("say in place why the platform data cannot be read", async () => {
    const res = await api("/platform-accounts", actors.org.token, {
      method: "POST",
      json: { name: "Wrong RT", platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "basic", username: "lockstep", password: "wrong-password" } },
    });
    const { id } = (await res.json()) as Account;
    const loaded = await page(actors.owner, `/platform-accounts/${id}/picklists`, htmx);
    expect(loaded.status).toBe(200);
    expect(loaded.body).toMatch(/^<div id="picklists"><div class="flash flash-error" role="alert">Could not read the platform&#39;s picklists: wrong credentials/);
    const csrf = await actors.owner.csrfFrom(`/platform-accounts/${id}`);
    const refreshed = await form(actors.owner, `/platform-accounts/${id}/picklists/refresh`, [["_csrf", csrf]], { "HX-Request": "true" });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.text()).toContain("Fix the base URL or credentials below");
  });

  it("render full pages and fragments, read-only for viewers, 404 for other organisations", async () => {
    const res = await api("/platform-accounts", actors.org.token, {
      method: "POST",
      json: { name: "Viewed RT", platform: "request-tracker", baseUrl: "https://rt.sim.test", credentials: { kind: "token", token: "1-20-lockstep-sim-token", username: "lockstep" } },
    });
    const { id } = (await res.json()) as Account;
    await expectPageAndFragment(actors.owner, "/platform-accounts", "Viewed RT");
    await expectPageAndFragment(actors.owner, `/platform-accounts/${id}`, "Test connection");
    const viewed = await page(actors.viewer, `/platform-accounts/${id}`);
    expect(viewed.status).toBe(200);
    expect(writeForms(viewed.body)).toEqual([]);
    expect(viewed.body).not.toContain("Refresh platform data</button>");
    expect((await page(actors.outsider, `/platform-accounts/${id}`)).status).toBe(404);
    expect((await page(actors.outsider, `/platform-accounts/${id}/picklists`, htmx)).status).toBe(404);
  });
});
