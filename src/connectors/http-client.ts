// The one way connectors talk HTTP: credentials injected per call, a timeout on every call,
// redirects followed only on the same origin, responses parsed with zod, and every failure
// classified as a ConnectorError that keeps the vendor's own message and any Retry-After.
// It does not retry: retries live in one layer only (the connection's Durable Object), which
// knows the run's budget and the platform's rate limits.
import type { z } from "zod";
import { ConnectorError, kindForStatus } from "./errors";

export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

export type HttpClientOptions = {
  fetch: FetchLike;
  baseUrl: string;
  /** Adds credentials to a request's headers (may refresh an OAuth token first): the kit's
   * `authorizer(style).authorize` (src/connectors/kit/auth.ts). */
  authorize: (headers: Headers) => void | Promise<void>;
  /** After a 401: obtains fresh credentials (an OAuth token) and says whether the call is worth
   * sending once more. A streamed body cannot be sent twice, so such a call is not repeated. */
  renew?: () => Promise<boolean>;
  /** Extracts the vendor's error message from an error response body. */
  vendorMessage: (status: number, body: string) => string | null;
  timeoutMs?: number;
  /** Vendor-specific reclassification (e.g. "404 also means bad auth on this platform"). */
  classify?: (status: number, body: string) => ConnectorError["kind"] | null;
};

export type RequestOptions = {
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
};

/** Seconds from a Retry-After header: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

const MAX_REDIRECTS = 3;
/** Methods that read only, so sending one twice cannot change anything. */
const SAFE_TO_REPEAT = new Set(["GET", "HEAD"]);

export class HttpClient {
  private readonly timeoutMs: number;
  constructor(private readonly options: HttpClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  url(path: string, query?: RequestOptions["query"]): URL {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, "") + path);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  }

  /** Sends a request and returns the successful response, unread (for streams and headers). */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    let url = this.url(path, options.query);
    const origin = url.origin;
    let renewed = false;
    for (let hop = 0; ; hop++) {
      const headers = new Headers(options.headers);
      headers.set("Accept", headers.get("Accept") ?? "application/json");
      let body = options.body;
      if (options.json !== undefined) {
        headers.set("Content-Type", headers.get("Content-Type") ?? "application/json");
        body = JSON.stringify(options.json);
      }
      await this.options.authorize(headers);
      let response: Response;
      for (let attempt = 1; ; attempt++) {
        // Our own timer rather than AbortSignal.timeout: it is cleared as soon as the body is read,
        // so no timer outlives the call (a pending timer keeps a Durable Object from being evicted
        // or hibernating for the rest of its 30 s).
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(new DOMException(`No answer within ${this.timeoutMs / 1000} s`, "TimeoutError")), this.timeoutMs);
        try {
          response = whenBodyEnds(await this.options.fetch(url.toString(), { method, headers, body, redirect: "manual", signal: controller.signal }), () => clearTimeout(timer));
          break;
        } catch (err) {
          clearTimeout(timer);
          const timedOut = controller.signal.aborted || (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError"));
          // A connection can be lost before any answer ("Network connection lost." in workerd):
          // seen now and then against real RT (Starlet) in the end-to-end suite, and what a pooled
          // connection the server has closed does. A request that changes nothing is sent once
          // more; a write is not, as the server may have received it.
          if (!timedOut && attempt === 1 && SAFE_TO_REPEAT.has(method.toUpperCase())) continue;
          throw new ConnectorError("transient", timedOut ? `No answer within ${this.timeoutMs / 1000} s` : `Could not reach ${url.host}: ${(err as Error).message}`, { method, url: url.toString() });
        }
      }
      if (response.status >= 300 && response.status < 400 && response.headers.has("Location")) {
        const next = new URL(response.headers.get("Location")!, url);
        // Credentials go only to the origin the admin configured.
        if (next.origin !== origin || hop >= MAX_REDIRECTS) {
          throw new ConnectorError("validation", `The platform redirected to ${next.origin}; Lockstep follows redirects only within ${origin}. Check the base URL.`, { status: response.status, method, url: url.toString() });
        }
        await response.body?.cancel();
        url = next;
        continue;
      }
      if (response.status === 401 && !renewed && this.options.renew && !(options.body instanceof ReadableStream) && (await this.options.renew())) {
        renewed = true;
        await response.body?.cancel();
        hop--;
        continue;
      }
      if (!response.ok) throw await this.failure(response, method, url);
      return response;
    }
  }

  /** Sends a request and parses the JSON body with `schema`. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, options: RequestOptions = {}): Promise<{ data: z.output<S>; response: Response }> {
    const response = await this.send(method, path, options);
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      // The connection dropped mid-body: nothing was parsed, so it is safe to try again later.
      throw new ConnectorError("transient", `The answer to ${method} ${path} was cut off: ${(err as Error).message}`, { status: response.status, method });
    }
    let parsed: unknown;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      throw new ConnectorError("invalid_response", `The platform answered ${method} ${path} with a body that is not JSON: ${text.slice(0, 120)}`, { status: response.status, method });
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const first = result.error.issues[0];
      throw new ConnectorError("invalid_response", `Unexpected answer to ${method} ${path}: ${first ? `${first.path.join(".") || "body"} ${first.message}` : "schema mismatch"}`, { status: response.status, method });
    }
    return { data: result.data, response };
  }

  private async failure(response: Response, method: string, url: URL): Promise<ConnectorError> {
    const body = await response.text().catch(() => "");
    const kind = this.options.classify?.(response.status, body) ?? kindForStatus(response.status);
    const message = this.options.vendorMessage(response.status, body) ?? (`HTTP ${response.status} ${response.statusText}`.trim());
    const retryAfterSeconds = parseRetryAfter(response.headers.get("Retry-After"));
    return new ConnectorError(kind, message, {
      status: response.status,
      method,
      url: url.toString(),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
}

/** The same response, calling `onEnd` once its body has been read to the end, failed or been
 * cancelled (at once when there is no body). A pull-based copy: workerd streams it chunk by chunk. */
function whenBodyEnds(response: Response, onEnd: () => void): Response {
  if (!response.body) {
    onEnd();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          onEnd();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        onEnd();
        controller.error(err);
      }
    },
    cancel(reason) {
      onEnd();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
