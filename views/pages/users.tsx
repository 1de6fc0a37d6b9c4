import type { Principal } from "../../src/auth/principal";
import type { UserView } from "../../src/schemas/users";
import { CsrfField, Field, FormError, SelectField, type FieldErrors } from "../components/form";

const ROLE_OPTIONS = [
  { value: "viewer", label: "Viewer: read only" },
  { value: "admin", label: "Admin: manage integrations" },
  { value: "owner", label: "Owner: everything" },
];

export function UsersPage({
  principal,
  users,
  csrf,
  errors = {},
  values = {},
  message,
}: {
  principal: Principal;
  users: UserView[];
  csrf: string;
  errors?: FieldErrors;
  values?: { name?: string; email?: string; role?: string };
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
        <div class="card">
          <h2>Add a user</h2>
          <FormError message={message} />
          <form method="post" action="/users">
            <CsrfField token={csrf} />
            <Field name="name" label="Name" value={values.name} errors={errors} required />
            <Field name="email" label="Email" type="email" value={values.email} errors={errors} required />
            <SelectField name="role" label="Role" options={grantable} value={values.role ?? "viewer"} errors={errors} />
            <Field name="password" label="Initial password" type="password" errors={errors} required autocomplete="new-password" help="At least 10 characters and not easy to guess; tell it to the user privately." />
            <button type="submit" class="primary">Add user</button>
          </form>
        </div>
      ) : null}
    </section>
  );
}
