// Request Tracker 5 (REST2) as data. Sources: RT's POD in lib/RT/REST2.pm and the REST2 resource
// code (bestpractical/rt, 5.0.x), etc/RT_Config.pm.in for `$MaxAttachmentSize`.
import { SHARED_COPY_MARKERS, type ConnectorFacts } from "../contract";
import { NOTE_TYPES } from "./mapping";

export const requestTrackerFacts: ConnectorFacts = {
  key: "request-tracker",
  label: "Request Tracker 5",
  auth: ["bearer", "basic"],
  // Paged with page/per_page; Lockstep pages changed tickets by (LastUpdated, id) keyset instead.
  paging: { style: "page", maxPageSize: 100 },
  rateLimit: {
    requests: 10,
    perSeconds: 1,
    concurrency: 2,
    enforced: false,
    source: "RT has no built-in rate limit (REST2 POD); this is Lockstep's own polite pace for a self-hosted server. A proxy in front may still answer 429 with Retry-After.",
  },
  maxAttachmentBytes: 10 * 1024 * 1024,
  noteTypes: NOTE_TYPES,
  copyMarkers: {
    ...SHARED_COPY_MARKERS,
    // Time is TimeTaken on a comment (always the API user's, no work role); only an admin-made
    // transaction custom field could hide the marker.
    timeEntries: { where: "The last line of the time entry's comment: “[Lockstep tel_…]”, kept short; RT records time on a comment, which has no hidden field.", visible: true },
  },
  supports: { timeEntries: true, partnerReference: true, originalTimestamps: false, timeEntryMember: false, timeEntryWorkRole: false },
  ticketDefaults: { sourceId: null, categoryId: null, companyId: null },
  // RT has no webhooks in core: a Scrip posts the ticket id to a URL holding a secret.
  partnerReferenceField: { kind: "chosen-field", setting: "partnerReferenceField" },
  statusScope: "global",
  attachmentUpload: "standalone",
  webhooks: { kind: "url-secret" },
  credentialHelp: {
    token: "In RT: Logged in as … → Settings → Auth Tokens → Create; copy the token shown once. Needs RT::Authen::Token (built into RT 5).",
    username: "The integration user's Name, from Admin → Users (or Logged in as … → Settings → About me). Set that user's time zone to UTC (About me → Locale → Time zone): RT reads TicketSQL dates in the user's time zone.",
    password: "The integration user's RT password (Admin → Users → the user → Password). Basic auth is refused for users who must use MFA; use a token then.",
    baseUrl: "RT's web address (the page you log in at), e.g. https://rt.example.com or https://example.com/rt; REST2 lives under /REST/2.0/.",
  },
  ticketUrl: (baseUrl, ticket) => `${baseUrl.replace(/\/+$/, "")}/Ticket/Display.html?id=${encodeURIComponent(ticket.id)}`,
};
