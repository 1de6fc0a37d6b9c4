// A connection's ticket links: search the pairs, link two existing tickets by hand or many at
// once by partner reference, and unlink a pair (kept for history, no longer synced).
import type { Principal } from "../../src/auth/principal";
import type { TicketLinkView } from "../../src/schemas/connection-views";
import { SEARCH_MAX_CHARACTERS } from "../../src/lib/like-pattern";
import { ConnectionTabs } from "../components/connection-tabs";
import { CsrfField, Field, FormError, type FieldErrors } from "../components/form";
import { When } from "../components/run-bits";

export type LinkRow = TicketLinkView & { sourceUrl: string | null; targetUrl: string | null };
export type LinkFilters = { q?: string | undefined; state?: string | undefined };

const STATE_TEXT: Record<string, string> = { linked: "Linked", unlinked: "Unlinked", creating: "Being created" };

function TicketCell({ number, id, url }: { number: string | null; id: string | null; url: string | null }) {
  const text = number ?? id ?? "–";
  return url ? <a href={url} target="_blank" rel="noopener noreferrer">{text}</a> : <span>{text}</span>;
}

function query(filters: LinkFilters, cursor?: string) {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.state) params.set("state", filters.state);
  if (cursor) params.set("cursor", cursor);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function ConnectionLinksPage({
  principal,
  connection,
  links,
  nextCursor,
  filters,
  csrf,
  linkForm = {},
  bulkForm = {},
}: {
  principal: Principal;
  connection: { id: string; name: string; status: string };
  links: LinkRow[];
  nextCursor: string | null;
  filters: LinkFilters;
  csrf: string;
  linkForm?: { values?: Record<string, string | undefined>; errors?: FieldErrors; message?: string | undefined };
  bulkForm?: { values?: Record<string, string | undefined>; errors?: FieldErrors; message?: string | undefined };
}) {
  const canAdmin = principal.role !== "viewer" && connection.status !== "pending";
  const base = `/connections/${connection.id}/links`;
  return (
    <section>
      <h1>{connection.name}</h1>
      <ConnectionTabs connectionId={connection.id} active="links" />
      <form method="get" action={base} class="filters" role="search" aria-label="Search links">
        <div class="field">
          <label for="links-q">Ticket id or number</label>
          <input id="links-q" name="q" type="search" maxlength={SEARCH_MAX_CHARACTERS} value={filters.q} />
        </div>
        <div class="field">
          <label for="links-state">State</label>
          <select id="links-state" name="state">
            <option value="" selected={!filters.state}>Any</option>
            {Object.entries(STATE_TEXT).map(([v, t]) => (
              <option value={v} selected={filters.state === v}>{t}</option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      {links.length === 0 ? (
        <div class="card">
          <p>{filters.q || filters.state ? "No link matches." : "No ticket is linked yet. A sync links the tickets it creates; link tickets that already exist on both sides below."}</p>
        </div>
      ) : (
        <table class="table links">
          <thead>
            <tr>
              <th scope="col">Source ticket</th>
              <th scope="col">Target ticket</th>
              <th scope="col">First created on</th>
              <th scope="col">State</th>
              <th scope="col">Last synced</th>
              {canAdmin ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {links.map((l) => (
              <tr id={`link-${l.id}`} class={l.state === "unlinked" ? "row-muted" : undefined}>
                <td><TicketCell number={l.sourceNumber} id={l.sourceTicketId} url={l.sourceUrl} /></td>
                <td><TicketCell number={l.targetNumber} id={l.targetTicketId} url={l.targetUrl} /></td>
                <td>the {l.originSide} side</td>
                <td>{STATE_TEXT[l.state] ?? l.state}</td>
                <td><When iso={l.lastSyncedAt} /></td>
                {canAdmin ? (
                  <td>
                    {l.state === "linked" ? (
                      <form method="post" action={`/links/${l.id}/unlink`} class="inline" data-confirm={`Unlink ${l.sourceNumber ?? l.sourceTicketId} and ${l.targetNumber ?? l.targetTicketId}? Later changes to either ticket are no longer synced.`}>
                        <CsrfField token={csrf} />
                        <button type="submit" class="danger" aria-label={`Unlink ${l.sourceNumber ?? l.sourceTicketId} and ${l.targetNumber ?? l.targetTicketId}`}>Unlink</button>
                      </form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor ? (
        <nav class="pager" aria-label="Pages">
          <a href={`${base}${query(filters, nextCursor)}`} rel="next">More →</a>
        </nav>
      ) : null}
      {canAdmin ? (
        <div class="two-columns">
          <div class="card">
            <h2>Link two existing tickets</h2>
            <p class="help">From now on they are kept in step instead of a copy being created.</p>
            <FormError message={linkForm.message} />
            <form method="post" action={base}>
              <CsrfField token={csrf} />
              <Field name="sourceTicketId" label="Source ticket id" value={linkForm.values?.["sourceTicketId"]} errors={linkForm.errors} required help="The ticket's id on the source platform." />
              <Field name="sourceNumber" label="Source ticket number (optional)" value={linkForm.values?.["sourceNumber"]} errors={linkForm.errors} />
              <Field name="targetTicketId" label="Target ticket id" value={linkForm.values?.["targetTicketId"]} errors={linkForm.errors} required help="The ticket's id on the target platform." />
              <Field name="targetNumber" label="Target ticket number (optional)" value={linkForm.values?.["targetNumber"]} errors={linkForm.errors} />
              <button type="submit" class="primary">Link tickets</button>
            </form>
          </div>
          <div class="card">
            <h2>Link in bulk</h2>
            <p class="help">Pairs every source ticket with the target ticket whose partner reference holds its number (or the other way round). Nothing is created on either platform; linked tickets stay as they are.</p>
            <FormError message={bulkForm.message} />
            <form method="post" action={`${base}/bulk`}>
              <CsrfField token={csrf} />
              <Field name="since" label="Tickets updated since" type="date" value={bulkForm.values?.["since"]} errors={bulkForm.errors} required />
              <button type="submit">Link matching tickets</button>
            </form>
          </div>
        </div>
      ) : null}
    </section>
  );
}
