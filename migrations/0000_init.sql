CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_org_idx` ON `api_tokens` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `attachment_links` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_link_id` text NOT NULL,
	`origin_side` text NOT NULL,
	`origin_id` text NOT NULL,
	`copy_id` text,
	`state` text NOT NULL,
	`content_hash` text,
	`error_code` text,
	`error_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`ticket_link_id`) REFERENCES `ticket_links`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attachment_links_origin_unique` ON `attachment_links` (`ticket_link_id`,`origin_side`,`origin_id`);--> statement-breakpoint
CREATE INDEX `attachment_links_copy_idx` ON `attachment_links` (`ticket_link_id`,`copy_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`actor_user_id` text,
	`actor_token_id` text,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`details` text DEFAULT '{}' NOT NULL,
	`ip` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_log_org_idx` ON `audit_log` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `change_cursors` (
	`connection_id` text NOT NULL,
	`side` text NOT NULL,
	`watermark` text,
	`seen_ids` text DEFAULT '[]' NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`connection_id`, `side`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `comment_links` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_link_id` text NOT NULL,
	`origin_side` text NOT NULL,
	`origin_id` text NOT NULL,
	`copy_id` text,
	`state` text NOT NULL,
	`content_hash` text,
	`error_code` text,
	`error_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`ticket_link_id`) REFERENCES `ticket_links`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `comment_links_origin_unique` ON `comment_links` (`ticket_link_id`,`origin_side`,`origin_id`);--> statement-breakpoint
CREATE INDEX `comment_links_copy_idx` ON `comment_links` (`ticket_link_id`,`copy_id`);--> statement-breakpoint
CREATE TABLE `connection_sides` (
	`connection_id` text NOT NULL,
	`side` text NOT NULL,
	`org_id` text,
	`platform_account_id` text,
	`settings` text DEFAULT '{}' NOT NULL,
	`webhook_token_hash` text,
	`webhook_secrets_ciphertext` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`connection_id`, `side`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`platform_account_id`) REFERENCES `platform_accounts`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `connection_sides_org_idx` ON `connection_sides` (`org_id`);--> statement-breakpoint
CREATE INDEX `connection_sides_account_idx` ON `connection_sides` (`platform_account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `connection_sides_webhook_unique` ON `connection_sides` (`webhook_token_hash`);--> statement-breakpoint
CREATE TABLE `connections` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_by_org_id` text NOT NULL,
	`status` text NOT NULL,
	`internal` integer DEFAULT false NOT NULL,
	`invitation_code_hash` text,
	`invitation_expires_at` text,
	`automatic_enabled` integer DEFAULT false NOT NULL,
	`billing_org_id` text,
	`initial_sync_completed_at` text,
	`manual_cooldown_seconds` integer DEFAULT 60 NOT NULL,
	`last_manual_run_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`created_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`billing_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_invitation_unique` ON `connections` (`invitation_code_hash`);--> statement-breakpoint
CREATE INDEX `connections_automatic_idx` ON `connections` (`automatic_enabled`,`status`);--> statement-breakpoint
CREATE TABLE `field_mappings` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`ticket_type` text NOT NULL,
	`source_field` text NOT NULL,
	`target_field` text NOT NULL,
	`direction` text NOT NULL,
	`kind` text NOT NULL,
	`conflict_policy` text DEFAULT 'latest_wins' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `field_mappings_unique` ON `field_mappings` (`connection_id`,`ticket_type`,`source_field`,`target_field`);--> statement-breakpoint
CREATE TABLE `installation` (
	`id` text PRIMARY KEY NOT NULL,
	`setup_completed_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`billing_status` text DEFAULT 'none' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `picklist_cache` (
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`values` text NOT NULL,
	`fetched_at` text NOT NULL,
	PRIMARY KEY(`account_id`, `kind`),
	FOREIGN KEY (`account_id`) REFERENCES `platform_accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `platform_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`platform` text NOT NULL,
	`base_url` text NOT NULL,
	`credentials_ciphertext` text NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`last_tested_at` text,
	`last_test_ok` integer,
	`last_test_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `platform_accounts_org_idx` ON `platform_accounts` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `run_items` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`ticket_link_id` text,
	`source_ticket_id` text,
	`target_ticket_id` text,
	`source_number` text,
	`target_number` text,
	`outcome` text NOT NULL,
	`reason` text,
	`error_code` text,
	`error_message` text,
	`vendor_message` text,
	`child_counts` text DEFAULT '{}' NOT NULL,
	`conflicts` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `sync_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_link_id`) REFERENCES `ticket_links`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `run_items_run_idx` ON `run_items` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`org_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `sync_issues` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`side` text NOT NULL,
	`ticket_id` text NOT NULL,
	`ticket_number` text,
	`error_code` text NOT NULL,
	`message` text NOT NULL,
	`first_run_id` text,
	`last_run_id` text,
	`occurrences` integer DEFAULT 1 NOT NULL,
	`status` text NOT NULL,
	`resolved_at` text,
	`resolved_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_issues_ticket_unique` ON `sync_issues` (`connection_id`,`side`,`ticket_id`,`error_code`);--> statement-breakpoint
CREATE INDEX `sync_issues_status_idx` ON `sync_issues` (`connection_id`,`status`);--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`mode` text NOT NULL,
	`trigger` text NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`since` text,
	`requested_by` text,
	`phase` text,
	`tickets_done` integer DEFAULT 0 NOT NULL,
	`tickets_total` integer,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`closed` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`error_code` text,
	`error_message` text,
	`started_at` text NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sync_runs_connection_idx` ON `sync_runs` (`connection_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sync_runs_status_idx` ON `sync_runs` (`status`,`started_at`);--> statement-breakpoint
CREATE TABLE `ticket_links` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`source_ticket_id` text,
	`target_ticket_id` text,
	`source_number` text,
	`target_number` text,
	`origin_side` text NOT NULL,
	`state` text NOT NULL,
	`source_hash` text,
	`target_hash` text,
	`synced_values` text DEFAULT '{}' NOT NULL,
	`last_synced_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_links_source_unique` ON `ticket_links` (`connection_id`,`source_ticket_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_links_target_unique` ON `ticket_links` (`connection_id`,`target_ticket_id`);--> statement-breakpoint
CREATE INDEX `ticket_links_state_idx` ON `ticket_links` (`connection_id`,`state`);--> statement-breakpoint
CREATE TABLE `time_entry_links` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_link_id` text NOT NULL,
	`origin_side` text NOT NULL,
	`origin_id` text NOT NULL,
	`copy_id` text,
	`state` text NOT NULL,
	`content_hash` text,
	`error_code` text,
	`error_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`ticket_link_id`) REFERENCES `ticket_links`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `time_entry_links_origin_unique` ON `time_entry_links` (`ticket_link_id`,`origin_side`,`origin_id`);--> statement-breakpoint
CREATE INDEX `time_entry_links_copy_idx` ON `time_entry_links` (`ticket_link_id`,`copy_id`);--> statement-breakpoint
CREATE TABLE `usage_counters` (
	`connection_id` text NOT NULL,
	`month` text NOT NULL,
	`tickets_synced` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`connection_id`, `month`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_org_idx` ON `users` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `value_pairs` (
	`id` text PRIMARY KEY NOT NULL,
	`mapping_id` text NOT NULL,
	`source_value` text NOT NULL,
	`target_value` text NOT NULL,
	FOREIGN KEY (`mapping_id`) REFERENCES `field_mappings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `value_pairs_mapping_idx` ON `value_pairs` (`mapping_id`);