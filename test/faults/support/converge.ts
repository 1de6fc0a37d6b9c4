// Is a connection converged? Both platforms are read through their connectors (the simulators'
// faults paused), as a person comparing the two sides would: every source ticket in scope has
// exactly one copy on the target and the reverse, the mapped fields agree per the mappings, and
// every comment, file and time entry that should travel is on the other side exactly once, with
// nothing echoed back and nothing extra. Returns the problems found, named ticket by ticket.
import type { Attachment, Comment, Ticket, TimeEntry } from "../../../src/connectors/canonical";
import type { ConnectorClient } from "../../../src/connectors/contract";
import type { FieldMappingInput } from "../../../src/schemas/connections";
import { sha256 } from "./bytes";

export type CheckedSide = {
  client: ConnectorClient;
  ticketType: string;
  /** Which of this side's originals travel (the side settings of the connection). */
  comments: { public: boolean; internal: boolean };
  attachments: boolean;
  timeEntries: boolean;
  /** Tickets of this side the connection covers (its filters). */
  inScope?: (ticket: Ticket) => boolean;
};

export type Convergence = {
  problems: string[];
  /** What was compared, to print beside the result. */
  counted: { tickets: number; comments: number; attachments: number; timeEntries: number };
};

const COMMENT_REF = /\(Lockstep ref cml_[0-9a-z]+\)/;
/** Any copy's marker: a comment's attribution, or the short time-entry marker that ends a text
 * on platforms without a hidden place for it (RT records time on a comment). */
const ANY_REF = /\(Lockstep ref [a-z]+_[0-9a-z]+\)|(?:^|\n)\[Lockstep [a-z]{3}_[0-9a-z]+\]$/;
/** A time entry copy: its reference read back by the connector, or the old marker in its notes. */
const isTimeCopy = (e: TimeEntry) => e.reference !== null || /\(Lockstep ref tel_[0-9a-z]+\)/.test(e.notes);

async function listAll(side: CheckedSide): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  let cursor: string | null = null;
  do {
    const page = await side.client.listChanged({ since: "2000-01-01T00:00:00.000Z", cursor, ticketType: side.ticketType, pageSize: 100 });
    tickets.push(...page.tickets);
    cursor = page.nextCursor;
  } while (cursor);
  return tickets;
}

function fieldValue(ticket: Ticket, field: string): string | null {
  switch (field) {
    case "title": return ticket.title;
    case "description": return ticket.description;
    case "status": return ticket.status?.id ?? null;
    case "priority": return ticket.priority?.id ?? null;
    case "queue": return ticket.queue?.id ?? null;
    case "assignee": return ticket.assignee?.id ?? null;
    case "company": return ticket.company?.id ?? null;
    default: {
      const value = ticket.customFields[field.replace(/^custom:/, "")];
      return value === undefined || value === null ? null : String(value);
    }
  }
}

/** The mapped fields of one pair that disagree, as "field: source → expected target, found …". */
function fieldProblems(source: Ticket, target: Ticket, mappings: Partial<FieldMappingInput>[]): string[] {
  const problems: string[] = [];
  for (const m of mappings) {
    const from = fieldValue(source, m.sourceField!);
    const to = fieldValue(target, m.targetField!);
    const expected = m.kind === "value" ? (m.valuePairs ?? []).find((p) => p.sourceValue === from)?.targetValue ?? null : from;
    if (expected !== to) problems.push(`${m.sourceField}→${m.targetField}: source ${JSON.stringify(from)} wants ${JSON.stringify(expected)} on the target, found ${JSON.stringify(to)}`);
  }
  return problems;
}

type Sides = { source: CheckedSide; target: CheckedSide };
type Pair = { source: Ticket; target: Ticket };
const other = (side: "source" | "target") => (side === "source" ? "target" : "source");

function commentProblems(pair: Pair, lists: Record<"source" | "target", Comment[]>, sides: Sides): { problems: string[]; originals: number } {
  const problems: string[] = [];
  let originals = 0;
  for (const from of ["source", "target"] as const) {
    const to = other(from);
    const copies = lists[to].filter((c) => COMMENT_REF.test(c.body));
    // A platform that keeps the description as the ticket's first note too (ConnectWise): that
    // note stays, the description travels as the description.
    const first = [...lists[from]].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
    const description = pair[from].description.trim();
    for (const original of lists[from].filter((c) => !ANY_REF.test(c.body))) {
      originals++;
      const text = original.body.trim();
      const found = copies.filter((c) => c.body.includes(text));
      const isDescription = original === first && description !== "" && text === description;
      const travels = !isDescription && (original.public ? sides[from].comments.public : sides[from].comments.internal);
      const label = `${from} ${pair[from].number} comment ${original.id} "${text.slice(0, 40)}"`;
      if (travels && found.length === 0) problems.push(`lost: ${label} is not on the ${to} side`);
      if (found.length > 1) problems.push(`duplicate: ${label} is on the ${to} side ${found.length} times`);
      if (!travels && found.length > 0) problems.push(`leaked: ${label} should not travel but is on the ${to} side`);
      if (found.some((c) => c.public && !original.public)) problems.push(`exposed: ${label} is internal but its copy is public`);
    }
    // A copy must come from the other side; one whose original is on its own side is an echo.
    for (const copy of lists[from].filter((c) => COMMENT_REF.test(c.body))) {
      if (!lists[to].some((o) => !ANY_REF.test(o.body) && copy.body.includes(o.body.trim()))) {
        problems.push(`extra: ${from} ${pair[from].number} comment ${copy.id} is a copy of nothing on the ${to} side: "${copy.body.slice(0, 80)}"`);
      }
    }
  }
  return { problems, originals };
}

async function attachmentProblems(pair: Pair, lists: Record<"source" | "target", Attachment[]>, sides: Sides): Promise<{ problems: string[]; files: number }> {
  const problems: string[] = [];
  const names = new Set([...lists.source, ...lists.target].map((f) => f.fileName));
  for (const name of names) {
    const on = { source: lists.source.filter((f) => f.fileName === name), target: lists.target.filter((f) => f.fileName === name) };
    for (const side of ["source", "target"] as const) {
      if (on[side].length > 1) problems.push(`duplicate: ${name} is on ${side} ${pair[side].number} ${on[side].length} times (${on[side].map((f) => `${f.size ?? "?"} bytes, ${f.createdAt}`).join("; ")})`);
    }
    const origin = on.source.length > 0 && on.target.length === 0 ? "source" : on.target.length > 0 && on.source.length === 0 ? "target" : null;
    if (origin) {
      if (sides[origin].attachments) problems.push(`lost: ${name} on ${origin} ${pair[origin].number} is not on the ${other(origin)} side`);
      continue;
    }
    const hashes = async (side: "source" | "target") => {
      const file = on[side][0]!;
      const download = await sides[side].client.downloadAttachment(pair[side].id, sides[side].ticketType, file);
      return sha256(await new Response(download.body).arrayBuffer());
    };
    const [a, b] = [await hashes("source"), await hashes("target")];
    if (a !== b) problems.push(`corrupt: ${name} differs between source ${pair.source.number} and target ${pair.target.number}`);
  }
  return { problems, files: names.size };
}

function timeProblems(pair: Pair, lists: Record<"source" | "target", TimeEntry[]>, sides: Sides): { problems: string[]; entries: number } {
  const problems: string[] = [];
  let entries = 0;
  for (const from of ["source", "target"] as const) {
    const to = other(from);
    const copies = lists[to].filter(isTimeCopy);
    for (const original of lists[from].filter((e) => !isTimeCopy(e) && !ANY_REF.test(e.notes) && e.minutes > 0)) {
      entries++;
      const text = original.notes.trim();
      const found = copies.filter((c) => c.notes.includes(text));
      const label = `${from} ${pair[from].number} time entry ${original.id} (${original.minutes} min "${text.slice(0, 40)}")`;
      if (sides[from].timeEntries && found.length === 0) problems.push(`lost: ${label} is not on the ${to} side`);
      if (found.length > 1) problems.push(`duplicate: ${label} is on the ${to} side ${found.length} times`);
      if (!sides[from].timeEntries && found.length > 0) problems.push(`leaked: ${label} should not travel but is on the ${to} side`);
      for (const copy of found) if (copy.minutes !== original.minutes) problems.push(`changed: ${label} arrived as ${copy.minutes} min`);
    }
    for (const copy of lists[from].filter(isTimeCopy)) {
      if (!lists[to].some((o) => !isTimeCopy(o) && !ANY_REF.test(o.notes) && o.notes.trim() !== "" && copy.notes.includes(o.notes.trim()))) {
        problems.push(`extra: ${from} ${pair[from].number} time entry ${copy.id} is a copy of nothing on the ${to} side`);
      }
    }
  }
  return { problems, entries };
}

export async function checkConvergence(sides: Sides, mappings: Partial<FieldMappingInput>[]): Promise<Convergence> {
  const problems: string[] = [];
  const counted = { tickets: 0, comments: 0, attachments: 0, timeEntries: 0 };
  const all = { source: await listAll(sides.source), target: await listAll(sides.target) };
  const sources = all.source.filter((t) => sides.source.inScope?.(t) ?? true);
  const byReference = new Map<string, Ticket[]>();
  for (const t of all.target) byReference.set(t.partnerReference ?? "", [...(byReference.get(t.partnerReference ?? "") ?? []), t]);
  const pairs: Pair[] = [];
  for (const source of sources) {
    const copies = byReference.get(source.number) ?? [];
    if (copies.length === 0) problems.push(`lost: source ticket ${source.number} "${source.title}" has no copy on the target`);
    if (copies.length > 1) problems.push(`duplicate: source ticket ${source.number} has ${copies.length} copies on the target (${copies.map((c) => c.number).join(", ")})`);
    const target = copies[0];
    if (!target) continue;
    if (source.partnerReference !== target.number) problems.push(`unlinked: source ticket ${source.number} carries partner reference ${JSON.stringify(source.partnerReference)}, not ${target.number}`);
    problems.push(...fieldProblems(source, target, mappings).map((p) => `field: ${source.number}/${target.number} ${p}`));
    pairs.push({ source, target });
  }
  const sourceNumbers = new Set(sources.map((t) => t.number));
  for (const target of all.target) {
    if (!sourceNumbers.has(target.partnerReference ?? "")) problems.push(`extra: target ticket ${target.number} "${target.title}" copies no source ticket (partner reference ${JSON.stringify(target.partnerReference)})`);
  }
  counted.tickets = pairs.length;
  for (const pair of pairs) {
    const read = <T>(get: (side: CheckedSide, ticket: Ticket) => Promise<T[]>) =>
      Promise.all([get(sides.source, pair.source), get(sides.target, pair.target)]).then(([source, target]) => ({ source, target }));
    const comments = commentProblems(pair, await read((s, t) => s.client.listComments(t.id, s.ticketType)), sides);
    const files = await attachmentProblems(pair, await read((s, t) => s.client.listAttachments(t.id, s.ticketType)), sides);
    const time = sides.source.client.listTimeEntries && sides.target.client.listTimeEntries
      ? timeProblems(pair, await read((s, t) => s.client.listTimeEntries!(t.id, s.ticketType)), sides)
      : { problems: [], entries: 0 };
    problems.push(...comments.problems, ...files.problems, ...time.problems);
    counted.comments += comments.originals;
    counted.attachments += files.files;
    counted.timeEntries += time.entries;
  }
  return { problems, counted };
}
