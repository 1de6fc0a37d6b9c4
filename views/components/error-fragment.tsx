/** The message shown in the page's flash area when an htmx request fails. */
export function renderErrorFragment(message: string, requestId: string) {
  return (
    <div class="flash flash-error" role="alert">
      {message} <small class="muted">(request {requestId})</small>
    </div>
  );
}
