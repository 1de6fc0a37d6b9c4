// ServiceNow cannot call out on its own: Lockstep's setup has the admin add an async Business
// Rule (src/connectors/servicenow/webhook.ts) that POSTs each saved record's id, signed with
// GlideCertificateEncryption.generateMac: base64 HMAC-SHA256 of timestamp + body. The simulator
// runs that rule. Instances have no API for adding Business Rules, so tests and the demo add one
// through a control endpoint, `POST /__control/business-rules` {table, url, secret, excludeUser?}.
// `excludeUser` is the rule's first line: saves by Lockstep's own user make no call.
import type { Hono } from "hono";
import type { WebhookOutbox } from "../webhook-outbox";
import type { SimEnv } from "./respond";
import { TASK_TABLES } from "./tables";
import type { Row, ServiceNowStore } from "./store";

export type LockstepRule = { id: string; table: string; url: string; secret: string; excludeUser: string | null };

async function sign(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return btoa(String.fromCharCode(...mac));
}

export function createBusinessRules(store: ServiceNowStore, outbox: WebhookOutbox) {
  const rules: LockstepRule[] = [];

  function register(app: Hono<SimEnv>): void {
    app.get("/__control/business-rules", (c) => c.json({ result: rules.map(({ secret: _, ...rule }) => rule) }));
    app.post("/__control/business-rules", async (c) => {
      const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
      const text = (key: string) => (typeof body?.[key] === "string" && body[key] !== "" ? (body[key] as string) : null);
      const [table, url, secret] = [text("table"), text("url"), text("secret")];
      if (!table || !url || !secret || !(table in TASK_TABLES)) return c.json({ error: "table (a task table), url and secret are required" }, 400);
      const rule: LockstepRule = { id: store.newSysId(), table, url, secret, excludeUser: text("excludeUser") };
      rules.push(rule);
      return c.json({ result: { id: rule.id } }, 201);
    });
  }

  /** What the rule's script does for one saved record ("after insert/update", run async). */
  function recordSaved(table: string, row: Row, operation: "insert" | "update"): void {
    for (const rule of rules) {
      if (rule.table !== table && !(rule.table === "task" && table in TASK_TABLES)) continue;
      if (rule.excludeUser && row.sys_updated_by === rule.excludeUser) continue;
      // gs.generateGUID(): 32 hex characters, in the signed body and the header.
      const delivery = crypto.randomUUID().replaceAll("-", "");
      const body = JSON.stringify({ table: row.sys_class_name ?? table, sys_id: row.sys_id, number: row.number, operation, delivery });
      const timestamp = String(Math.floor(store.now().getTime() / 1000));
      outbox.post(
        rule.url,
        sign(rule.secret, timestamp + body).then((signature) => ({
          headers: {
            "Content-Type": "application/json",
            "X-Lockstep-Timestamp": timestamp,
            "X-Lockstep-Signature": signature,
            "X-Lockstep-Delivery": delivery,
          },
          body,
        })),
      );
    }
  }

  return { register, recordSaved, list: () => rules };
}
