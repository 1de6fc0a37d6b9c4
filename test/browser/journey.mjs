// The journey of issues 7 and 16, as people would click it, with two organisations: A
// (Northwind) sets up, adds its ConnectWise account and creates a connection, getting an
// invitation link; B (Contoso, on a 390 px phone) opens the link, signs up with its code, adds
// its ServiceNow account from the accept page, tests it in place and accepts; A sees it active.
// Each sets only its own side; A maps status and priority (one status deliberately left
// unpaired) → a manual sync with its progress bar → history → the run detail showing the
// failing ticket with its advice → the mapping fixed → retry → success; B sees the history too.
import assert from "node:assert/strict";

const OWNER = { name: "Olivia Owner", email: "olivia@northwind.test", password: "correct horse battery staple" };
const PARTNER = { organisation: "Contoso", name: "Cara Contoso", email: "cara@contoso.test", password: "plum tractor mosaic lantern" };

/** ConnectWise Service Desk statuses paired with ServiceNow incident states, but for one. */
const STATUS_PAIRS = { "New": "New", "In Progress": "In Progress", "Resolved": "Resolved", "Closed": "Closed" };
/** The status left unpaired at first: its tickets fail with value_not_mapped. */
const UNPAIRED = { source: "Waiting on Customer", target: "On Hold" };

/** Chooses the option of `select` whose text contains `text`. */
async function choose(select, text) {
  const value = await select.evaluate((el, wanted) => [...el.options].find((o) => o.textContent.includes(wanted))?.value ?? null, text);
  assert.notEqual(value, null, `no option "${text}"`);
  await select.selectOption(value);
}

export async function journey({ page, newPage, baseUrl, step }) {
  const origin = new URL(baseUrl).origin;

  await step("first-run-setup", async () => {
    await page.goto("/");
    assert.match(page.url(), /\/setup$/, "a fresh install sends the first visitor to setup");
    await page.getByLabel("Organisation name").fill("Northwind MSP");
    await page.getByLabel("Your name").fill(OWNER.name);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Create organisation" }).click();
    await page.getByRole("heading", { name: "Lockstep is ready" }).waitFor();
    await page.getByRole("link", { name: "Go to the dashboard" }).click();
    await page.getByText("let's sync your first tickets").waitFor();
  });

  const addAccount = async (platform, name, baseUrlOfSim, fill) => {
    await page.goto("/platform-accounts");
    await page.getByRole("link", { name: "Add a platform account" }).click();
    await page.getByRole("link", { name: platform }).click();
    await page.getByLabel("Name").first().fill(name);
    await page.getByLabel("Base URL").fill(baseUrlOfSim);
    await fill();
    await page.getByRole("button", { name: "Save account" }).click();
    await page.getByText(`${name} saved. Test the connection next.`).waitFor();
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.locator("#test-result").getByText("Connection tested").waitFor();
  };

  await step("connectwise-account-tested", () =>
    addAccount("ConnectWise PSA (Manage)", "Northwind ConnectWise", `${origin}/__sim/connectwise/v4_6_release/apis/3.0`, async () => {
      await page.getByLabel("Company ID", { exact: true }).fill("lockstep");
      await page.getByLabel("Public key", { exact: true }).fill("pub-key-123");
      await page.getByLabel("Private key", { exact: true }).fill("priv-key-456");
      await page.getByLabel("Client ID", { exact: true }).fill("4d0a3f4e-1c2b-4c5d-9e8f-0a1b2c3d4e5f");
    }),
  );

  let invitationLink = "";
  let connection = "";
  await step("invitation-created", async () => {
    await page.goto("/connections");
    await page.getByRole("link", { name: "New connection" }).click();
    await page.getByLabel("Contract name").fill("Northwind ⇄ Contoso service desk");
    await choose(page.getByLabel("Your platform account"), "Northwind ConnectWise");
    await choose(page.getByLabel("The other side"), "A partner organisation");
    await page.getByRole("button", { name: "Create connection" }).click();
    await page.getByRole("heading", { name: "Invitation created" }).waitFor();
    invitationLink = (await page.getByLabel("Invitation link").innerText()).trim();
    assert.match(invitationLink, /\/accept\?code=[0-9A-Z-]{19}$/);
    await page.screenshot({ path: "artifacts/browser/03a-invitation-link.png", fullPage: true });
    await page.getByRole("link", { name: "Set up your side meanwhile" }).click();
    connection = new URL(page.url()).pathname.replace(/\/settings$/, "");
  });

  // B: the partner, on its phone, with its own cookies.
  const partner = await newPage({ width: 390, height: 844 });
  await step("partner-opens-invitation", async () => {
    await partner.goto(invitationLink);
    await partner.getByRole("heading", { name: /Northwind MSP invites you to “Northwind ⇄ Contoso service desk”/ }).waitFor();
    await partner.getByText("Not your companies, people, accounts or credentials").waitFor();
    await partner.getByRole("link", { name: "Sign in to accept" }).waitFor();
    // The same page at desktop width, for the record.
    await partner.setViewportSize({ width: 1280, height: 900 });
    await partner.screenshot({ path: "artifacts/browser/04a-partner-opens-invitation-desktop.png", fullPage: true });
    await partner.setViewportSize({ width: 390, height: 844 });
  }, partner);

  await step("partner-signs-up", async () => {
    await partner.getByLabel("Organisation name").fill(PARTNER.organisation);
    await partner.getByLabel("Your name").fill(PARTNER.name);
    await partner.getByLabel("Email").fill(PARTNER.email);
    await partner.getByLabel("Password").fill(PARTNER.password);
    await partner.getByRole("button", { name: "Create organisation" }).click();
    await partner.getByRole("heading", { name: "Your organisation is ready" }).waitFor();
  }, partner);

  await step("partner-accept-page-without-account", async () => {
    await partner.getByRole("link", { name: /Next: connect your platform and accept Northwind MSP's invitation/ }).click();
    await partner.getByRole("heading", { name: "Accept a connection" }).waitFor();
    await partner.getByRole("heading", { name: "1. Add your platform account" }).waitFor();
  }, partner);

  await step("partner-adds-servicenow-account", async () => {
    await partner.getByRole("link", { name: "Add a platform account" }).click();
    await partner.getByRole("link", { name: "ServiceNow" }).click();
    await partner.getByLabel("Name").first().fill("Contoso ServiceNow");
    await partner.getByLabel("Base URL").fill(`${origin}/__sim/servicenow`);
    assert.equal(await partner.getByLabel("Sign-in method", { exact: true }).inputValue(), "basic");
    await partner.getByLabel("Username", { exact: true }).fill("lockstep.integration");
    await partner.getByLabel("Password", { exact: true }).fill("sn-password");
    await partner.getByRole("button", { name: "Save account" }).click();
    // Back on the accept page, the invitation still explained.
    await partner.getByText("Contoso ServiceNow saved. Test its connection below.").waitFor();
    await partner.getByRole("heading", { name: /Northwind MSP invites you/ }).waitFor();
  }, partner);

  await step("partner-tests-account-in-place", async () => {
    await partner.getByRole("button", { name: "Test connection" }).click();
    await partner.getByText("Connection tested").first().waitFor();
    assert.match(partner.url(), /\/connections\/accept\?code=/);
  }, partner);

  await step("partner-accepts", async () => {
    await choose(partner.getByLabel("Your platform account"), "Contoso ServiceNow");
    await partner.getByRole("button", { name: "Accept connection" }).click();
    await partner.getByText("You joined “Northwind ⇄ Contoso service desk”").waitFor();
  }, partner);

  await step("inviter-sees-it-active", async () => {
    await page.goto(connection);
    await page.getByText("Contoso accepted the connection").waitFor();
    await page.locator("h1 .badge", { hasText: "Active" }).waitFor();
  });

  await step("partner-sets-its-side-only", async () => {
    // Target: where created incidents land, with what status and priority; B's side alone.
    await partner.goto(`${connection}/settings`);
    assert.equal(await partner.getByRole("link", { name: "Source side" }).count(), 0, "the partner's side is not offered");
    await choose(partner.locator("#side-settings").getByLabel(/^Status/), "New");
    await choose(partner.locator("#side-settings").getByLabel(/^Priority/), "Low");
    await partner.getByRole("button", { name: "Save your side" }).click();
    await partner.locator(".flash-success").waitFor();
  }, partner);

  await step("inviter-sets-its-side-only", async () => {
    // Source: only the Service Desk board's tickets are synced; A's side alone.
    await page.goto(`${connection}/settings`);
    assert.equal(await page.getByRole("link", { name: "Target side" }).count(), 0, "the partner's side is not offered");
    await page.getByRole("group", { name: "Boards / queues / groups" }).getByLabel("Service Desk", { exact: true }).check();
    await page.getByRole("button", { name: "Save your side" }).click();
    await page.locator(".flash-success").waitFor();
    // No cooldown, so that the retry after fixing the mapping may start at once.
    await page.getByLabel("Cooldown between manual syncs (seconds)").fill("0");
    await page.getByRole("button", { name: "Save shared settings" }).click();
    await page.locator(".flash-success").waitFor();
  });

  await step("status-and-priority-mapped", async () => {
    await page.getByRole("link", { name: "Mappings" }).click();
    await page.getByRole("button", { name: "Map status and priority" }).click();
    await page.locator(".flash-success").waitFor();
    // Equal names were paired; ConnectWise's "Priority 1 - Critical" is ServiceNow's "1 - Critical".
    await page.getByRole("link", { name: "Edit priority to priority" }).click();
    await page.getByRole("heading", { name: /edit a mapping/ }).waitFor();
    const rows = page.locator("#value-pairs tbody tr");
    for (let i = 0; i < (await rows.count()); i++) {
      const source = await rows.nth(i).locator("select").first().evaluate((el) => el.selectedOptions[0]?.textContent ?? "");
      const level = /^Priority (\d)/.exec(source)?.[1];
      if (level) await choose(rows.nth(i).locator("select").nth(1), `${level} - `);
    }
    await page.getByRole("button", { name: "Save mapping" }).click();
    await page.locator(".flash-success").waitFor();
    const priority = page.locator("tr", { hasText: "Priority" }).filter({ hasText: "pairs" });
    await priority.getByText("4 pairs").waitFor();
    // Status keeps "Waiting on Customer" unpaired on purpose: its tickets must fail, with advice.
    await page.getByText(UNPAIRED.source).first().waitFor();
  });

  await step("manual-sync-progress-bar", async () => {
    await page.getByRole("link", { name: "Sync", exact: true }).click();
    await page.getByText("Initial sync required").first().waitFor();
    await page.getByRole("textbox", { name: /^Start date/ }).fill("2024-03-01");
    await page.getByLabel(/Quick sync/).check();
    // The simulators answer in microseconds; with the latency of a real platform the run lasts
    // long enough to watch its bar move (at 25 ms it could end within the first 1 s poll).
    await page.request.post(`${origin}/__sim/_control/latency?ms=150`);
    await page.getByRole("button", { name: "Start sync" }).click();
    await page.getByText("Sync started.").waitFor();
    // The bar is there while the run waits or goes, then the polled card shows the result.
    const bar = page.locator("#sync-state progress");
    await bar.waitFor({ state: "attached" });
    await page.screenshot({ path: "artifacts/browser/14a-progress-bar.png", fullPage: true });
    // The bar moves: polled every second, it counts tickets done of the total.
    await page.locator("#sync-state label", { hasText: /: [1-9]\d* of \d+ tickets/ }).waitFor();
    await page.screenshot({ path: "artifacts/browser/14b-progress-bar-moving.png", fullPage: true });
    await page.locator("#sync-state").getByText("Last run:").waitFor({ timeout: 60_000 });
    await page.locator("#sync-state progress").waitFor({ state: "detached" });
    await page.locator("#sync-state .badge.run-partial").waitFor();
    await page.getByText("Ready for automatic sync").first().waitFor();
    await page.request.post(`${origin}/__sim/_control/latency?ms=0`);
  });

  await step("history", async () => {
    await page.getByRole("link", { name: "History", exact: true }).first().click();
    await page.getByRole("heading", { name: "Sync history" }).waitFor();
    const row = page.locator("table.runs tbody tr").first();
    await row.getByText("Partly failed").waitFor();
    await row.getByText(/\d+ created/).waitFor();
  });

  await step("run-detail-failing-ticket-with-advice", async () => {
    await page.locator("table.runs tbody tr").first().getByRole("link").first().click();
    await page.getByRole("link", { name: /^Failed \(\d+\)$/ }).click();
    const failed = page.locator("table.run-items tbody tr.row-failed").first();
    await failed.getByText("value_not_mapped").waitFor();
    await failed.getByText(UNPAIRED.source).waitFor();
    await failed.getByText("What to do:").waitFor();
    await failed.getByText("Open the connection's field mappings, add a pair for the value named in the message, then retry the ticket.").waitFor();
    // The source ticket links to its page on (simulated) ConnectWise.
    const href = await failed.locator("td").nth(1).getByRole("link").getAttribute("href");
    assert.match(href, /__sim\/connectwise\/v4_6_release\/services\/system_io\/Service\/fv_sr100_request\.rpp\?service_recid=\d+/);
  });

  await step("mapping-fixed", async () => {
    await page.goto(`${connection}/mappings`);
    await page.getByRole("link", { name: "Edit status to status" }).click();
    await page.getByRole("heading", { name: /edit a mapping/ }).waitFor();
    const rows = page.locator("#value-pairs tbody tr");
    let fixed = false;
    for (let i = 0; i < (await rows.count()) && !fixed; i++) {
      const source = await rows.nth(i).locator("select").first().evaluate((el) => el.selectedOptions[0]?.textContent ?? "");
      if (!source.startsWith(UNPAIRED.source)) continue;
      await choose(rows.nth(i).locator("select").nth(1), UNPAIRED.target);
      fixed = true;
    }
    assert.ok(fixed, `a row for ${UNPAIRED.source}`);
    await page.getByRole("button", { name: "Save mapping" }).click();
    await page.locator(".flash-success").waitFor();
  });

  await step("retry-from-issues", async () => {
    await page.getByRole("link", { name: "Issues", exact: true }).click();
    await page.locator("table.issues").getByText("value_not_mapped").first().waitFor();
    await page.getByRole("button", { name: "Retry all now" }).click();
    await page.getByText("Retrying:").waitFor();
    await page.locator("#sync-state").getByText("Last run:").waitFor();
    await page.locator("#sync-state progress").waitFor({ state: "detached", timeout: 60_000 });
  });

  await step("success", async () => {
    await page.locator("#sync-state").getByRole("link", { name: "See what it did" }).click();
    const failedRows = await page.locator("table.run-items tr.row-failed").allInnerTexts();
    assert.deepEqual(failedRows, [], "no ticket fails once the mapping is fixed");
    await page.locator("h2 .badge.run-success").waitFor();
    assert.equal(await page.locator("table.run-items tr.row-failed").count(), 0);
    await page.getByRole("link", { name: "Issues", exact: true }).click();
    await page.getByText("No open issue: every ticket synced on its last try.").waitFor();
  });

  await step("dashboard", async () => {
    // What the runs did, as the history lists it, is what the charts draw for today.
    await page.goto("/runs");
    const totals = { synced: 0, failed: 0 };
    for (const text of await page.locator("table.runs tbody tr").allInnerTexts()) {
      const [created, updated, closed, , failed] = [...text.matchAll(/(\d+) (created|updated|closed|skipped|failed)/g)].map((m) => Number(m[1]));
      totals.synced += created + updated + closed;
      totals.failed += failed;
    }
    assert.ok(totals.synced > 0 && totals.failed > 0);
    await page.getByRole("link", { name: "Dashboard" }).click();
    const row = page.locator("table.health tbody tr", { hasText: "Northwind ⇄ Contoso service desk" });
    await row.locator(".badge.run-success").waitFor();
    assert.equal((await row.locator("td").nth(2).innerText()).trim(), "0", "no failure in a row");
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(await page.locator(`#chart-synced rect[data-day="${today}"]`).getAttribute("data-value"), String(totals.synced));
    assert.equal(await page.locator(`#chart-failed rect[data-day="${today}"]`).getAttribute("data-value"), String(totals.failed));
  });

  await step("partner-sees-the-history", async () => {
    await partner.goto("/runs");
    await partner.getByRole("heading", { name: "Sync history" }).waitFor();
    await partner.locator("table.runs tbody tr").first().getByText(/\d+ created/).waitFor();
    await partner.goto(connection);
    await partner.getByText("Your organisation accepted the connection").waitFor();
  }, partner);
}
