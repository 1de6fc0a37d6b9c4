export function ErrorPage({ status, message, requestId }: { status: number; message: string; requestId: string }) {
  return (
    <section class="card narrow">
      <h1>{status === 404 ? "Not found" : status === 403 ? "Not allowed" : "Something went wrong"}</h1>
      <p>{message}</p>
      <p class="muted">Request {requestId}</p>
      <p><a href="/">Back to the dashboard</a></p>
    </section>
  );
}
