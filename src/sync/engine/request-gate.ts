// At most `limit` requests in flight to one platform account from this run, whatever the number
// of tickets being worked on side by side: several tickets keep both platforms busy, while each
// platform sees no more at once than it allows (its facts' concurrency).
import type { FetchLike } from "../../connectors/http-client";

export class RequestGate {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(public limit = Infinity) {}

  wrap(fetch: FetchLike): FetchLike {
    return async (input, init) => {
      await this.enter();
      try {
        // Held until the answer's headers arrive: the platform is done with the call by then.
        return await fetch(input, init);
      } finally {
        this.leave();
      }
    };
  }

  private enter(): Promise<void> {
    if (this.inFlight < this.limit) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => (this.inFlight++, resolve())));
  }

  private leave() {
    this.inFlight--;
    this.waiting.shift()?.();
  }
}
