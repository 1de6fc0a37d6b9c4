// How connectors reach platforms. Production uses the global fetch; the local demo swaps in a
// fetch that answers simulator URLs in process. A module-level choice (not a request variable)
// because the connection's Durable Object calls platforms outside any request of the app.
import type { FetchLike } from "./http-client";

let current: FetchLike = (input, init) => fetch(input, init);

export function outboundFetch(): FetchLike {
  return current;
}

export function useOutboundFetch(fetchLike: FetchLike): void {
  current = fetchLike;
}
