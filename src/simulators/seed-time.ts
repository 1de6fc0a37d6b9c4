// When a simulator's seeded records happened. Tests use each seed's fixed default (March 2024),
// so their expectations hold run after run; the demo seeds relative to the moment it starts, so
// that a first sync (which looks 30 days back) finds the tickets.
export type SeedTime = {
  /** The first seeded ticket's creation, in epoch milliseconds. */
  start: number;
  /** Minutes between one seeded ticket's creation and the next. */
  stepMinutes: number;
};
