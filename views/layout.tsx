// The page frame: navigation, the signed-in user and organisation, the flash area. htmx is
// served from our own /vendor folder; the CSRF token rides on every htmx request via hx-headers.
import type { Child } from "hono/jsx";
import type { Principal } from "../src/auth/principal";

export const HTMX_PATH = "/vendor/htmx-2.0.11.min.js";

export type LayoutProps = {
  title: string;
  principal?: Principal | undefined;
  csrfToken?: string | undefined;
  flash?: { kind: "success" | "error" | "info"; message: string } | undefined;
  active?: string;
  /** An install operator (OPERATOR_EMAILS): the menu shows the Operator page. */
  operator?: boolean;
  children?: Child;
};

const NAV: { href: string; label: string; minRole?: "admin" }[] = [
  { href: "/", label: "Dashboard" },
  { href: "/connections", label: "Connections" },
  { href: "/runs", label: "History" },
  { href: "/platform-accounts", label: "Platform accounts" },
  { href: "/users", label: "Users" },
  { href: "/billing", label: "Billing" },
  { href: "/tokens", label: "API tokens", minRole: "admin" },
  { href: "/audit-log", label: "Audit log", minRole: "admin" },
  { href: "/api-docs", label: "API reference" },
];

export function Layout({ title, principal, csrfToken, flash, active, operator = false, children }: LayoutProps) {
  const canAdmin = principal ? principal.role !== "viewer" : false;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Lockstep`}</title>
        <link rel="stylesheet" href="/css/app.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {/* No inline styles from htmx: the CSP allows only our own stylesheet. */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false}' />
        <script src={HTMX_PATH} defer></script>
        <script src="/js/app.js" defer></script>
      </head>
      <body hx-headers={csrfToken ? JSON.stringify({ "X-CSRF-Token": csrfToken }) : undefined}>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="topbar">
          <a class="brand" href="/">Lockstep</a>
          {principal ? (
            <nav aria-label="Main">
              <ul>
                {NAV.filter((item) => !item.minRole || canAdmin).map((item) => (
                  <li>
                    <a href={item.href} aria-current={active === item.href ? "page" : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
                {operator ? (
                  <li>
                    <a href="/operator" aria-current={active === "/operator" ? "page" : undefined}>Operator</a>
                  </li>
                ) : null}
              </ul>
            </nav>
          ) : null}
          {principal ? (
            <div class="whoami">
              <span>
                <a href="/account" title="Your account and password">{principal.userName}</a> · {principal.orgName} <span class={`badge badge-${principal.role}`}>{principal.role}</span>
              </span>
              <form method="post" action="/logout">
                <input type="hidden" name="_csrf" value={csrfToken} />
                <button type="submit" class="link-button">Sign out</button>
              </form>
            </div>
          ) : null}
        </header>
        <main id="main">
          <div id="flash" aria-live="polite">
            {flash ? (
              <div class={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
                {flash.message}
              </div>
            ) : null}
          </div>
          {children}
        </main>
      </body>
    </html>
  );
}
