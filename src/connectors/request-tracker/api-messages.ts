// RT REST2 calls around a ticket's history: transactions, their message parts, files, and the
// two message endpoints (correspond = public reply, comment = internal).
import { ConnectorError } from "../errors";
import type { AttachmentUpload } from "../contract";
import {
  attachmentItemSchema, attachmentRecordSchema, collectionSchema, messagesSchema, transactionSchema, type RtAttachmentItem, type RtTransaction,
} from "./api-schemas";
import type { RtApi } from "./api";

const REST = "/REST/2.0";
const PAGE = 100;

async function allPages<T>(fetchPage: (page: number) => Promise<{ items: T[]; next_page?: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const data = await fetchPage(page);
    items.push(...data.items);
    if (!data.next_page || data.items.length === 0) return items;
  }
}

// https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /ticket/:id/history)
export function history(api: RtApi, ticketId: string, extra: [string, string][] = []): Promise<RtTransaction[]> {
  return allPages(async (page) => {
    const search = new URLSearchParams([["fields", "Type,Created,Creator,TimeTaken"], ["fields[Creator]", "Name,EmailAddress,RealName"], ["page", String(page)], ["per_page", String(PAGE)], ...extra]);
    const { data } = await api.http.json("GET", `${REST}/ticket/${encodeURIComponent(ticketId)}/history?${search}`, collectionSchema(transactionSchema));
    return data;
  });
}

// https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /transaction/:id/attachments)
/** A transaction's MIME parts without their content: RT would inline every file's bytes as JSON text. */
export async function transactionParts(api: RtApi, txnId: string): Promise<RtAttachmentItem[]> {
  // Never `Parent`: RT 5.0.3 answers 500 when a listed part has none (ParentObj is undef).
  const search = new URLSearchParams([["fields", "Filename,ContentType,ContentLength,Created,TransactionId"], ["per_page", String(PAGE)]]);
  const { data } = await api.http.json("GET", `${REST}/transaction/${encodeURIComponent(txnId)}/attachments?${search}`, collectionSchema(attachmentItemSchema));
  return data.items;
}

export type MessageText = { ContentType: string; Content: string };

/**
 * The text of every message on a ticket, by transaction id: each message's first text part that
 * is not a file. One listing of the ticket's parts (Resource/Attachments.pm, the same collection
 * as a transaction's, with QueryByJSON) instead of one per transaction. Only parts without a file
 * name are asked for, because a listed part's Content is its whole body: a message carrying a
 * 3 MB file would otherwise cost over 6 MB of JSON. A part names its transaction by plain id
 * (RT::Attachment has no TransactionIdObj to expand), so the kinds come from the history.
 */
export async function ticketTexts(api: RtApi, ticketId: string): Promise<Map<string, MessageText>> {
  const parts = await allPages(async (page) => {
    const search = new URLSearchParams([
      ["query", JSON.stringify([{ field: "Filename", operator: "IS", value: "NULL" }])],
      ["fields", "ContentType,Content,TransactionId"], ["orderby", "id"], ["order", "ASC"], ["page", String(page)], ["per_page", String(PAGE)],
    ]);
    const { data } = await api.http.json("GET", `${REST}/ticket/${encodeURIComponent(ticketId)}/attachments?${search}`, collectionSchema(attachmentItemSchema));
    return data;
  });
  const texts = new Map<string, MessageText>();
  for (const part of parts) {
    const txn = typeof part.TransactionId === "object" ? part.TransactionId.id : part.TransactionId;
    if (!txn || texts.has(txn) || part.Filename || !/^text\/(plain|html)/.test(part.ContentType)) continue;
    texts.set(txn, { ContentType: part.ContentType.split(";")[0]!, Content: part.Content ?? "" });
  }
  return texts;
}

/** A ticket's history and the text of its messages: what its description, comments and time entries are made of. */
export type TicketMessages = { history: RtTransaction[]; texts: Map<string, MessageText> };

export async function ticketMessages(api: RtApi, ticketId: string): Promise<TicketMessages> {
  const [txns, texts] = await Promise.all([history(api, ticketId), ticketTexts(api, ticketId)]);
  return { history: txns, texts };
}

/** RT has no description field: it is the text of the ticket's Create transaction. */
export function descriptionOf(messages: TicketMessages): string {
  const create = messages.history.find((t) => t.Type === "Create");
  return create ? messages.texts.get(create.id)?.Content ?? "" : "";
}

/** The new transaction's id, from the Location header RT sets on 201 (Resource/Message.pm create_path). */
function createdTransactionId(response: Response): string {
  const match = /\/transaction\/(\d+)\/?$/.exec(response.headers.get("Location") ?? "");
  if (!match) throw new ConnectorError("invalid_response", "RT did not say which transaction it created (no Location header)");
  return match[1]!;
}

/** When RT answered, to the second (its Date header), as RT's own W3CDTF dates read; our clock when there is none. */
export function answeredAt(response: Response): string {
  const date = Date.parse(response.headers.get("Date") ?? "");
  return new Date(Number.isNaN(date) ? Date.now() : date).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (POST /ticket/:id/correspond, /comment; Replying/Commenting Tickets)
/** Posts a message; the answer names the new transaction (Location) and nothing else of it. */
export async function postMessage(api: RtApi, ticketId: string, kind: "correspond" | "comment", body: Record<string, unknown>): Promise<{ id: string; at: string }> {
  const { response } = await api.http.json("POST", `${REST}/ticket/${encodeURIComponent(ticketId)}/${kind}`, messagesSchema, { json: body });
  return { id: createdTransactionId(response), at: answeredAt(response) };
}

// https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /ticket/:id/attachments)
export function ticketAttachments(api: RtApi, ticketId: string): Promise<RtAttachmentItem[]> {
  return allPages(async (page) => {
    const search = new URLSearchParams([["fields", "Filename,ContentType,ContentLength,Created,TransactionId"], ["page", String(page)], ["per_page", String(PAGE)]]);
    const { data } = await api.http.json("GET", `${REST}/ticket/${encodeURIComponent(ticketId)}/attachments?${search}`, collectionSchema(attachmentItemSchema));
    return data;
  });
}

// https://github.com/bestpractical/rt/blob/rt-5.0.8/lib/RT/REST2.pm (GET /attachment/:id; Content is base64, so RT forces the whole file into one JSON body)
export async function attachment(api: RtApi, id: string) {
  const { data } = await api.http.json("GET", `${REST}/attachment/${encodeURIComponent(id)}`, attachmentRecordSchema);
  return data;
}

/**
 * Uploads a file as an internal comment. REST2 takes files in `multipart/form-data` (field
 * `JSON` plus `Attachments`, POD "Add Attachments"), so the file streams through instead of
 * being base64-encoded whole into JSON.
 */
export async function uploadFile(api: RtApi, ticketId: string, file: AttachmentUpload): Promise<string> {
  const boundary = `lockstep-${crypto.randomUUID()}`;
  const safeName = file.fileName.replace(/["\r\n\\]/g, "_");
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="JSON"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ Subject: file.fileName })}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="Attachments"; filename="${safeName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const reader = file.body.getReader();
  let stage: "head" | "body" | "done" = "head";
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === "head") { controller.enqueue(head); stage = "body"; return; }
      if (stage === "done") return;
      const { value, done } = await reader.read();
      if (done) { controller.enqueue(tail); controller.close(); stage = "done"; return; }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const response = await api.http.send("POST", `${REST}/ticket/${encodeURIComponent(ticketId)}/comment`, {
    body, headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
  });
  await response.body?.cancel();
  return createdTransactionId(response);
}
