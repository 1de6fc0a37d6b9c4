// What every page test needs: browsers signed in as the owner, a viewer and an outsider, and
// the checks each page route must pass (full page, htmx fragment, no write controls for viewers).
import { expect } from "vitest";
import { addUser, Browser, createOrganisation, setupFirstOrganisation } from "../helpers";

export const html = { headers: { Accept: "text/html" } };
export const htmx = { headers: { Accept: "text/html", "HX-Request": "true" } };

export async function signedIn(email: string) {
  const browser = new Browser();
  const res = await browser.signIn(email);
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return browser;
}

/** The owner's organisation (set up first), a viewer in it, and another organisation. */
export async function pageActors() {
  const org = await setupFirstOrganisation();
  const viewer = await addUser(org.organisation.id, "viewer");
  const other = await createOrganisation(`Other ${Math.random().toString(36).slice(2, 6)}`);
  return { org, owner: await signedIn(org.email), viewer: await signedIn(viewer.email), outsider: await signedIn(other.email), other };
}

export async function page(browser: Browser, path: string, init = html) {
  const res = await browser.fetch(path, init);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** A full page has the frame; an htmx fragment has the same content without it. */
export async function expectPageAndFragment(browser: Browser, path: string, marker: string) {
  const full = await page(browser, path);
  expect(full.status).toBe(200);
  expect(full.body).toContain("<html");
  expect(full.body).toContain(marker);
  const fragment = await page(browser, path, htmx);
  expect(fragment.status).toBe(200);
  expect(fragment.body).not.toContain("<html");
  expect(fragment.body).not.toContain('class="topbar"');
  expect(fragment.body).toContain(marker);
}

/** Forms that change something; signing out is the only one a viewer may have. */
export function writeForms(body: string): string[] {
  return [...body.matchAll(/<form[^>]*method="post"[^>]*>/g)].map((m) => m[0]).filter((f) => !f.includes('action="/logout"'));
}
