// The simulators as the demo runs them: seeded relative to the moment of seeding (a first sync
// looks 30 days back, so tickets from 2024 would never be found), with a Service Desk status the
// demo connection leaves unmapped on purpose, so that its first sync has failures to show on the
// Issues page.
import { createConnectWiseSimulator } from "./simulators/connectwise/app";
import type { ConnectWiseStore } from "./simulators/connectwise/store";
import { createRequestTrackerSimulator } from "./simulators/request-tracker/app";
import { createServiceNowSimulator } from "./simulators/servicenow/app";
import { replaceSimulators } from "./simulators/mount";

const DAY_MS = 86_400_000;

/** A Service Desk status no demo mapping pairs: its tickets fail with `value_not_mapped`. */
export const DEMO_UNMAPPED_STATUS = { id: 16, name: "Scheduled" } as const;
/** The seeded Service Desk tickets moved to that status. */
export const DEMO_UNMAPPED_TICKET_IDS = [106, 118] as const;

/**
 * When each simulator's seed starts, for seeding at `now`: the first ticket three days (Request
 * Tracker: six, its seed spans five) before `now`, the last a few hours before it.
 */
export function demoSeedTimes(now: number) {
  return {
    // 36 tickets, 110 minutes apart, each updated 90 minutes after it was created.
    connectwise: { start: now - 3 * DAY_MS, stepMinutes: 110 },
    // 51 tickets, 80 minutes apart.
    servicenow: { start: now - 3 * DAY_MS, stepMinutes: 80 },
    // Epoch seconds: hourly tickets, updated two days later; the shared update at five days.
    requestTrackerStart: Math.floor((now - 6 * DAY_MS) / 1000),
  };
}

/** Moves a few Service Desk tickets to a status the demo mappings leave unpaired. */
export function addUnmappedStatus(store: ConnectWiseStore): void {
  const serviceDesk = store.boards.find((b) => b.id === 1)!;
  store.statuses.push({
    ...DEMO_UNMAPPED_STATUS, board: { id: serviceDesk.id, name: serviceDesk.name }, sortOrder: 5, displayOnBoard: true, inactive: false, closedStatus: false, defaultFlag: false,
  });
  for (const id of DEMO_UNMAPPED_TICKET_IDS) {
    const ticket = store.tickets.get(id);
    if (!ticket) continue;
    ticket.status = { ...DEMO_UNMAPPED_STATUS };
    ticket.closedFlag = false;
    delete ticket.closedDate;
    delete ticket.closedBy;
  }
}

/** The demo's simulators, seeded as of `now`. */
export function createDemoSimulators(now: number) {
  const times = demoSeedTimes(now);
  const connectwise = createConnectWiseSimulator({ seedTime: times.connectwise });
  addUnmappedStatus(connectwise.store);
  return {
    connectwise,
    servicenow: createServiceNowSimulator({ seedTime: times.servicenow }),
    "request-tracker": createRequestTrackerSimulator({ seedStart: times.requestTrackerStart }),
  };
}

/** Re-seeds the simulators the demo Worker serves under /__sim as of `now`. */
export function reseedDemoSimulators(now: number): void {
  replaceSimulators(createDemoSimulators(now));
}
