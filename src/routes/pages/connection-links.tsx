// A connection's links page: the same services as /api/v1/connections/:id/links and /links/:id.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { createLinkSchema, linkSearchSchema, linkStateSchema } from "../../schemas/connection-views";
import { SEARCH_TOO_LONG } from "../../lib/like-pattern";
import { findVisibleConnection } from "../../services/connections";
import { bulkLink, createLink, listLinks, unlink } from "../../services/ticket-links";
import { ticketPageLinker } from "../../services/ticket-pages";
import { ConnectionLinksPage } from "../../../views/pages/connection-links";
import type { FieldErrors } from "../../../views/components/form";
import { ConnectorError } from "../../connectors/errors";
import { ConnectionNotReady } from "../../sync/engine/load-connection";
import { accountDeps } from "../api/deps";
import { actionableMessage, fieldErrorsOf } from "./form-errors";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";

const ip = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? null;
const linksQuery = z.object({
  q: z.string().trim().optional().catch(undefined),
  state: linkStateSchema.optional().catch(undefined),
  cursor: z.string().max(64).optional().catch(undefined),
});
const bulkForm = z.object({ since: z.iso.date("must be a date") });

type FormState = { values?: Record<string, string | undefined>; errors?: FieldErrors; message?: string };

async function linksPage(c: Context<AppEnv>, id: string, extra: { linkForm?: FormState; bulkForm?: FormState; status?: 400 | 409 } = {}) {
  const principal = signedIn(c);
  const db = c.get("db");
  const visible = await findVisibleConnection(db, scopeOf(principal), id);
  const filters = linksQuery.parse(c.req.query());
  const q = filters.q || undefined;
  // A search too long to run answers 400 with the reason, the list unfiltered and the text kept.
  const search = q === undefined ? null : linkSearchSchema.safeParse(q);
  const searchError = search && !search.success ? `The search ${search.error.issues[0]?.message ?? SEARCH_TOO_LONG}.` : null;
  const page = await listLinks(db, scopeOf(principal), id, { limit: 50, cursor: filters.cursor, q: searchError ? undefined : q, state: filters.state });
  const pageOf = await ticketPageLinker(db, visible, page.data.map((l) => l.id));
  const links = page.data.map((l) => ({
    ...l,
    sourceUrl: pageOf({ side: "source", id: l.sourceTicketId, number: l.sourceNumber, linkId: l.id }),
    targetUrl: pageOf({ side: "target", id: l.targetTicketId, number: l.targetNumber, linkId: l.id }),
  }));
  return render(
    c,
    `Links · ${visible.row.name}`,
    <ConnectionLinksPage
      principal={principal}
      connection={{ id: visible.row.id, name: visible.row.name, status: visible.row.status }}
      links={links}
      nextCursor={page.nextCursor}
      filters={{ q, state: filters.state }}
      csrf={csrfFor(c)}
      linkForm={extra.linkForm}
      bulkForm={extra.bulkForm}
    />,
    { active: "/connections", status: searchError ? 400 : (extra.status ?? 200), ...(searchError ? { flash: { kind: "error", message: searchError } } : {}) },
  );
}

export const connectionLinkPages = new Hono<AppEnv>()
  .get("/connections/:id/links", (c) => linksPage(c, c.req.param("id")))
  .post("/connections/:id/links", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const form = await parseForm(c, createLinkSchema);
    if (!form.ok) return linksPage(c, id, { linkForm: { values: form.raw, errors: form.errors, message: "Please correct the fields below." }, status: 400 });
    try {
      const link = await createLink(c.get("db"), signedIn(c), id, form.data, ip(c));
      return redirectWithFlash(c, `/connections/${id}/links`, { kind: "success", message: `Linked ${link.sourceNumber ?? link.sourceTicketId} and ${link.targetNumber ?? link.targetTicketId}.` });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return linksPage(c, id, { linkForm: { values: form.data, errors, message: "Please correct the fields below." }, status: 400 });
      return linksPage(c, id, { linkForm: { values: form.data, message: actionableMessage(err, ["conflict"]) }, status: 409 });
    }
  })
  .post("/connections/:id/links/bulk", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const form = await parseForm(c, bulkForm);
    if (!form.ok) return linksPage(c, id, { bulkForm: { values: form.raw, errors: form.errors, message: "Please correct the fields below." }, status: 400 });
    try {
      const result = await bulkLink(accountDeps(c), signedIn(c), id, `${form.data.since}T00:00:00.000Z`, ip(c));
      return redirectWithFlash(c, `/connections/${id}/links`, {
        kind: "success",
        message: `Linked ${result.linked} pair${result.linked === 1 ? "" : "s"}; ${result.alreadyLinked} already linked; ${result.unmatched} source ticket${result.unmatched === 1 ? "" : "s"} without a match.`,
      });
    } catch (err) {
      // A platform that cannot be read is the admin's to fix (credentials, URL), said in place.
      const message =
        err instanceof ConnectorError
          ? `A platform could not be read, so nothing was linked: ${err.vendorMessage}. Check both accounts with Test connection.`
          : err instanceof ConnectionNotReady
            ? `Nothing was linked: ${err.message}`
            : actionableMessage(err, ["conflict"]);
      return linksPage(c, id, { bulkForm: { values: form.data, message }, status: 409 });
    }
  })
  .post("/links/:id/unlink", requireRole("admin"), async (c) => {
    const { connectionId } = await unlink(c.get("db"), signedIn(c), c.req.param("id"), ip(c));
    return redirectWithFlash(c, `/connections/${connectionId}/links`, { kind: "success", message: "Unlinked: later changes to these tickets are not synced." });
  });
