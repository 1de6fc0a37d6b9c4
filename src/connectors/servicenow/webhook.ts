// ServiceNow has no outbound signed webhooks: the admin adds an async Business Rule on each synced
// table that POSTs the record's id to us with our own signature, made with
// GlideCertificateEncryption.generateMac (base64 HMAC-SHA256; the key is passed base64-encoded):
// the MAC covers timestamp + body, as Zendesk's does, and each call names itself for the replay
// cache. The replay cache keys on the MAC, so the call's id is in the signed body as well as its
// header: a header can be changed by whoever replays the call. Whatever the body says, the ticket
// is re-read by id.
import { z } from "zod";
import type { ConnectorWebhook, WebhookScheme } from "../contract";

export const SERVICENOW_WEBHOOK_SCHEME: WebhookScheme = {
  kind: "hmac",
  algorithm: "SHA-256",
  signatureHeader: "X-Lockstep-Signature",
  encoding: "base64",
  prefix: "",
  timestampHeader: "X-Lockstep-Timestamp",
  deliveryIdHeader: "X-Lockstep-Delivery",
};

/** What the Business Rule below sends. */
const ruleSchema = z.looseObject({
  table: z.string().regex(/^[a-z0-9_]{1,80}$/, "must be a table name"),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/, "must be a sys_id"),
});

const businessRule = (url: string, secret: string) => `(function executeRule(current, previous /* null when async */) {
  // Lockstep: tell Lockstep this record changed; Lockstep then re-reads it through the Table API.
  var LOCKSTEP_USER = 'lockstep.integration'; // the User ID Lockstep signs in as: its own changes need no call
  if (current.getValue('sys_updated_by') == LOCKSTEP_USER) return;
  var secret = '${secret}';
  // The delivery id goes in the signed body: two saves in one second are two calls, not a repeat.
  var delivery = gs.generateGUID();
  var body = JSON.stringify({ table: current.getTableName(), sys_id: current.getUniqueValue(), number: current.getValue('number'), operation: current.operation(), delivery: delivery });
  var timestamp = String(Math.floor(new GlideDateTime().getNumericValue() / 1000));
  var signature = new GlideCertificateEncryption().generateMac(GlideStringUtil.base64Encode(secret), 'HmacSHA256', timestamp + body);
  var request = new sn_ws.RESTMessageV2();
  request.setEndpoint('${url}');
  request.setHttpMethod('POST');
  request.setRequestHeader('Content-Type', 'application/json');
  request.setRequestHeader('X-Lockstep-Timestamp', timestamp);
  request.setRequestHeader('X-Lockstep-Signature', signature);
  request.setRequestHeader('X-Lockstep-Delivery', delivery);
  request.setRequestBody(body);
  request.setHttpTimeout(10000);
  request.execute();
})(current, previous);`;

export const servicenowWebhook: ConnectorWebhook = {
  ticketIds: ruleSchema.transform((event) => [event.sys_id]),
  setup: ({ url, secret }) => ({
    steps: [
      "All > System Definition > Business Rules > New. Table: Incident (one rule per synced table); Advanced: ticked.",
      "When to run: async; Insert and Update ticked. A comment or work note updates the record, so it calls too.",
      "Advanced > Script: the script below. Set LOCKSTEP_USER to the integration user's User ID. The script holds the signing secret: only admins should read it.",
      "The instance's clock must be right to within five minutes: older calls are refused.",
    ],
    script: businessRule(url, secret),
  }),
};
