// Connection pages: list, create (invitation or internal), accept by code, overview, rename and
// delete. The same services as /api/v1/connections, so the pages and the API never disagree.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { requireRole } from "../../auth/authenticate";
import { scopeOf } from "../../auth/principal";
import { connectors } from "../../connectors/registry";
import { acceptConnectionSchema, createConnectionSchema } from "../../schemas/connections";
import type { ConnectionView } from "../../schemas/connection-views";
import { nameSchema } from "../../schemas/common";
import { acceptConnection, createConnection, deleteConnection, getConnection, leaveConnection, listConnections, updateConnection } from "../../services/connections";
import { listMappings } from "../../services/field-mappings";
import { findInvitation } from "../../services/connection-invitations";
import { connectionNotices } from "../../services/connection-notices";
import { emailAcceptance } from "../../services/connection-emails";
import { listAccounts } from "../../services/platform-accounts";
import { AcceptConnectionPage, ConnectionOverviewPage, ConnectionsPage, InvitationCreatedPage, NewConnectionPage, type SetupStep } from "../../../views/pages/connections";
import { lastString, readFormBody } from "../../lib/form-body";
import { actionableMessage, fieldErrorsOf } from "./form-errors";
import { csrfFor, parseForm, redirectWithFlash, render, signedIn } from "./render";

export const platformLabels: Record<string, string> = Object.fromEntries(Object.entries(connectors).map(([key, c]) => [key, c.facts.label]));
const ip = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? null;
const ACTIVE = "/connections";

async function myAccounts(c: Context<AppEnv>) {
  return (await listAccounts(c.get("db"), scopeOf(signedIn(c)), { limit: 200 })).data;
}

/** What the code invites to, when the signed-in organisation may accept it (not its own, not expired). */
async function acceptableInvitation(c: Context<AppEnv>, code: string | undefined) {
  const invitation = code ? await findInvitation(c.get("db"), code) : null;
  const orgId = signedIn(c).orgId;
  if (!invitation || invitation.expired || invitation.invitingOrgId === orgId) return null;
  return invitation.claimedByOrgId && invitation.claimedByOrgId !== orgId ? null : invitation;
}

/** What is left to do before tickets flow, each step linking to the page that does it. */
async function setupSteps(c: Context<AppEnv>, connection: ConnectionView): Promise<SetupStep[]> {
  const base = `/connections/${connection.id}`;
  const { mappings } = await listMappings(c.get("db"), scopeOf(signedIn(c)), connection.id);
  const mine = connection.sides.filter((s) => s.mine && s.settings);
  const unpaired = mappings.some((m) => m.unpaired && (m.unpaired.source.length || m.unpaired.target.length));
  // A target receives tickets: it needs a status and a priority. A source receives them only
  // with bi-directional creation, and then needs a status.
  const sideReady = (s: (typeof mine)[number]) => {
    const d = s.settings!.defaults;
    return s.side === "target" ? Boolean(d.statusId && d.priorityId) : !connection.settings.bidirectionalCreation.enabled || Boolean(d.statusId);
  };
  return [
    ...(connection.internal
      ? []
      : [{ label: "Partner accepts the invitation", done: connection.status !== "pending", href: base, hint: "Give your partner the verification code; they accept it under Connections." }]),
    {
      label: "Choose your side's defaults",
      done: mine.length > 0 && mine.every(sideReady),
      href: `${base}/settings`,
      hint: "Tickets created on your side need a status (and, on a target, a priority) from your platform's picklists.",
    },
    {
      label: "Map fields and values",
      done: mappings.length > 0 && !unpaired,
      href: `${base}/mappings`,
      hint: mappings.length ? "Some picklist values have no pair yet: tickets with them fail with “value not mapped”." : "Map at least status and priority.",
    },
    { label: "Lay out the description (optional)", done: connection.settings.description.fields.length > 0, href: `${base}/description`, hint: "Choose source fields to list above the original description." },
    { label: "Run a first manual sync", done: connection.initialSyncCompletedAt !== null, href: `${base}/sync`, hint: "Try a dry run first to see what would be created." },
    { label: "Switch on automatic sync", done: connection.automaticEnabled, href: `${base}/sync`, hint: "Possible once a manual sync has completed." },
  ];
}

async function overview(c: Context<AppEnv>, id: string, extra: { errors?: Record<string, string>; status?: 400 } = {}) {
  const principal = signedIn(c);
  const connection = await getConnection(c.get("db"), scopeOf(principal), id);
  return render(
    c,
    connection.name,
    <ConnectionOverviewPage
      principal={principal}
      connection={connection}
      labels={platformLabels}
      csrf={csrfFor(c)}
      steps={await setupSteps(c, connection)}
      errors={extra.errors}
      notices={await connectionNotices(c.get("db"), scopeOf(principal), id)}
    />,
    { active: ACTIVE, status: extra.status ?? 200 },
  );
}

export const connectionPages = new Hono<AppEnv>()
  .get("/connections", async (c) => {
    const principal = signedIn(c);
    const page = await listConnections(c.get("db"), scopeOf(principal), { limit: 200 });
    return render(c, "Connections", <ConnectionsPage principal={principal} connections={page.data} labels={platformLabels} />, { active: ACTIVE });
  })
  .get("/connections/new", requireRole("admin"), async (c) =>
    render(c, "New connection", <NewConnectionPage csrf={csrfFor(c)} accounts={await myAccounts(c)} labels={platformLabels} />, { active: ACTIVE }),
  )
  .post("/connections", requireRole("admin"), async (c) => {
    const parsed = await parseForm(c, createConnectionSchema);
    const again = async (errors: Record<string, string>, message?: string) =>
      render(
        c,
        "New connection",
        <NewConnectionPage csrf={csrfFor(c)} accounts={await myAccounts(c)} labels={platformLabels} values={parsed.ok ? {} : parsed.raw} errors={errors} message={message ?? "Please correct the fields below."} />,
        { active: ACTIVE, status: 400 },
      );
    if (!parsed.ok) return again(parsed.errors);
    try {
      const created = await createConnection(c.get("db"), signedIn(c), parsed.data, ip(c));
      if (!created.verificationCode) {
        return redirectWithFlash(c, `/connections/${created.id}/settings`, { kind: "success", message: "Internal connection created. Choose each side's defaults next." });
      }
      // The code exists only in this answer: show it now rather than redirect.
      return render(c, "Invitation created", <InvitationCreatedPage connection={created} code={created.verificationCode} origin={new URL(c.req.url).origin} />, { active: ACTIVE, status: 201 });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return again(errors);
      return again({}, actionableMessage(err));
    }
  })
  .get("/connections/accept", requireRole("admin"), async (c) => {
    const code = c.req.query("code");
    return render(
      c,
      "Accept a connection",
      <AcceptConnectionPage csrf={csrfFor(c)} accounts={await myAccounts(c)} labels={platformLabels} values={{ code }} invitation={await acceptableInvitation(c, code)} />,
      { active: ACTIVE },
    );
  })
  .post("/connections/accept", requireRole("admin"), async (c) => {
    const parsed = await parseForm(c, acceptConnectionSchema);
    const again = async (errors: Record<string, string>, message?: string) =>
      render(
        c,
        "Accept a connection",
        <AcceptConnectionPage
          csrf={csrfFor(c)}
          accounts={await myAccounts(c)}
          labels={platformLabels}
          values={parsed.ok ? parsed.data : parsed.raw}
          errors={errors}
          message={message ?? "Please correct the fields below."}
          invitation={await acceptableInvitation(c, parsed.ok ? parsed.data.code : parsed.raw["code"])}
        />,
        { active: ACTIVE, status: 400 },
      );
    if (!parsed.ok) return again(parsed.errors);
    try {
      const connection = await acceptConnection(c.get("db"), signedIn(c), parsed.data, ip(c));
      await emailAcceptance(c.env, c.get("db"), connection.id, signedIn(c).orgName);
      return redirectWithFlash(c, `/connections/${connection.id}/settings`, { kind: "success", message: `You joined “${connection.name}”. Choose your side's defaults next.` });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return again(errors);
      // A wrong or expired code is about the code field.
      return again({ code: actionableMessage(err) }, "The connection could not be accepted.");
    }
  })
  .get("/connections/:id", (c) => overview(c, c.req.param("id")))
  .post("/connections/:id", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const name = nameSchema.safeParse(lastString(await readFormBody(c), "name") ?? "");
    if (!name.success) return overview(c, id, { errors: { name: "Is required, at most 200 characters" }, status: 400 });
    await updateConnection(c.get("db"), signedIn(c), id, { name: name.data }, ip(c));
    return redirectWithFlash(c, `/connections/${id}`, { kind: "success", message: "Connection renamed." });
  })
  .post("/connections/:id/leave", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const connection = await leaveConnection(c.get("db"), signedIn(c), id, ip(c));
    return redirectWithFlash(c, `/connections/${id}`, { kind: "success", message: `You left “${connection.name}”. Its links and history stay readable here.` });
  })
  .post("/connections/:id/delete", requireRole("admin"), async (c) => {
    const id = c.req.param("id");
    const { name } = await getConnection(c.get("db"), scopeOf(signedIn(c)), id);
    await deleteConnection(c.get("db"), signedIn(c), id, ip(c));
    return redirectWithFlash(c, "/connections", { kind: "success", message: `Connection “${name}” deleted.` });
  });
