// ServiceNow as data: what the engine, the account pages and the Durable Object need to know.
import { SHARED_COPY_MARKERS, type ConnectorFacts } from "../contract";
import { NOTE_TYPES } from "./mapping";
import { SERVICENOW_WEBHOOK_SCHEME } from "./webhook";

export const servicenowFacts: ConnectorFacts = {
  key: "servicenow",
  label: "ServiceNow",
  auth: ["basic", "oauth-client-credentials"],
  // Keyset paging on (sys_updated_on, sys_id) over the Table API's sysparm_limit/sysparm_offset.
  // Table API requests above 10,000 rows are capped by default (glide.rest.query.max_rows is not documented per page).
  paging: { style: "offset", maxPageSize: 10_000 },
  rateLimit: {
    // No platform-wide default: limits are Rate Limit Rules an instance admin defines (per user, role or all, per hour).
    requests: 1_000,
    perSeconds: 3_600,
    concurrency: 4,
    enforced: false,
    source:
      "Assumed; ServiceNow rate limits are per-instance rules (sys_rate_limit_rules) answered with 429 and Retry-After: https://www.servicenow.com/docs/r/zurich/api-reference/rest-api-explorer/inbound-REST-API-rate-limiting.html",
  },
  // com.glide.attachment.max_size defaults to 1024 MB (per instance property).
  maxAttachmentBytes: 1024 * 1024 * 1024,
  noteTypes: NOTE_TYPES,
  copyMarkers: {
    ...SHARED_COPY_MARKERS,
    // task_time_worked has no field that people do not read (no tags, no internal field).
    timeEntries: { where: "The last line of the Time Worked record's Comments: “[Lockstep tel_…]”, kept short; the table has no field people do not read.", visible: true },
  },
  supports: {
    // Needs the Time Worked plugin (task_time_worked); listTimeEntries fails with "Invalid table" without it.
    timeEntries: true,
    partnerReference: true,
    originalTimestamps: false,
    // task_time_worked has a user, and no work role.
    timeEntryMember: true,
    timeEntryWorkRole: false,
  },
  ticketDefaults: { sourceId: "Channel (contact_type)", categoryId: "Category", companyId: "Company" },
  // No outbound webhooks of its own: the admin adds a Business Rule (script in webhook.ts) that
  // signs timestamp + body with HMAC-SHA256 (GlideCertificateEncryption.generateMac), Zendesk style.
  partnerReferenceField: { kind: "native", field: "Correlation ID (correlation_id)" },
  statusScope: "global",
  attachmentUpload: "standalone",
  webhooks: SERVICENOW_WEBHOOK_SCHEME,
  credentialHelp: {
    username:
      "User ID of an integration user: All > User Administration > Users, open the user and copy User ID. Give it the itil role (sn_customerservice_agent for cases) and tick Web service access only.",
    password: "Set it on the same user record (Set Password). Set the user's Time zone to UTC so dates read the same everywhere.",
    clientId:
      "All > System OAuth > Application Registry > New > 'Create an OAuth API endpoint for external clients'; enable the client credentials grant and choose the OAuth Application User. Client ID is on that record.",
    clientSecret: "On the same Application Registry record: click the lock next to Client Secret to reveal it.",
  },
  ticketUrl: (baseUrl, ticket) => `${baseUrl.replace(/\/+$/, "")}/nav_to.do?uri=${encodeURIComponent(`${ticket.ticketType}.do?sys_id=${ticket.id}`)}`,
};
