import type { Principal } from "../../src/auth/principal";

export function HomePage({ principal }: { principal: Principal }) {
  const canAdmin = principal.role !== "viewer";
  return (
    <section>
      <h1>Dashboard</h1>
      <div class="card">
        <h2>Welcome to Lockstep, {principal.userName}</h2>
        <p>
          Lockstep keeps tickets in step between two ticketing platforms. To start, connect a platform account, then create
          a connection with your partner and map its fields.
        </p>
        {canAdmin ? (
          <ol class="steps">
            <li>Invite the people who will run syncs on the <a href="/users">Users</a> page.</li>
            <li>Make an API token on the <a href="/tokens">API tokens</a> page if you automate Lockstep.</li>
            <li>Read the <a href="/api-docs">API reference</a>.</li>
          </ol>
        ) : (
          <p class="muted">Your role is read-only: an admin sets up connections.</p>
        )}
      </div>
    </section>
  );
}
