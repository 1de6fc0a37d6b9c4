// A deterministic, realistic instance: baseline choice lists, groups, companies, agents and
// callers, and a few dozen tickets across every state and priority with comments, work notes,
// attachments and time worked. Same input, same rows (sys_ids come from a seeded generator).
import type { Row, ServiceNowStore } from "./store";
import { snTime, TASK_TABLES } from "./tables";
import type { SeedTime } from "../seed-time";

export const INTEGRATION_USER = { user_name: "lockstep.integration", name: "Lockstep Integration", email: "lockstep@example.com" };

const CHOICES: [table: string, element: string, pairs: [string, string][]][] = [
  ["incident", "state", [["1", "New"], ["2", "In Progress"], ["3", "On Hold"], ["6", "Resolved"], ["7", "Closed"], ["8", "Canceled"]]],
  ["problem", "state", [["101", "New"], ["102", "Assess"], ["103", "Root Cause Analysis"], ["104", "Fix in Progress"], ["106", "Resolved"], ["107", "Closed"]]],
  ["task", "state", [["-5", "Pending"], ["1", "Open"], ["2", "Work in Progress"], ["3", "Closed Complete"], ["4", "Closed Incomplete"], ["7", "Closed Skipped"]]],
  ["sn_customerservice_case", "state", [["1", "New"], ["10", "Open"], ["18", "Awaiting Info"], ["6", "Resolved"], ["3", "Closed"], ["7", "Cancelled"]]],
  ["task", "priority", [["1", "1 - Critical"], ["2", "2 - High"], ["3", "3 - Moderate"], ["4", "4 - Low"], ["5", "5 - Planning"]]],
  ["task", "impact", [["1", "1 - High"], ["2", "2 - Medium"], ["3", "3 - Low"]]],
  ["task", "urgency", [["1", "1 - High"], ["2", "2 - Medium"], ["3", "3 - Low"]]],
  ["incident", "category", [["inquiry", "Inquiry / Help"], ["software", "Software"], ["hardware", "Hardware"], ["network", "Network"], ["database", "Database"]]],
  ["incident", "close_code", [["Duplicate", "Duplicate"], ["Known error", "Known error"], ["No resolution provided", "No resolution provided"], ["Resolved by caller", "Resolved by caller"], ["Solution provided", "Solution provided"], ["Workaround provided", "Workaround provided"], ["User error", "User error"]]],
  ["incident", "u_environment", [["production", "Production"], ["staging", "Staging"], ["development", "Development"]]],
  // Baseline subcategories depend on the category (dependent_value); the simulator keeps the values only.
  ["incident", "subcategory", [["email", "Email"], ["os", "Operating System"], ["vpn", "VPN"], ["wireless", "Wireless"], ["db2", "DB2"]]],
  ["task", "contact_type", [["email", "Email"], ["phone", "Phone"], ["self-service", "Self-service"], ["walk-in", "Walk-in"], ["chat", "Chat"]]],
];

const GROUPS = ["Service Desk", "Network", "Hardware", "Software", "Database"];
const COMPANIES = ["ACME North America", "Globex Corporation", "Initech", "Umbrella Industries"];
const AGENTS: [string, string][] = [["beth.anglin", "Beth Anglin"], ["david.loo", "David Loo"], ["itil", "ITIL User"], ["fred.luddy", "Fred Luddy"]];
const CALLERS: [string, string][] = [["abel.tuter", "Abel Tuter"], ["ada.wong", "Ada Wong"], ["carol.coughlin", "Carol Coughlin"], ["joe.employee", "Joe Employee"], ["lucy.liu", "Lucy Liu"]];
const SUBJECTS = [
  "Email not syncing on mobile", "VPN drops every few minutes", "Printer on floor 3 jams", "Cannot log in to the expense portal",
  "Laptop battery swelling", "Database backup job failed", "Shared drive is read-only", "Wi-Fi slow in meeting room B",
  "Password reset link expired", "Monitor flickers after docking", "Outlook calendar invites missing", "ERP report times out",
];

/** The fixed seed time tests rely on: a ticket every 37 minutes from 2024-03-01 08:00 UTC. */
export const SERVICENOW_SEED_TIME: SeedTime = { start: Date.UTC(2024, 2, 1, 8, 0, 0), stepMinutes: 37 };

function tables(store: ServiceNowStore): [string, string][] {
  const all: [string, string][] = [["incident", "Incident"], ["problem", "Problem"], ["sc_task", "Catalog Task"], ["task", "Task"]];
  if (store.plugins.customerService) all.push(["sn_customerservice_case", "Case"]);
  if (store.plugins.timeWorked) all.push(["task_time_worked", "Time Worked"]);
  return all;
}

/** Fills an empty store with the demo instance. Returns the rows tests often need. */
export function seedServiceNow(store: ServiceNowStore, time: SeedTime = SERVICENOW_SEED_TIME) {
  const at = (minutes: number) => snTime(new Date(time.start + minutes * 60_000));
  const step = time.stepMinutes;
  let sequence = 0;
  for (const [name, element, pairs] of CHOICES) {
    for (const [value, label] of pairs) store.insertRaw("sys_choice", { name, element, value, label, sequence: String(sequence++), inactive: "false", language: "en", dependent_value: "" });
  }
  for (const [name, label] of tables(store)) store.insertRaw("sys_db_object", { name, label, super_class: "" });
  store.insertRaw("sys_dictionary", { name: "incident", element: "u_environment", column_label: "Environment", internal_type: "string", choice: "1", mandatory: "false", max_length: "40" });
  store.insertRaw("sys_dictionary", { name: "incident", element: "u_customer_reference", column_label: "Customer reference", internal_type: "string", choice: "0", mandatory: "false", max_length: "100" });

  const groups = GROUPS.map((name) => store.insertRaw("sys_user_group", { name, description: `${name} team`, active: "true", email: "" }));
  const companies = COMPANIES.map((name, i) => store.insertRaw("core_company", { name, customer: "true", vendor: "false", city: ["Chicago", "Springfield", "Austin", "Raccoon City"][i] ?? "", country: "USA" }));
  const person = ([user_name, name]: [string, string], company = "") =>
    store.insertRaw("sys_user", { user_name, name, first_name: name.split(" ")[0]!, last_name: name.split(" ")[1] ?? "", email: `${user_name}@example.com`, active: "true", company, time_zone: "UTC" });
  const integration = store.insertRaw("sys_user", { ...INTEGRATION_USER, first_name: "Lockstep", last_name: "Integration", active: "true", company: "", time_zone: "UTC" });
  const agents = AGENTS.map((a) => person(a));
  const callers = CALLERS.map((c, i) => person(c, companies[i % companies.length]!.sys_id!));
  person(["old.timer", "Old Timer"]).active = "false";

  const stateSets: Record<string, string[]> = { incident: ["1", "2", "3", "6", "7", "8"], problem: ["101", "102", "103", "104", "106", "107"], sc_task: ["-5", "1", "2", "3", "4", "7"], task: ["1", "2", "3"], sn_customerservice_case: ["1", "10", "18", "6", "3", "7"] };
  const counts: Record<string, number> = { incident: 30, problem: 6, sc_task: 6, task: 3, sn_customerservice_case: store.plugins.customerService ? 6 : 0 };
  const tickets: Row[] = [];
  let minute = 0;
  for (const table of Object.keys(TASK_TABLES)) {
    const states = stateSets[table]!;
    for (let i = 0; i < (counts[table] ?? 0); i++) {
      minute += step;
      const impact = String((i % 3) + 1);
      const urgency = String((Math.floor(i / 3) % 3) + 1);
      const state = states[i % states.length]!;
      const caller = callers[i % callers.length]!;
      const row: Row = {
        short_description: SUBJECTS[i % SUBJECTS.length]!,
        description: `${SUBJECTS[i % SUBJECTS.length]}. Reported by ${caller.name}.`,
        state, impact, urgency,
        priority: String(Math.min(5, Math.max(1, Number(impact) + Number(urgency) - 1))),
        active: ["6", "7", "8", "106", "107", "3", "4"].includes(state) && table !== "task" ? "false" : "true",
        opened_at: at(minute), opened_by: caller.sys_id!, closed_at: "",
        assigned_to: i % 4 === 3 ? "" : agents[i % agents.length]!.sys_id!,
        assignment_group: groups[i % groups.length]!.sys_id!,
        company: String(caller.company), correlation_id: "", correlation_display: "", close_notes: "",
        sys_created_on: at(minute), sys_created_by: caller.user_name!, sys_updated_on: at(minute + 90), sys_updated_by: agents[i % agents.length]!.user_name!,
      };
      if (table === "incident") {
        Object.assign(row, { caller_id: caller.sys_id!, category: ["inquiry", "software", "hardware", "network", "database"][i % 5]!, close_code: "", resolved_at: "", u_environment: ["production", "staging", "development"][i % 3]!, u_customer_reference: i % 5 === 0 ? `CR-${1000 + i}` : "" });
        if (state === "6" || state === "7") Object.assign(row, { close_code: "Solution provided", close_notes: "Fixed and confirmed with the caller.", resolved_at: at(minute + 80) });
      }
      if (table === "problem") row.known_error = "false";
      if (table === "sn_customerservice_case") Object.assign(row, { contact: caller.sys_id!, resolution_code: "" });
      tickets.push(store.insertRaw(table, row));
    }
  }

  tickets.slice(0, 12).forEach((ticket, i) => {
    store.insertRaw("sys_journal_field", { name: ticket.sys_class_name!, element: "comments", element_id: ticket.sys_id!, value: `Any update on ${ticket.number}?`, sys_created_on: at(i * step + 40), sys_created_by: "abel.tuter" });
    if (i % 2 === 0) store.insertRaw("sys_journal_field", { name: ticket.sys_class_name!, element: "work_notes", element_id: ticket.sys_id!, value: "Checked the logs; escalating to the owning team.", sys_created_on: at(i * step + 60), sys_created_by: "beth.anglin" });
  });

  const encoder = new TextEncoder();
  tickets.slice(0, 4).forEach((ticket, i) => {
    const bytes = encoder.encode(`Diagnostic log for ${ticket.number}\nline ${i}\n`);
    store.insertRaw("sys_attachment", {
      file_name: `diagnostics-${i + 1}.txt`, content_type: "text/plain", size_bytes: String(bytes.length), size_compressed: String(bytes.length), compressed: "true",
      table_name: ticket.sys_class_name!, table_sys_id: ticket.sys_id!, hash: "", state: "available", image_width: "", image_height: "", average_image_color: "", chunk_size_bytes: "700000",
      sys_created_on: at(i * step + 50), sys_created_by: "abel.tuter",
    });
    store.files.set(store.list("sys_attachment").at(-1)!.sys_id!, bytes);
  });

  if (store.plugins.timeWorked) {
    tickets.slice(0, 5).forEach((ticket, i) => {
      store.insertRaw("task_time_worked", { task: ticket.sys_id!, user: agents[i % agents.length]!.sys_id!, time_worked: snTime(new Date((i + 1) * 15 * 60_000)), time_in_seconds: String((i + 1) * 900), comments: "Remote session with the caller.", rate_type: "" });
    });
  }
  return { integration, agents, callers, groups, companies, tickets };
}
