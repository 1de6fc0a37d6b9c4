// Keeps seed-backlog.ts honest: the first tickets of a backlog written straight into a store must
// be the records the simulator itself makes when the same backlog is created through the
// connector over HTTP (as the benchmark once seeded it), apart from ids and timestamps. Run
// before every full sync (a dozen tickets, a fraction of a second), so a change to a simulator's
// POST handlers that the seeder does not follow stops the benchmark instead of skewing it.
import { expect } from "vitest";
import type { ConnectorClient } from "../../src/connectors/contract";
import { createConnectWiseSimulator } from "../../src/simulators/connectwise/app";
import { createRequestTrackerSimulator } from "../../src/simulators/request-tracker/app";
import { CW_BASE, client, network } from "./harness";
import { COMMENTS_PER_TICKET, FILE_BYTES, fileBytes, seedConnectWiseBacklog, seedRequestTrackerBacklog } from "./seed-backlog";

const TICKETS = 11;
/** Fields the two ways cannot share: ids the store hands out, the clock, ConnectWise's random guid. */
const VARYING = new Set(["id", "ticketId", "recordId", "transactionId", "Parent", "guid", "serverFileName", "lastUpdated", "dateEntered", "dateCreated", "Created", "LastUpdated"]);

function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: value.length, head: [...value.subarray(0, 16)] };
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().filter((k) => !VARYING.has(k)).map((k) => [k, comparable((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** The benchmark's backlog as it used to be made: each ticket, comment and file through the connector. */
async function throughApi(source: ConnectorClient, fields: (i: number) => Parameters<ConnectorClient["createTicket"]>[1]) {
  for (let i = 0; i < TICKETS; i++) {
    const ticket = await source.createTicket("ticket", { ...fields(i), description: `Line one of ${i}\nLine two` });
    for (let c = 0; c < COMMENTS_PER_TICKET; c++) await source.addComment(ticket.id, "ticket", { body: `Comment ${c} on ${i}`, format: "text", public: c !== 1 });
    if (i % 10 === 0) await source.uploadAttachment(ticket.id, "ticket", { fileName: `log-${i}.bin`, contentType: "application/octet-stream", size: FILE_BYTES, body: new Blob([fileBytes(i)]).stream() });
  }
}

export async function checkConnectWiseSeed(requesters = 4) {
  const made = createConnectWiseSimulator();
  made.store.tickets.clear();
  made.store.notes.splice(0);
  made.store.documents.clear();
  made.store.timeEntries.splice(0);
  const contacts = made.store.contacts.slice(0, requesters);
  const company = String(made.store.companies[0]!.id);
  await throughApi(client("connectwise", CW_BASE, network({ "cw.sim.test": made.app })), (i) => ({
    title: `Printer ${i} jams`, queueId: "1", statusId: "11", priorityId: String(1 + (i % 4)), companyId: company,
    requester: { id: String(contacts[i % contacts.length]!.id), name: null, email: null },
  }));
  const seeded = createConnectWiseSimulator();
  seedConnectWiseBacklog(seeded.store, TICKETS, requesters);
  expect(comparable([...seeded.store.tickets.values()])).toEqual(comparable([...made.store.tickets.values()]));
  expect(comparable(seeded.store.notes)).toEqual(comparable(made.store.notes));
  expect(comparable([...seeded.store.documents.values()])).toEqual(comparable([...made.store.documents.values()]));
}

export async function checkRequestTrackerSeed(queue = 3) {
  const made = createRequestTrackerSimulator();
  made.store.tickets.splice(0);
  made.store.transactions.splice(0);
  made.store.attachments.splice(0);
  await throughApi(client("request-tracker", "https://rt-check.sim.test", network({ "rt-check.sim.test": made.app })), (i) => ({
    title: `Mailbox ${i} full`, queueId: String(queue), statusId: "new", priorityId: String(10 * (i % 5)),
  }));
  const seeded = createRequestTrackerSimulator();
  seedRequestTrackerBacklog(seeded.store, TICKETS, queue);
  expect(comparable(seeded.store.tickets)).toEqual(comparable(made.store.tickets));
  expect(comparable(seeded.store.transactions)).toEqual(comparable(made.store.transactions));
  expect(comparable(seeded.store.attachments)).toEqual(comparable(made.store.attachments));
}
