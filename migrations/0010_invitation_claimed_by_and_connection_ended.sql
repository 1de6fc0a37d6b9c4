-- drizzle-kit leaves ON DELETE out of an added column's reference; without it, deleting an
-- organisation that signed up with a code would be refused while the code is pending.
ALTER TABLE `connections` ADD `invitation_claimed_by_org_id` text REFERENCES organisations(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `connections` ADD `ended_at` text;
