// RT's own REST2, as root: how the suite makes tickets on the RT side and how it checks what
// Lockstep did there. Never Lockstep's view of RT.
import { createHash } from "node:crypto";
import { RT_PORTS, RT_ROOT_PASSWORD } from "./processes";

type Json = Record<string, unknown>;
export type RtFile = { name: string; type: string; bytes: Uint8Array };
export type RtMessage = { txnId: string; type: string; creator: string; text: string; files: { id: string; name: string; size: number }[] };

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export class RtServer {
  readonly base: string;
  private readonly auth = `Basic ${Buffer.from(`root:${RT_ROOT_PASSWORD}`).toString("base64")}`;
  constructor(readonly name: "a" | "b") {
    this.base = `http://127.0.0.1:${RT_PORTS[name]}/REST/2.0`;
  }

  async call<T = Json>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        Authorization: this.auth,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  private async must<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (res.status >= 300) throw new Error(`RT ${this.name}: ${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Creates a ticket as root; `Content` is its description. Returns the id. */
  async createTicket(fields: Json): Promise<string> {
    return (await this.must<{ id: string }>("POST", "/ticket", fields)).id;
  }

  async update(id: string, fields: Json): Promise<string[]> {
    return this.must<string[]>("PUT", `/ticket/${id}`, fields);
  }

  /**
   * A reply (correspond, public) or a comment (internal), with files if any. Files go as
   * multipart/form-data, as RT's own web forms send them: RT 5.0.3 answers 500 ("Wide character")
   * to a JSON `Attachments` entry whose FileName is not ASCII.
   */
  async message(id: string, kind: "correspond" | "comment", text: string, files: RtFile[] = []): Promise<void> {
    const json = { Content: text, ContentType: "text/plain" };
    if (!files.length) {
      await this.must("POST", `/ticket/${id}/${kind}`, json);
      return;
    }
    const form = new FormData();
    form.append("JSON", JSON.stringify(json));
    for (const f of files) form.append("Attachments", new Blob([f.bytes], { type: f.type }), f.name);
    const res = await fetch(`${this.base}/ticket/${id}/${kind}`, { method: "POST", headers: { Authorization: this.auth }, body: form });
    if (res.status !== 201) throw new Error(`RT ${this.name}: POST /ticket/${id}/${kind} with files answered ${res.status}: ${await res.text()}`);
  }

  /** The ticket with queue, requestors and custom fields spelled out. */
  async ticket(id: string) {
    const t = await this.must<Json & {
      Subject: string; Status: string; Priority: string | number; Queue: { id: string; Name?: string };
      Requestor: { id: string; EmailAddress?: string }[]; CustomFields: { name: string; values: string[] }[];
    }>("GET", `/ticket/${id}?fields[Queue]=Name&fields[Requestor]=Name,EmailAddress,RealName`);
    const cf = (name: string) => t.CustomFields.find((f) => f.name === name)?.values ?? [];
    return {
      id,
      subject: t.Subject,
      status: t.Status,
      priority: Number(t.Priority),
      queue: t.Queue.Name,
      requestors: t.Requestor.map((r) => r.EmailAddress ?? r.id),
      cf: (name: string) => cf(name)[0] ?? null,
    };
  }

  /** Ticket ids matching TicketSQL, in id order. */
  async search(query: string): Promise<string[]> {
    const page = await this.must<{ items: { id: string }[] }>("GET", `/tickets?query=${encodeURIComponent(query)}&orderby=id&order=ASC&per_page=100`);
    return page.items.map((i) => String(i.id));
  }

  /** Tickets whose Partner Reference custom field holds this value. */
  byPartnerReference(reference: string): Promise<string[]> {
    return this.search(`'CF.{Partner Reference}' = '${reference}'`);
  }

  /** Every message of the ticket (create, replies, comments), with its text and its files. */
  async messages(id: string): Promise<RtMessage[]> {
    const history = await this.must<{ items: { id: string; Type: string; Creator: { id: string } }[] }>(
      "GET", `/ticket/${id}/history?fields=Type,Creator&per_page=100`);
    const messages: RtMessage[] = [];
    for (const txn of history.items.filter((t) => ["Create", "Correspond", "Comment"].includes(t.Type))) {
      const parts = await this.must<{ items: { id: string; Filename: string | null; ContentType: string; Content: string | null; ContentLength: string | number }[] }>(
        "GET", `/transaction/${txn.id}/attachments?fields=Filename,ContentType,Content,ContentLength&per_page=100`);
      const textPart = parts.items.find((p) => !p.Filename && p.ContentType.startsWith("text/"));
      messages.push({
        txnId: String(txn.id),
        type: txn.Type,
        creator: txn.Creator.id,
        // In a list RT gives a text part's Content as text (only GET /attachment/:id is base64).
        text: textPart?.Content ?? "",
        files: parts.items.filter((p) => p.Filename).map((p) => ({ id: String(p.id), name: p.Filename!, size: Number(p.ContentLength) })),
      });
    }
    return messages;
  }

  /** The text of the ticket's Create transaction: RT's description. */
  async description(id: string): Promise<string> {
    return (await this.messages(id)).find((m) => m.type === "Create")?.text ?? "";
  }

  /** The bytes of one attachment, as RT stored them. */
  async download(attachmentId: string): Promise<Uint8Array> {
    const record = await this.must<{ Content: string }>("GET", `/attachment/${attachmentId}`);
    return new Uint8Array(Buffer.from(record.Content, "base64"));
  }
}
