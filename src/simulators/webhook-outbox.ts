// How a simulator calls out when its records change, as the real platform would: each event is
// a POST handed to a transport the test or the demo injects (in tests, the Worker's own fetch
// handler, in process). Sent without waiting, as platforms do; `flush()` waits for every call
// still in flight, so tests stay free of sleeps. With no transport, events go nowhere.

export type WebhookTransport = (request: Request) => Promise<Response>;
export type SentWebhook = { url: string; headers: Record<string, string>; body: string; status: number | null; answer: string | null };

export class WebhookOutbox {
  readonly sent: SentWebhook[] = [];
  private inFlight = new Set<Promise<void>>();

  constructor(public transport: WebhookTransport | null = null) {}

  /** Sends one event; `message` may still be in the making (a signature being computed). */
  post(url: string, message: { headers: Record<string, string>; body: string } | Promise<{ headers: Record<string, string>; body: string }>): void {
    const transport = this.transport;
    if (!transport) return;
    const record: SentWebhook = { url, headers: {}, body: "", status: null, answer: null };
    this.sent.push(record);
    const call = Promise.resolve(message)
      .then(({ headers, body }) => {
        Object.assign(record, { headers, body });
        return transport(new Request(url, { method: "POST", headers, body }));
      })
      .then(async (res) => {
        record.status = res.status;
        record.answer = await res.text();
      })
      .catch(() => {
        // A platform logs a failed call and moves on; so does the simulator (status stays null).
      })
      .finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }

  /** Resolves once every call made so far, and any made meanwhile, has been answered. */
  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }
}
