// ConnectWise PSA facts as data (sources: ../vendor-apis.md §1).
import { SHARED_COPY_MARKERS, type ConnectorFacts } from "../contract";

export const connectwiseFacts: ConnectorFacts = {
  key: "connectwise",
  label: "ConnectWise PSA (Manage)",
  auth: ["basic", "headers"],
  paging: { style: "link", maxPageSize: 1000 },
  rateLimit: {
    // ConnectWise publishes no number; 429s carry Retry-After. 60/min is a cautious assumption
    // (a third-party guide's figure) until a tenant's real limit is observed.
    requests: 60,
    perSeconds: 60,
    concurrency: 2,
    enforced: false,
    source: "No published limit: PSA API Requests page documents 429 + Retry-After only; 60/min assumed (asachs01/msp-claude-plugins, 3P)",
  },
  // No documented limit for /system/documents uploads (to verify on a sandbox).
  maxAttachmentBytes: null,
  // Discussion and Resolution notes reach the customer (portal, emails); Internal notes do not.
  noteTypes: [
    { id: "discussion", name: "Discussion", public: true },
    { id: "internal", name: "Internal", public: false },
    { id: "resolution", name: "Resolution", public: true },
  ],
  copyMarkers: {
    ...SHARED_COPY_MARKERS,
    timeEntries: { where: "The time entry's Internal Notes: “Lockstep ref tel_…”. Only your members see them, never the customer (invoices, portal); the Notes keep what the technician wrote.", visible: false },
  },
  supports: { timeEntries: true, partnerReference: true, originalTimestamps: false, timeEntryMember: true, timeEntryWorkRole: true },
  ticketDefaults: { sourceId: "Source", categoryId: "Type (the board's service type)", companyId: "Company" },
  // Callbacks (POST /system/callbacks) carry `x-content-signature`, whose key scheme is seen only
  // in third-party code: treated as unsigned, with a secret in the URL, and re-read by id.
  partnerReferenceField: { kind: "native", field: "External reference (externalXRef)" },
  statusScope: "queue",
  attachmentUpload: "standalone",
  webhooks: { kind: "url-secret" },
  credentialHelp: {
    companyId: "The Company field on the ConnectWise PSA login page (also shown under System > My Company).",
    publicKey: "System > Members > API Members > (your API member) > API Keys tab > + : the Public Key column.",
    privateKey: "Shown once, next to the public key, when the API key is created on the API Keys tab; create a new key if it was lost.",
    clientId: "developer.connectwise.com > My Account > Client IDs (register the integration once; the GUID is the clientId).",
  },
  // The API base is https://{site}/{codebase}/apis/3.0; the ticket page lives under the codebase.
  ticketUrl: (baseUrl, ticket) =>
    `${baseUrl.replace(/\/apis\/3\.0\/?$/, "")}/services/system_io/Service/fv_sr100_request.rpp?service_recid=${encodeURIComponent(ticket.id)}`,
};
