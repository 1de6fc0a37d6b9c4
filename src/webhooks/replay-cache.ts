// Delivery ids already accepted, per connection side, kept a day: a signed delivery sent again
// (by an attacker who captured it, or by a platform retrying) queues nothing the second time.
// Rows older than a day are pruned on each insert for that side, which keeps the table small
// without a sweep.
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { webhookDeliveries } from "../db/schema";

export const REPLAY_WINDOW_SECONDS = 24 * 3600;
/** Delivery ids are the platform's; a longer one is cut rather than refused. */
const MAX_ID_LENGTH = 200;

type Side = "source" | "target";

/** Records the delivery; false when it was already recorded (a replay). */
export async function firstDelivery(db: Db, connectionId: string, side: Side, deliveryId: string, nowMs = Date.now()): Promise<boolean> {
  const id = deliveryId.slice(0, MAX_ID_LENGTH);
  const [, inserted] = await db.batch([
    db
      .delete(webhookDeliveries)
      .where(and(eq(webhookDeliveries.connectionId, connectionId), eq(webhookDeliveries.side, side), lt(webhookDeliveries.receivedAt, new Date(nowMs - REPLAY_WINDOW_SECONDS * 1000).toISOString()))),
    db
      .insert(webhookDeliveries)
      .values({ connectionId, side, deliveryId: id, receivedAt: new Date(nowMs).toISOString() })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.deliveryId }),
  ]);
  return inserted.length === 1;
}

/** Forgets a delivery that could not be queued, so the platform's retry is taken. */
export async function forgetDelivery(db: Db, connectionId: string, side: Side, deliveryId: string): Promise<void> {
  await db
    .delete(webhookDeliveries)
    .where(and(eq(webhookDeliveries.connectionId, connectionId), eq(webhookDeliveries.side, side), eq(webhookDeliveries.deliveryId, deliveryId.slice(0, MAX_ID_LENGTH))));
}
