// Deliveries already accepted, per connection side, kept a day: a verified call sent again (by an
// attacker who captured it, or by a platform retrying) queues nothing the second time. A call is
// named by what was verified (`DeliveryVerdict.replayKey`: the MAC, or the body's digest where
// nothing is signed), never by a delivery id header, which a replayer can change at will. The
// key is kept in the table's `delivery_id` column. Rows older than a day are pruned on each
// insert for that side, which keeps the table small without a sweep.
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { webhookDeliveries } from "../db/schema";

/** Longer than a signed timestamp's tolerance either way (ten minutes), so a timestamped call
 * is refused as stale before it leaves the cache; a call signed without a timestamp is refused
 * as a repeat for a day, and after that can at most queue a re-read of the tickets it names. */
export const REPLAY_WINDOW_SECONDS = 24 * 3600;

type Side = "source" | "target";

/** Records the delivery; false when it was already recorded (a replay). */
export async function firstDelivery(db: Db, connectionId: string, side: Side, replayKey: string, nowMs = Date.now()): Promise<boolean> {
  const [, inserted] = await db.batch([
    db
      .delete(webhookDeliveries)
      .where(and(eq(webhookDeliveries.connectionId, connectionId), eq(webhookDeliveries.side, side), lt(webhookDeliveries.receivedAt, new Date(nowMs - REPLAY_WINDOW_SECONDS * 1000).toISOString()))),
    db
      .insert(webhookDeliveries)
      .values({ connectionId, side, deliveryId: replayKey, receivedAt: new Date(nowMs).toISOString() })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.deliveryId }),
  ]);
  return inserted.length === 1;
}

/** Forgets a delivery that could not be queued, so the platform's retry is taken. */
export async function forgetDelivery(db: Db, connectionId: string, side: Side, replayKey: string): Promise<void> {
  await db
    .delete(webhookDeliveries)
    .where(and(eq(webhookDeliveries.connectionId, connectionId), eq(webhookDeliveries.side, side), eq(webhookDeliveries.deliveryId, replayKey)));
}
