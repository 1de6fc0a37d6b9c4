// The whole data model in one place. Every table that holds tenant data carries `org_id` (or
// reaches an organisation through a connection side) so that every query can be scoped.
// Timestamps are UTC ISO-8601 strings (`2026-11-23T15:30:00.000Z`), which sort as text.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const timestamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

export const organisations = sqliteTable("organisations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /**
   * Set by the install's operators: `none` until then, `active`, `trial` (until
   * `billing_trial_ends_at`) or `suspended`. Where BILLING_REQUIRED, automatic sync runs only for
   * connections whose billing organisation is active or in trial (services/billing-state.ts).
   */
  billingStatus: text("billing_status", { enum: ["none", "active", "trial", "suspended"] }).notNull().default("none"),
  billingTrialEndsAt: text("billing_trial_ends_at"),
  ...timestamps,
});

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /**
     * Lower-cased; unique within the organisation. The same address may be a user of several
     * organisations, so that adding a user never reveals whether it is used elsewhere; sign-in
     * tries the password against each (services/sign-in.ts).
     */
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["owner", "admin", "viewer"] }).notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_org_email_unique").on(t.orgId, t.email), index("users_email_idx").on(t.email), index("users_org_idx").on(t.orgId, t.id)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie value: a leaked database row cannot be replayed as a cookie. */
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    /** The user who created it; the token never has more rights than they had. */
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role", { enum: ["owner", "admin", "viewer"] }).notNull(),
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull(),
    /** The first characters, so a person can tell tokens apart. */
    prefix: text("prefix").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_hash_unique").on(t.tokenHash), index("api_tokens_org_idx").on(t.orgId, t.id)],
);

/**
 * One-time links an admin makes so that another user sets a new password: only the SHA-256 of
 * the link's token is kept; a link works once, until `expires_at`, and a newer one replaces it.
 */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    /** The admin who made the link. */
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [uniqueIndex("password_resets_token_unique").on(t.tokenHash), index("password_resets_user_idx").on(t.userId)],
);

/**
 * Invitations to join an organisation as a teammate: a one-time link whose token is kept only as
 * its SHA-256, like password links. Spent by `accepted_at`, ended early by `revoked_at`.
 */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    /** Lower-cased: the address the invitee's user will have. */
    email: text("email").notNull(),
    role: text("role", { enum: ["owner", "admin", "viewer"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The owner or admin who invited (not a foreign key: the invitation outlives their removal). */
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    acceptedAt: text("accepted_at"),
    acceptedUserId: text("accepted_user_id"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("invitations_token_unique").on(t.tokenHash), index("invitations_org_idx").on(t.orgId, t.createdAt)],
);

export const platformAccounts = sqliteTable(
  "platform_accounts",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Connector key from the connector registry, e.g. `servicenow`. */
    platform: text("platform").notNull(),
    baseUrl: text("base_url").notNull(),
    /** AES-256-GCM ciphertext of the credentials JSON, bound to this row (see crypto/secrets.ts). */
    credentialsCiphertext: text("credentials_ciphertext").notNull(),
    /** Non-secret settings (JSON). */
    settings: text("settings").notNull().default("{}"),
    lastTestedAt: text("last_tested_at"),
    lastTestOk: integer("last_test_ok", { mode: "boolean" }),
    lastTestMessage: text("last_test_message"),
    ...timestamps,
  },
  (t) => [index("platform_accounts_org_idx").on(t.orgId, t.id)],
);

/** Discovered picklists (boards, statuses, priorities…), cached per account and kind. */
export const picklistCache = sqliteTable(
  "picklist_cache",
  {
    accountId: text("account_id").notNull().references(() => platformAccounts.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    values: text("values").notNull(),
    fetchedAt: text("fetched_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.kind] })],
);

export const connections = sqliteTable(
  "connections",
  {
    id: text("id").primaryKey(),
    /** The contract's name, as both organisations see it. */
    name: text("name").notNull(),
    createdByOrgId: text("created_by_org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    /** `pending` until the partner accepts the invitation; internal connections start `active`. */
    status: text("status", { enum: ["pending", "active", "paused"] }).notNull(),
    internal: integer("internal", { mode: "boolean" }).notNull().default(false),
    /** SHA-256 of the verification code the partner types; cleared on acceptance. */
    invitationCodeHash: text("invitation_code_hash"),
    invitationExpiresAt: text("invitation_expires_at"),
    /**
     * The organisation that signed up with the code, if one did: only it may accept, so one code
     * makes at most one organisation. Cleared with the code on acceptance.
     */
    invitationClaimedByOrgId: text("invitation_claimed_by_org_id").references(() => organisations.id, { onDelete: "set null" }),
    automaticEnabled: integer("automatic_enabled", { mode: "boolean" }).notNull().default(false),
    /** The organisation that switched automatic sync on, and so pays for it. */
    billingOrgId: text("billing_org_id").references(() => organisations.id, { onDelete: "set null" }),
    initialSyncCompletedAt: text("initial_sync_completed_at"),
    /** Connection-wide settings both sides agreed (JSON, parsed by connectionSettingsSchema). */
    settings: text("settings").notNull().default("{}"),
    /** Seconds between two manual runs. */
    manualCooldownSeconds: integer("manual_cooldown_seconds").notNull().default(60),
    lastManualRunAt: text("last_manual_run_at"),
    /**
     * When one organisation left the connection: it stays paused for good, its leaving side has no
     * account any more, and both organisations still read its links and history.
     */
    endedAt: text("ended_at"),
    /** When an automatic run last looked for changes and found none (such runs leave no row). */
    lastCheckedAt: text("last_checked_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("connections_invitation_unique").on(t.invitationCodeHash),
    index("connections_automatic_idx").on(t.automaticEnabled, t.status),
  ],
);

/** One row per side of a connection: who owns it, which account, and that side's settings. */
export const connectionSides = sqliteTable(
  "connection_sides",
  {
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    side: text("side", { enum: ["source", "target"] }).notNull(),
    orgId: text("org_id").references(() => organisations.id, { onDelete: "cascade" }),
    /** Null until the partner accepts and picks its account. */
    platformAccountId: text("platform_account_id").references(() => platformAccounts.id, { onDelete: "restrict" }),
    /** Defaults, filters, comment/attachment/time-entry options (JSON, parsed by zod on read). */
    settings: text("settings").notNull().default("{}"),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.side] }),
    index("connection_sides_org_idx").on(t.orgId),
    index("connection_sides_account_idx").on(t.platformAccountId),
  ],
);

/**
 * Webhook secrets, per connection side: the signing key (or, for platforms that sign nothing,
 * the secret in the URL). One current secret (no expiry); a rotated one keeps working until
 * `expires_at`, so the platform can be switched over without losing events.
 */
export const webhookSecrets = sqliteTable(
  "webhook_secrets",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    side: text("side", { enum: ["source", "target"] }).notNull(),
    /** AES-256-GCM ciphertext of the secret, bound to this row (see crypto/secrets.ts). */
    secretCiphertext: text("secret_ciphertext").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    /** When a delivery last verified with this secret: shows whether the platform has switched. */
    lastUsedAt: text("last_used_at"),
  },
  (t) => [index("webhook_secrets_side_idx").on(t.connectionId, t.side)],
);

/** Delivery ids already accepted, so a replayed delivery queues nothing; pruned after a day. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    side: text("side", { enum: ["source", "target"] }).notNull(),
    deliveryId: text("delivery_id").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.side, t.deliveryId] }), index("webhook_deliveries_received_idx").on(t.connectionId, t.side, t.receivedAt)],
);

export const fieldMappings = sqliteTable(
  "field_mappings",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    /** The source side's ticket type this mapping applies to (`*` for every type). */
    ticketType: text("ticket_type").notNull(),
    sourceField: text("source_field").notNull(),
    targetField: text("target_field").notNull(),
    direction: text("direction", { enum: ["source_to_target", "target_to_source", "bidirectional"] }).notNull(),
    kind: text("kind", { enum: ["direct", "value"] }).notNull(),
    conflictPolicy: text("conflict_policy", { enum: ["source_wins", "target_wins", "latest_wins"] })
      .notNull()
      .default("latest_wins"),
    position: integer("position").notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex("field_mappings_unique").on(t.connectionId, t.ticketType, t.sourceField, t.targetField)],
);

export const valuePairs = sqliteTable(
  "value_pairs",
  {
    id: text("id").primaryKey(),
    mappingId: text("mapping_id").notNull().references(() => fieldMappings.id, { onDelete: "cascade" }),
    sourceValue: text("source_value").notNull(),
    targetValue: text("target_value").notNull(),
  },
  (t) => [index("value_pairs_mapping_idx").on(t.mappingId)],
);

export const ticketLinks = sqliteTable(
  "ticket_links",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    /** Null while a create is in flight (the intent is recorded before the vendor call). */
    sourceTicketId: text("source_ticket_id"),
    targetTicketId: text("target_ticket_id"),
    sourceNumber: text("source_number"),
    targetNumber: text("target_number"),
    /** Which side the ticket was first created on. */
    originSide: text("origin_side", { enum: ["source", "target"] }).notNull(),
    state: text("state", { enum: ["creating", "linked", "unlinked"] }).notNull(),
    /** Hashes of the canonical values last written to and read from each side (echo suppression). */
    sourceHash: text("source_hash"),
    targetHash: text("target_hash"),
    /** Per-field values as last synced (JSON): the merge base for conflict detection. */
    syncedValues: text("synced_values").notNull().default("{}"),
    lastSyncedAt: text("last_synced_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("ticket_links_source_unique").on(t.connectionId, t.sourceTicketId),
    uniqueIndex("ticket_links_target_unique").on(t.connectionId, t.targetTicketId),
    index("ticket_links_state_idx").on(t.connectionId, t.state),
  ],
);

/** Comments, attachments and time entries share one shape: an item on one side and its copy. */
function childLinkTable<N extends string>(name: N) {
  return sqliteTable(
    name,
    {
      id: text("id").primaryKey(),
      ticketLinkId: text("ticket_link_id").notNull().references(() => ticketLinks.id, { onDelete: "cascade" }),
      /** The side the original lives on, and its id there. */
      originSide: text("origin_side", { enum: ["source", "target"] }).notNull(),
      originId: text("origin_id").notNull(),
      /** The copy's id on the other side; null while the write is in flight. */
      copyId: text("copy_id"),
      /** `unverified`: written, and the platform answered, but the copy has not yet been seen in a
       * listing of the other side (a platform may answer success and keep nothing). */
      state: text("state", { enum: ["pending", "unverified", "done", "failed", "skipped"] }).notNull(),
      /** Writes of the copy sent so far: one unseen copy is sent once more, then reported. */
      attempts: integer("attempts").notNull().default(0),
      /** Content hash (SHA-256) where it matters: attachments never travel twice. */
      contentHash: text("content_hash"),
      errorCode: text("error_code"),
      errorMessage: text("error_message"),
      ...timestamps,
    },
    (t) => [
      uniqueIndex(`${name}_origin_unique`).on(t.ticketLinkId, t.originSide, t.originId),
      index(`${name}_copy_idx`).on(t.ticketLinkId, t.copyId),
    ],
  );
}

export const commentLinks = childLinkTable("comment_links");
export const attachmentLinks = childLinkTable("attachment_links");
export const timeEntryLinks = childLinkTable("time_entry_links");

export const syncRuns = sqliteTable(
  "sync_runs",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    mode: text("mode", { enum: ["quick", "full"] }).notNull(),
    trigger: text("trigger", { enum: ["manual", "automatic", "webhook", "retry"] }).notNull(),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: ["queued", "running", "success", "partial", "failed", "no_tickets"] }).notNull(),
    /** The start date asked for; once the run has read the connection, the start it used
     * (the connection's start: see sync/engine/start-date.ts). */
    since: text("since"),
    /** What the run looked at and what the filters left out (schemas/run-scope.ts), as JSON. */
    scope: text("scope"),
    requestedBy: text("requested_by"),
    phase: text("phase"),
    ticketsDone: integer("tickets_done").notNull().default(0),
    ticketsTotal: integer("tickets_total"),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    closed: integer("closed").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [
    index("sync_runs_connection_idx").on(t.connectionId, t.startedAt),
    index("sync_runs_status_idx").on(t.status, t.startedAt),
  ],
);

export const runItems = sqliteTable(
  "run_items",
  {
    id: text("id").primaryKey(),
    runId: text("run_id").notNull().references(() => syncRuns.id, { onDelete: "cascade" }),
    ticketLinkId: text("ticket_link_id").references(() => ticketLinks.id, { onDelete: "set null" }),
    sourceTicketId: text("source_ticket_id"),
    targetTicketId: text("target_ticket_id"),
    sourceNumber: text("source_number"),
    targetNumber: text("target_number"),
    outcome: text("outcome", { enum: ["created", "updated", "closed", "skipped", "failed"] }).notNull(),
    reason: text("reason"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    vendorMessage: text("vendor_message"),
    /** {comments,attachments,timeEntries}: {synced,failed,skipped} and the errors (JSON). */
    childCounts: text("child_counts").notNull().default("{}"),
    /** Conflicts resolved on this ticket, with both values (JSON array). */
    conflicts: text("conflicts").notNull().default("[]"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("run_items_run_idx").on(t.runId, t.id)],
);

/** Open per-ticket problems across runs: one row per connection, ticket and error code. */
export const syncIssues = sqliteTable(
  "sync_issues",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    side: text("side", { enum: ["source", "target"] }).notNull(),
    ticketId: text("ticket_id").notNull(),
    ticketNumber: text("ticket_number"),
    errorCode: text("error_code").notNull(),
    message: text("message").notNull(),
    firstRunId: text("first_run_id"),
    lastRunId: text("last_run_id"),
    occurrences: integer("occurrences").notNull().default(1),
    status: text("status", { enum: ["open", "resolved"] }).notNull(),
    resolvedAt: text("resolved_at"),
    resolvedBy: text("resolved_by"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("sync_issues_ticket_unique").on(t.connectionId, t.side, t.ticketId, t.errorCode),
    index("sync_issues_status_idx").on(t.connectionId, t.status),
  ],
);

/** Change detection per side: a high-water mark plus the ids already seen at that instant. */
export const changeCursors = sqliteTable(
  "change_cursors",
  {
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    side: text("side", { enum: ["source", "target"] }).notNull(),
    watermark: text("watermark"),
    seenIds: text("seen_ids").notNull().default("[]"),
    /** Tickets whose last sync failed (JSON ids): re-read by id on the next run until they pass. */
    retryIds: text("retry_ids").notNull().default("[]"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.side] })],
);

/** Append-only: who did what, when, from where. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
    actorUserId: text("actor_user_id"),
    actorTokenId: text("actor_token_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    details: text("details").notNull().default("{}"),
    ip: text("ip"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("audit_log_org_idx").on(t.orgId, t.id)],
);

/** Monthly usage per connection, counted for billing. */
export const usageCounters = sqliteTable(
  "usage_counters",
  {
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    month: text("month").notNull(),
    ticketsSynced: integer("tickets_synced").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.month] })],
);


/** A single row once the first organisation exists: its primary key makes setup happen once. */
export const installation = sqliteTable("installation", {
  id: text("id").primaryKey(),
  setupCompletedAt: text("setup_completed_at").notNull(),
});
