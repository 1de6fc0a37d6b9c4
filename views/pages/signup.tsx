// The partner's way in: the invitation link (/accept?code=…) that says who invites them and to
// what, the sign-up form, and the page that shows the new owner's API token once.
import { CsrfField, Field, FormError, type FieldErrors } from "../components/form";
import { NewOrganisationFields } from "../components/new-organisation-fields";
import type { Invitation } from "../../src/services/connection-invitations";

export type SignupValues = { organisationName?: string | undefined; ownerName?: string | undefined; ownerEmail?: string | undefined; code?: string | undefined };
type Mode = "invite" | "open" | "closed";

const day = (iso: string) => iso.slice(0, 10);

/** Who invites, to what, which side the partner will hold, and what each side will see. */
export function InvitationSummary({ invitation, labels }: { invitation: Invitation; labels: Record<string, string> }) {
  const platform = invitation.invitingPlatform ? (labels[invitation.invitingPlatform] ?? invitation.invitingPlatform) : "their platform";
  const flow =
    invitation.partnerSide === "target"
      ? `Tickets from ${invitation.invitedBy}'s ${platform} are created on your platform (you hold the target side), and changes flow back as the connection's mappings say.`
      : `Tickets from your platform are created on ${invitation.invitedBy}'s ${platform} (you hold the source side), and changes flow back as the connection's mappings say.`;
  return (
    <div class="card invitation" id="invitation">
      <h2>
        {invitation.invitedBy} invites you to “{invitation.connectionName}”
      </h2>
      <p>Lockstep keeps two organisations' tickets in step, each on its own ticketing platform. {flow}</p>
      <ul>
        <li>You connect your own platform account; your credentials stay with your organisation.</li>
        <li>
          {invitation.invitedBy} will see your organisation's name, the connection's shared settings, and your statuses, priorities, ticket types and
          custom fields (to map theirs to). Not your companies, people, accounts or credentials; you see the same of theirs.
        </li>
        <li>Either side can leave the connection later; the history stays readable to both.</li>
      </ul>
      <p class="help">The invitation expires on {day(invitation.expiresAt)}.</p>
    </div>
  );
}

export type InvitationProblem = "missing" | "unknown" | "expired" | "claimed";

const PROBLEMS: Record<InvitationProblem, string> = {
  missing: "This link has no verification code. Ask the organisation that invited you for the link they see on their connection page.",
  unknown: "No pending connection has this verification code: it may have been accepted already or deleted. Check the link with the organisation that invited you.",
  expired: "This invitation has expired. Ask the organisation that invited you to create the connection again: they get a new link.",
  claimed: "An organisation has already been created with this invitation. Sign in to it to accept the connection.",
};

export function AcceptLandingPage({
  invitation,
  problem,
  code,
  csrf,
  mode,
  labels,
}: {
  invitation: Invitation | null;
  problem: InvitationProblem | null;
  code: string;
  csrf: string;
  mode: Mode;
  labels: Record<string, string>;
}) {
  const acceptPath = `/connections/accept?code=${encodeURIComponent(code)}`;
  const signIn = `/login?next=${encodeURIComponent(acceptPath)}`;
  return (
    <section class="narrow">
      <h1>Join a connection</h1>
      {problem ? <FormError message={PROBLEMS[problem]} /> : null}
      {invitation && !problem ? <InvitationSummary invitation={invitation} labels={labels} /> : null}
      <div class="card">
        <h2>Your organisation already uses Lockstep here</h2>
        <p>Sign in, then choose your platform account and accept.</p>
        <p>
          <a class="button primary" href={signIn}>
            Sign in to accept
          </a>
        </p>
      </div>
      {invitation && !problem && mode !== "closed" ? (
        <SignupForm csrf={csrf} values={{ code }} mode={mode} heading="New here: create your organisation" codeHidden />
      ) : null}
    </section>
  );
}

export function SignupForm({
  csrf,
  values = {},
  errors = {},
  message,
  mode,
  heading,
  codeHidden = false,
}: {
  csrf: string;
  values?: SignupValues;
  errors?: FieldErrors;
  message?: string | undefined;
  mode: Mode;
  heading: string;
  codeHidden?: boolean;
}) {
  return (
    <div class="card" id="signup">
      <h2>{heading}</h2>
      <p>You become its owner; next you add your platform account and accept the connection.</p>
      <FormError message={message} />
      <form method="post" action="/signup">
        <CsrfField token={csrf} />
        {codeHidden ? (
          <input type="hidden" name="code" value={values.code ?? ""} />
        ) : (
          <Field
            name="code"
            label={mode === "open" ? "Verification code (if a partner gave you one)" : "Verification code"}
            value={values.code}
            errors={errors}
            required={mode === "invite"}
            autocomplete="off"
            help="The code your partner's connection page shows, e.g. ABCD-EFGH-JKMN-PQRS."
          />
        )}
        <NewOrganisationFields values={values} errors={errors} />
        <button type="submit" class="primary">
          Create organisation
        </button>
      </form>
    </div>
  );
}

export function SignupPage(props: { csrf: string; values?: SignupValues; errors?: FieldErrors; message?: string | undefined; mode: Mode }) {
  return (
    <section class="narrow">
      <h1>Sign up</h1>
      {props.mode === "closed" ? (
        <p class="card">This Lockstep install does not take sign-ups. Ask whoever runs it for an account, or sign in.</p>
      ) : (
        <SignupForm {...props} heading="Create your organisation" />
      )}
    </section>
  );
}

export function SignupDonePage({ token, next, invitedBy }: { token: string; next: string; invitedBy: string | null }) {
  return (
    <section class="card narrow">
      <h1>Your organisation is ready</h1>
      <p>You are signed in as its owner. Here is an API token with your rights, for scripts and the JSON API.</p>
      <p>
        <strong>Copy it now: it is shown only once.</strong>
      </p>
      <pre class="secret" aria-label="API token">
        {token}
      </pre>
      <p>
        <a class="button primary" href={next}>
          {invitedBy ? `Next: connect your platform and accept ${invitedBy}'s invitation` : "Go to the dashboard"}
        </a>
      </p>
    </section>
  );
}
