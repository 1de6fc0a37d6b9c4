// The instance's security tables the simulator keeps (see journal-acl.ts): kept apart from
// tables.ts so the ticket tables and the ACL model change independently.
import type { FieldKind } from "./tables";

const S: FieldKind = { type: "string" };
const B: FieldKind = { type: "boolean" };
const SYSTEM = { sys_id: S, sys_created_on: { type: "glide_date_time" }, sys_created_by: S, sys_updated_on: { type: "glide_date_time" }, sys_updated_by: S, sys_mod_count: { type: "integer" }, sys_tags: S } satisfies Record<string, FieldKind>;

export const SECURITY_TABLES: Record<string, Record<string, FieldKind>> = {
  sys_user_role: { ...SYSTEM, name: S, description: S },
  sys_user_has_role: { ...SYSTEM, user: { type: "reference", table: "sys_user" }, role: { type: "reference", table: "sys_user_role" }, inherited: B, state: S },
  sys_security_operation: { ...SYSTEM, name: S },
  sys_security_acl: { ...SYSTEM, name: S, type: S, operation: { type: "reference", table: "sys_security_operation" }, active: B, admin_overrides: B, description: S },
  sys_security_acl_role: { ...SYSTEM, sys_security_acl: { type: "reference", table: "sys_security_acl" }, sys_user_role: { type: "reference", table: "sys_user_role" } },
};

export const SECURITY_DISPLAY_FIELDS: Record<string, string> = { sys_user_role: "name", sys_security_operation: "name", sys_security_acl: "name" };

