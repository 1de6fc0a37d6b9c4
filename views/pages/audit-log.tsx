import type { AuditRecord } from "../../src/services/audit";

export function AuditLogPage({ entries, nextCursor }: { entries: AuditRecord[]; nextCursor: string | null }) {
  return (
    <section>
      <h1>Audit log</h1>
      <p class="lead">Who changed what, newest first. Times are UTC.</p>
      <table class="table">
        <thead>
          <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Details</th></tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td><time datetime={e.createdAt}>{e.createdAt.slice(0, 19).replace("T", " ")}</time></td>
              <td>{e.actor}</td>
              <td><code>{e.action}</code></td>
              <td>{e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : ""}</td>
              <td><code class="details">{JSON.stringify(e.details)}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      {nextCursor ? <p><a href={`/audit-log?cursor=${encodeURIComponent(nextCursor)}`}>Older entries →</a></p> : null}
    </section>
  );
}
