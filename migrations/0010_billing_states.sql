ALTER TABLE `organisations` ADD `billing_trial_ends_at` text;--> statement-breakpoint
-- `past_due` became `suspended`: automatic sync stops for it either way.
UPDATE `organisations` SET `billing_status` = 'suspended' WHERE `billing_status` = 'past_due';
