// Keeping count of what a run looked at (schemas/run-scope): tickets listed per side and the ones
// the filters left out, by filter. Pure: the reading and applying phases fold their findings in,
// and the scope travels in the run's checkpoint, so a chunk redone is not counted twice.
import { EXCLUSION_VALUES, type ExclusionKind, type RunScope, type SideScope, type StartSource } from "../../schemas/run-scope";
import type { Side } from "./types";

/** A ticket the plan left out, and the filter that did. */
export type PlanExclusion = { side: Side; ticketId: string; kind: ExclusionKind; value: string | null };

const emptySide = (): SideScope => ({ since: null, fromStart: false, listed: 0, alreadyHandled: 0, reread: 0, excluded: [] });

export function emptyScope(start: { since: string; from: StartSource }): RunScope {
  return { start, source: emptySide(), target: emptySide() };
}

/** Where a side's reading starts: from the connection's start, or where the last run stopped. */
export function startSide(scope: RunScope, side: Side, since: string, fromStart: boolean) {
  scope[side].since = since;
  scope[side].fromStart = fromStart;
}

/** One page of a listing: how many were listed, and how many of them were new to us. */
export function countListed(scope: RunScope, side: Side, listed: number, fresh: number) {
  scope[side].listed += listed;
  scope[side].alreadyHandled += listed - fresh;
}

export function tallyExclusions(scope: RunScope, exclusions: PlanExclusion[]) {
  for (const e of exclusions) {
    const excluded = scope[e.side].excluded;
    let entry = excluded.find((x) => x.kind === e.kind);
    if (!entry) excluded.push((entry = { kind: e.kind, count: 0, values: [] }));
    entry.count++;
    const value = e.value?.slice(0, 200);
    if (value && entry.values.length < EXCLUSION_VALUES && !entry.values.includes(value)) entry.values.push(value);
  }
}
