// `npm run test:browser`: the admin journey of issue 7 in headless Chromium (Debian's, never a
// downloaded one), driven by playwright-core against Lockstep under `wrangler dev --env demo` on a
// fresh state. Every step saves a screenshot under artifacts/browser/. The run fails on any
// console error, page error, failed request or HTTP error answer, as well as on a failed step.
// wrangler's output is saved beside the screenshots.
//
//   BROWSER_TEST_URL=http://127.0.0.1:8787  use a Lockstep already running (on a fresh state)
//   CHROMIUM_PATH=/usr/bin/chromium          the browser to drive (default: Debian's)
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { ROOT, startDemoApp } from "./app-server.mjs";
import { journey } from "./journey.mjs";

const ARTIFACTS = path.join(ROOT, "artifacts", "browser");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });

const app = process.env.BROWSER_TEST_URL ? { baseUrl: process.env.BROWSER_TEST_URL, stop: async () => {}, output: () => "" } : await startDemoApp();
const problems = [];
let browser;
let failed = false;
try {
  browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
  // Each organisation has its own browser context (its own cookies): A at desktop size, B (the
  // partner, who may well open the invitation link on a phone) at 390 px.
  const watch = (page) => {
    page.setDefaultTimeout(20_000);
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
    page.on("requestfailed", (request) => {
      // A navigation that replaces a page cancels its pending polls: that is not a failure.
      if (request.failure()?.errorText === "net::ERR_ABORTED") return;
      problems.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    });
    // Destructive actions ask with window.confirm: the journey accepts each, and the log says so.
    page.on("dialog", async (dialog) => {
      console.log(`  confirm: ${dialog.message()}`);
      await dialog.accept();
    });
    return page;
  };
  const newPage = async (viewport = { width: 1280, height: 900 }) => watch(await (await browser.newContext({ baseURL: app.baseUrl, viewport })).newPage());
  const page = await newPage();

  let n = 0;
  /** A step of the journey; its screenshot is of `shot` (B's page for B's steps). */
  const step = async (name, work, shot = page) => {
    n += 1;
    const label = `${String(n).padStart(2, "0")}-${name}`;
    const started = Date.now();
    try {
      await work();
    } finally {
      await shot.screenshot({ path: path.join(ARTIFACTS, `${label}.png`), fullPage: true }).catch(() => undefined);
    }
    if (problems.length) throw new Error(`step ${label}:\n  ${problems.join("\n  ")}`);
    console.log(`✓ ${label} (${Date.now() - started} ms)`);
  };
  await journey({ page, newPage, baseUrl: app.baseUrl, step });
  console.log(`\nBrowser journey passed; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`);
} catch (error) {
  failed = true;
  console.error(`\n✗ Browser journey failed: ${error instanceof Error ? error.stack ?? error.message : error}`);
} finally {
  const log = app.output();
  if (log) writeFileSync(path.join(ARTIFACTS, "wrangler.log"), log);
  await browser?.close();
  await app.stop();
}
process.exit(failed ? 1 : 0);
