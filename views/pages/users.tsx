import type { Principal } from "../../src/auth/principal";
import type { UserView } from "../../src/schemas/users";
import type { InvitationView } from "../../src/services/invitations";
import { CsrfField, Field, FormError, SelectField, type FieldErrors } from "../components/form";

const ROLE_OPTIONS = [
  { value: "viewer", label: "Viewer: read only" },
  { value: "admin", label: "Admin: manage integrations" },
  { value: "owner", label: "Owner: everything" },
];

export function UsersPage({
  principal,
  users,
  invitations,
  emailEnabled,
  csrf,
  errors = {},
  values = {},
  message,
}: {
  principal: Principal;
  users: UserView[];
  /** Pending invitations; only owners and admins are shown them. */
  invitations: InvitationView[];
  /** Whether the install emails invitation links (else the inviter hands them over). */
  emailEnabled: boolean;
  csrf: string;
  errors?: FieldErrors;
  values?: { email?: string; role?: string };
  message?: string;
}) {
  const canAdmin = principal.role !== "viewer";
  const grantable = ROLE_OPTIONS.filter((o) => principal.role === "owner" || o.value !== "owner");
  return (
    <section>
      <h1>Users</h1>
      <div class="table-scroll">
        <table class="table">
          <caption class="visually-hidden">Users of {principal.orgName}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {canAdmin ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {users.map((user) => {
              const manageable = canAdmin && user.id !== principal.userId && (user.role !== "owner" || principal.role === "owner");
              return (
                <tr id={`user-${user.id}`}>
                  <td>{user.name}</td>
                  <td>{user.email}</td>
                  <td>
                    {manageable ? (
                      <form method="post" action={`/users/${user.id}/role`} class="inline">
                        <CsrfField token={csrf} />
                        <label class="visually-hidden" for={`role-${user.id}`}>Role of {user.name}</label>
                        <select id={`role-${user.id}`} name="role">
                          {grantable.map((o) => (
                            <option value={o.value} selected={o.value === user.role}>{o.value}</option>
                          ))}
                        </select>
                        <button type="submit">Change role</button>
                      </form>
                    ) : (
                      <span class={`badge badge-${user.role}`}>{user.role}</span>
                    )}
                  </td>
                  {canAdmin ? (
                    <td>
                      {manageable ? (
                        <form method="post" action={`/users/${user.id}/password-reset`} class="inline" data-confirm={`Make a one-time password link for ${user.email}? Using it signs them out everywhere and revokes their API tokens.`}>
                          <CsrfField token={csrf} />
                          <button type="submit">Password link</button>
                        </form>
                      ) : null}
                      {manageable ? (
                        <form method="post" action={`/users/${user.id}/delete`} class="inline" data-confirm={`Remove ${user.email}? They lose access at once.`}>
                          <CsrfField token={csrf} />
                          <button type="submit" class="danger">Remove</button>
                        </form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {canAdmin ? (
        <div class="card" id="invitations">
          <h2>Invite a teammate</h2>
          <p class="help">
            They get a one-time link, valid 7 days, to choose their own name and password.{" "}
            {emailEnabled ? "It is emailed to them, and shown to you once." : "This install sends no email: you are shown the link once, to hand over by a channel you trust."}
          </p>
          <FormError message={message} />
          <form method="post" action="/invitations">
            <CsrfField token={csrf} />
            <Field name="email" label="Email" type="email" value={values.email} errors={errors} required />
            <SelectField name="role" label="Role" options={grantable} value={values.role ?? "viewer"} errors={errors} />
            <button type="submit" class="primary">Invite</button>
          </form>
          <PendingInvitations invitations={invitations} csrf={csrf} principal={principal} />
        </div>
      ) : null}
    </section>
  );
}

function PendingInvitations({ invitations, csrf, principal }: { invitations: InvitationView[]; csrf: string; principal: Principal }) {
  if (!invitations.length) return <p class="help">No pending invitations.</p>;
  return (
    <div class="table-scroll">
      <table class="table">
        <caption>Pending invitations</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Invited by</th>
            <th scope="col">Link works until (UTC)</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((inv) => (
            <tr id={`invitation-${inv.id}`}>
              <td>{inv.email}</td>
              <td><span class={`badge badge-${inv.role}`}>{inv.role}</span></td>
              <td>{inv.invitedBy}</td>
              <td>{inv.expiresAt.replace("T", " ").slice(0, 16)}</td>
              <td>
                {inv.role !== "owner" || principal.role === "owner" ? (
                  <form method="post" action={`/invitations/${inv.id}/revoke`} class="inline" data-confirm={`Revoke the invitation to ${inv.email}? Its link stops working at once.`}>
                    <CsrfField token={csrf} />
                    <button type="submit" class="danger">Revoke</button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
