// A readable rendering of the OpenAPI document: the same data the JSON document serves.
import type { OpenApiOperation as Operation } from "../../src/api/openapi";

export function ApiReferencePage({ document }: { document: { info: { title: string; description: string }; paths: Record<string, Record<string, Operation>> } }) {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  const tags = [...new Set(operations.map((o) => o.op.tags[0] ?? "Other"))];
  return (
    <section>
      <h1>{document.info.title}</h1>
      <p class="lead">{document.info.description}</p>
      <p>Machine-readable: <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a> (OpenAPI 3.1). Base path <code>/api/v1</code>.</p>
      {tags.map((tag) => (
        <div class="card">
          <h2>{tag}</h2>
          {operations
            .filter((o) => (o.op.tags[0] ?? "Other") === tag)
            .map(({ path, method, op }) => (
              <details class="operation">
                <summary>
                  <span class={`method method-${method.toLowerCase()}`}>{method}</span> <code>{path}</code> {op.summary}
                  <span class="muted"> · {op["x-lockstep-access"]}</span>
                </summary>
                {op.description ? <p>{op.description}</p> : null}
                {op.parameters?.length ? (
                  <ul>
                    {op.parameters.map((p) => (
                      <li><code>{p.name}</code> ({p.in}{p.required ? ", required" : ""}){p.description ? `: ${p.description}` : ""}</li>
                    ))}
                  </ul>
                ) : null}
                {op.requestBody ? (
                  <>
                    <h3>Request body</h3>
                    <pre>{JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)}</pre>
                  </>
                ) : null}
                <h3>Responses</h3>
                <ul>
                  {Object.entries(op.responses).map(([status, r]) => (
                    <li><code>{status}</code> {r.description}</li>
                  ))}
                </ul>
              </details>
            ))}
        </div>
      ))}
    </section>
  );
}
