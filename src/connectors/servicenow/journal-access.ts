// Whether the integration user may write the journal fields (comments, work_notes) of each synced
// table. The Table API does not refuse a field the user's ACLs deny: it drops it and answers 200,
// so a comment copy would be lost without a word. Read-only: the user's roles (sys_user_has_role,
// inherited roles included as rows) against the field write ACLs (sys_security_acl, named
// `table.field`, `task.field` or `*.field`) and the roles they ask for (sys_security_acl_role).
// Only admins may usually read ACLs: where they cannot be read, the check says so as a warning.
// https://www.servicenow.com/docs/r/australia/platform-security/access-control/exploring-access-control-list.html
// https://docs.servicenow.com/bundle/xanadu-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html
import type { AccountCheck } from "../contract";
import { ConnectorError } from "../errors";
import type { ServiceNowApi } from "./api";

const FIELDS = ["comments", "work_notes"] as const;

/** ACL names that can decide a field's write access, most specific first. Every synced ticket
 * table (incident, problem, sc_task, case) extends task. */
function namesFor(table: string, field: string): string[] {
  return [`${table}.${field}`, ...(table === "task" ? [] : [`task.${field}`]), `*.${field}`];
}

export async function checkJournalAccess(api: ServiceNowApi, userId: string, userName: string, tables: string[]): Promise<AccountCheck> {
  const name = "journal_write";
  const cannot = (why: string): AccountCheck => ({
    name,
    status: "warning",
    message: `Could not check that ${userName} may write comments and work notes (${why}). ServiceNow drops a journal field the user may not write and still answers success; ask the instance admin to confirm the user has the roles the write ACLs on ${tables.map((t) => `${t}.comments and ${t}.work_notes`).join(", ")} require (baseline: itil). Lockstep checks each copy and reports one not kept as comment_not_stored.`,
  });
  const names = tables.flatMap((t) => [t, ...FIELDS.flatMap((f) => namesFor(t, f))]);
  let roles: Set<string>;
  let acls: { id: string; name: string }[];
  let aclRoles: Map<string, string[]>;
  try {
    const held = await api.listTickets("sys_user_has_role", { query: `user=${userId}`, limit: 1000, fields: ["role"] });
    roles = new Set(held.map((r) => r.role?.display_value ?? "").filter(Boolean));
    const rules = await api.listTickets("sys_security_acl", { query: `active=true^nameIN${[...new Set(names)].join(",")}`, limit: 1000, fields: ["sys_id", "name", "operation"] });
    acls = rules.filter((r) => r.operation?.display_value === "write").map((r) => ({ id: r.sys_id?.value ?? "", name: r.name?.value ?? "" }));
    // Every instance guards writes to its ticket tables: none visible means the rules are hidden from this user.
    if (roles.size === 0) return cannot("its roles in sys_user_has_role are not readable to it");
    if (!tables.every((t) => acls.some((a) => a.name === t || a.name === "task"))) return cannot("the access control rules in sys_security_acl are not readable to it");
    const links = acls.length === 0 ? [] : await api.listTickets("sys_security_acl_role", { query: `sys_security_aclIN${acls.map((a) => a.id).join(",")}`, limit: 1000, fields: ["sys_security_acl", "sys_user_role"] });
    aclRoles = new Map();
    for (const link of links) {
      const acl = link.sys_security_acl?.value ?? "";
      aclRoles.set(acl, [...(aclRoles.get(acl) ?? []), link.sys_user_role?.display_value ?? ""]);
    }
  } catch (err) {
    if (err instanceof ConnectorError && (err.kind === "permission" || err.kind === "not_found")) return cannot(`reading the security tables was refused: ${err.vendorMessage}`);
    throw err;
  }
  const missing: string[] = [];
  if (!roles.has("admin")) {
    for (const table of tables) {
      for (const field of FIELDS) {
        // The most specific name that has write rules decides; passing any one of them is enough.
        const deciding = namesFor(table, field).map((n) => acls.filter((a) => a.name === n)).find((rules) => rules.length > 0);
        if (!deciding) continue;
        const passes = deciding.some((rule) => {
          const needs = aclRoles.get(rule.id) ?? [];
          return needs.length === 0 || needs.some((r) => roles.has(r));
        });
        if (!passes) {
          const needs = [...new Set(deciding.flatMap((rule) => aclRoles.get(rule.id) ?? []))];
          missing.push(`${table}.${field} (write ACL ${deciding[0]!.name} needs the role ${needs.join(" or ")})`);
        }
      }
    }
  }
  if (missing.length > 0) {
    return {
      name,
      status: "failed",
      message: `${userName} may not write ${missing.join("; ")}. ServiceNow would drop those comments and still answer success. Give the user the role named, then test again.`,
    };
  }
  // Rules with conditions or scripts cannot be judged from here; the sync verifies each copy.
  return { name, status: "ok", message: `${userName} may write comments and work notes on ${tables.join(", ")}.` };
}
