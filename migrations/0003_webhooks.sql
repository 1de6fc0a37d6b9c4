CREATE TABLE `webhook_deliveries` (
	`connection_id` text NOT NULL,
	`side` text NOT NULL,
	`delivery_id` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`connection_id`, `side`, `delivery_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_received_idx` ON `webhook_deliveries` (`connection_id`,`side`,`received_at`);--> statement-breakpoint
CREATE TABLE `webhook_secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`side` text NOT NULL,
	`secret_ciphertext` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text,
	`last_used_at` text,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_secrets_side_idx` ON `webhook_secrets` (`connection_id`,`side`);--> statement-breakpoint
DROP INDEX `connection_sides_webhook_unique`;--> statement-breakpoint
ALTER TABLE `connection_sides` DROP COLUMN `webhook_token_hash`;--> statement-breakpoint
ALTER TABLE `connection_sides` DROP COLUMN `webhook_secrets_ciphertext`;