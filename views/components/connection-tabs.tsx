// The tab strip every connection page shows, so an admin moves between a connection's overview,
// settings, mappings, description, sync, history, issues and links without going back to the
// list. One list of tabs here keeps the URLs the two page areas share in one place.
export type ConnectionTab =
  | "overview"
  | "settings"
  | "mappings"
  | "description"
  | "sync"
  | "history"
  | "issues"
  | "links";

export function connectionTabs(connectionId: string): { key: ConnectionTab; label: string; href: string }[] {
  const base = `/connections/${encodeURIComponent(connectionId)}`;
  return [
    { key: "overview", label: "Overview", href: base },
    { key: "settings", label: "Settings", href: `${base}/settings` },
    { key: "mappings", label: "Mappings", href: `${base}/mappings` },
    { key: "description", label: "Description", href: `${base}/description` },
    { key: "sync", label: "Sync", href: `${base}/sync` },
    { key: "history", label: "History", href: `/runs?connection=${encodeURIComponent(connectionId)}` },
    { key: "issues", label: "Issues", href: `${base}/issues` },
    { key: "links", label: "Links", href: `${base}/links` },
  ];
}

export function ConnectionTabs({ connectionId, active }: { connectionId: string; active: ConnectionTab }) {
  return (
    <nav class="connection-tabs" aria-label="Connection">
      <ul>
        {connectionTabs(connectionId).map((tab) => (
          <li>
            <a href={tab.href} aria-current={tab.key === active ? "page" : undefined}>
              {tab.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
