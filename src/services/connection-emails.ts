// Where the install sends email (the ALERT_EMAIL binding and a sender), the inviting
// organisation's owners and admins are emailed when their partner accepts: they may have sent
// the link days ago and not be looking at the connection page. A failed send is logged, never
// undoes the acceptance.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections, users } from "../db/schema";
import { alertEmailBinding, canEmailAlerts, loadConfig } from "../env";

export async function emailAcceptance(env: Env, db: Db, connectionId: string, partnerName: string): Promise<string[]> {
  const binding = alertEmailBinding(env);
  if (!binding || !canEmailAlerts(env)) return [];
  const [row] = await db.select({ name: connections.name, inviter: connections.createdByOrgId }).from(connections).where(eq(connections.id, connectionId));
  if (!row) return [];
  const admins = await db.select({ email: users.email }).from(users).where(and(eq(users.orgId, row.inviter), inArray(users.role, ["owner", "admin"])));
  const to = [...new Set(admins.map((a) => a.email))].slice(0, 50);
  if (!to.length) return [];
  try {
    await binding.send({
      from: loadConfig(env).alertEmailFrom!,
      to,
      subject: `Lockstep: ${partnerName} accepted "${row.name}"`,
      text: `${partnerName} accepted your invitation to the connection "${row.name}": it is active. Choose your side's defaults and map status and priority before the first sync.\n`,
    });
    return to;
  } catch (err) {
    console.warn(`acceptance email for ${connectionId} not sent: ${(err as Error).message}`);
    return [];
  }
}
