// Field-level write ACLs on the journal fields, as an instance keeps them: roles (sys_user_role),
// who holds them (sys_user_has_role, inherited roles included as rows), the ACL rules
// (sys_security_acl, named `table.field`, with `operation` a reference to sys_security_operation)
// and the roles each rule asks for (sys_security_acl_role). A Table API write of a journal field
// the user fails is not refused: the field is dropped and the call still answers 200, which is
// what Lockstep's Test connection and its copy verification must catch.
// https://www.servicenow.com/docs/r/australia/platform-security/access-control/exploring-access-control-list.html
import type { Row, ServiceNowStore } from "./store";
import { JOURNAL_FIELDS, TASK_TABLES } from "./tables";

/** Baseline-like rules: writing an incident needs itil; comments are open to anyone who may write
 * the task; work notes need itil (the role the integration user is given by default). */
const BASELINE_WRITE_ACLS: [name: string, roles: string[]][] = [
  ["incident", ["itil"]],
  ["task", ["itil"]],
  ["task.comments", []],
  ["task.work_notes", ["itil"]],
];

/** Seeds roles, the write rules and the integration user's roles (default snc_internal, which
 * every internal user holds, and itil). */
export function seedJournalAcls(store: ServiceNowStore, integrationUser: Row, roles: string[] = ["snc_internal", "itil"]): void {
  const roleIds = new Map<string, string>();
  const role = (name: string) => {
    let id = roleIds.get(name);
    if (!id) roleIds.set(name, (id = store.insertRaw("sys_user_role", { name, description: "" }).sys_id!));
    return id;
  };
  for (const name of ["admin", "itil", "snc_internal", "rest_service"]) role(name);
  const write = store.insertRaw("sys_security_operation", { name: "write" }).sys_id!;
  store.insertRaw("sys_security_operation", { name: "read" });
  for (const [name, needs] of BASELINE_WRITE_ACLS) {
    const acl = store.insertRaw("sys_security_acl", { name, type: "record", operation: write, active: "true", admin_overrides: "true", description: "" });
    for (const r of needs) store.insertRaw("sys_security_acl_role", { sys_security_acl: acl.sys_id!, sys_user_role: role(r) });
  }
  for (const r of roles) grantRole(store, integrationUser, r);
}

export function grantRole(store: ServiceNowStore, user: Row, name: string): void {
  const role = store.list("sys_user_role").find((r) => r.name === name) ?? store.insertRaw("sys_user_role", { name, description: "" });
  store.insertRaw("sys_user_has_role", { user: user.sys_id!, role: role.sys_id!, inherited: "false", state: "active" });
}

/** Takes a role away from a user, as an admin editing the user's roles. */
export function revokeRole(store: ServiceNowStore, user: Row, name: string): void {
  const role = store.list("sys_user_role").find((r) => r.name === name);
  const rows = store.rows.get("sys_user_has_role");
  if (!role || !rows) return;
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.user === user.sys_id && rows[i]!.role === role.sys_id) rows.splice(i, 1);
}

function rolesOf(store: ServiceNowStore, user: Row): Set<string> {
  const ids = new Set(store.list("sys_user_has_role").filter((r) => r.user === user.sys_id && r.state !== "inactive").map((r) => r.role));
  return new Set(store.list("sys_user_role").filter((r) => ids.has(r.sys_id)).map((r) => r.name ?? ""));
}

/** Whether `user` passes the write ACLs of `table.field`: the most specific name that has rules
 * decides (table.field, then the parent task.field, then *.field); one passing rule is enough. */
export function mayWriteField(store: ServiceNowStore, user: Row, table: string, field: string): boolean {
  const roles = rolesOf(store, user);
  if (roles.has("admin")) return true;
  const write = store.list("sys_security_operation").find((o) => o.name === "write")?.sys_id;
  const names = [`${table}.${field}`, ...(table in TASK_TABLES && table !== "task" ? [`task.${field}`] : []), `*.${field}`];
  for (const name of names) {
    const rules = store.list("sys_security_acl").filter((a) => a.name === name && a.operation === write && a.active === "true");
    if (rules.length === 0) continue;
    return rules.some((rule) => {
      const needs = store.list("sys_security_acl_role").filter((r) => r.sys_security_acl === rule.sys_id).map((r) => store.get("sys_user_role", r.sys_user_role ?? "")?.name);
      return needs.length === 0 || needs.some((n) => n !== undefined && roles.has(n));
    });
  }
  return true;
}

/** The write body without the journal fields `user` may not write: the Table API drops them. */
export function withoutDeniedJournal(store: ServiceNowStore, user: Row, table: string, body: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (JOURNAL_FIELDS.includes(name) && table in TASK_TABLES && !mayWriteField(store, user, table, name)) continue;
    kept[name] = value;
  }
  return kept;
}
