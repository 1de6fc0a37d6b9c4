// One Durable Object per connection, named `${orgId}:${connectionId}`: the only caller of the
// sync engine, so runs of one connection never overlap. The orchestration issue fills in runs,
// chunking through alarms, cooldowns and backoff; this is its frame.
import { DurableObject } from "cloudflare:workers";

export type ConnectionSyncState = { connectionId: string | null; running: boolean };

export class ConnectionSync extends DurableObject<Env> {
  /** The connection this object serves; remembered so alarms know who they are for. */
  async describe(): Promise<ConnectionSyncState> {
    const connectionId = (await this.ctx.storage.get<string>("connectionId")) ?? null;
    return { connectionId, running: false };
  }

  async bind(connectionId: string): Promise<void> {
    const current = await this.ctx.storage.get<string>("connectionId");
    if (current && current !== connectionId) throw new Error(`This object already serves connection ${current}`);
    await this.ctx.storage.put("connectionId", connectionId);
  }
}

export function connectionSyncStub(env: Env, orgId: string, connectionId: string) {
  return env.CONNECTION_SYNC.get(env.CONNECTION_SYNC.idFromName(`${orgId}:${connectionId}`));
}
