ALTER TABLE `attachment_links` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `comment_links` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `time_entry_links` ADD `attempts` integer DEFAULT 0 NOT NULL;