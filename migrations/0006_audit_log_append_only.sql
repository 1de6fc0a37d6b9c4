-- The audit log is append-only in the database itself, not only by convention in the code: any
-- UPDATE, and any DELETE of a row whose organisation still exists, is refused. Rows go only when
-- their organisation is deleted (the ON DELETE CASCADE on org_id runs after the organisation row
-- is gone, so the WHEN below lets it through): erasing a tenant erases its log, nothing else does.
CREATE TRIGGER `audit_log_no_update`
BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete`
BEFORE DELETE ON `audit_log`
WHEN EXISTS (SELECT 1 FROM `organisations` WHERE `id` = OLD.`org_id`)
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;
