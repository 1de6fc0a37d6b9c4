// After sign-in the browser goes back to `next`, which must be a path on this site: every form a
// browser could read as another site falls back to the dashboard, and line breaks answer 400.
import { beforeAll, describe, expect, it } from "vitest";
import { Browser, PASSWORD, setupFirstOrganisation } from "./helpers";

let owner: Awaited<ReturnType<typeof setupFirstOrganisation>>;
let signedIn: Browser;
beforeAll(async () => {
  owner = await setupFirstOrganisation();
  signedIn = new Browser();
  await signedIn.signIn(owner.email);
});

/** `next` as it appears in the address bar, percent-encoding and all. */
const HOSTILE = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "/%5Cevil.example",
  "/%5C%5Cevil.example",
  "/%09/evil.example",
  "/%2509/evil.example",
  "%09//evil.example",
  "/%00/evil.example",
  "/%7F/evil.example",
  "https://evil.example",
  "https:evil.example",
  "javascript:alert(1)",
  "evil.example",
  "/%2F/evil.example",
  "/%252F%252Fevil.example",
  `/${"a".repeat(5000)}`,
].map((next) => [next.length > 80 ? `a ${next.length}-character path` : next, next] as const);

async function signInWithNext(rawNext: string) {
  const browser = new Browser();
  // The sign-in form carries `next` from its own address, exactly as a browser would post it.
  const csrf = await browser.csrfFrom("/login");
  return browser.fetch("/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
    body: `_csrf=${encodeURIComponent(csrf)}&email=${encodeURIComponent(owner.email)}&password=${encodeURIComponent(PASSWORD)}&next=${rawNext}`,
  });
}

describe("the address to return to after sign-in", () => {
  it.each(HOSTILE)("`%s` sends the browser to the dashboard, never off-site", async (_, next) => {
    const res = await signInWithNext(encodeURIComponent(decodeSafely(next)));
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
  });

  it.each(HOSTILE)("`%s` while already signed in sends the browser to the dashboard", async (_, next) => {
    const res = await signedIn.fetch(`/login?next=${next}`, { headers: { Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
  });

  it("is not carried by the sign-in form when it is hostile", async () => {
    const html = await (await new Browser().fetch("/login?next=/%09/evil.example", { headers: { Accept: "text/html" } })).text();
    expect(html).not.toContain("evil.example");
  });

  it.each(["/%0D%0ASet-Cookie:%20x=1", "/%0Aevil", "/a%0D", "/%250D%250Aevil"])("`%s` (a line break) answers 400, not 500", async (next) => {
    expect((await signInWithNext(encodeURIComponent(decodeURIComponent(next)))).status).toBe(400);
    const page = await new Browser().fetch(`/login?next=${next}`, { headers: { Accept: "text/html" } });
    expect(page.status).toBe(400);
    expect((await signedIn.fetch(`/login?next=${next}`, { headers: { Accept: "text/html" } })).status).toBe(400);
  });

  it.each(["/users", "/connections?state=pending&page=2", "/runs/run_1#items"])("keeps a plain local path: `%s`", async (next) => {
    const res = await signInWithNext(encodeURIComponent(next));
    expect(res.headers.get("Location")).toBe(next);
  });
});

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
