// The simulated instance's data dictionary: which columns each table has and of what type, so
// queries on unknown fields are caught and display values are derived the way ServiceNow does
// (reference → the referenced record's display field, choice → its sys_choice label).
import { SECURITY_DISPLAY_FIELDS, SECURITY_TABLES } from "./security-tables";

export type FieldKind =
  | { type: "string" }
  | { type: "reference"; table: string }
  | { type: "choice" }
  | { type: "glide_date_time" }
  | { type: "glide_duration" }
  | { type: "boolean" }
  | { type: "integer" };

const S: FieldKind = { type: "string" };
const T: FieldKind = { type: "glide_date_time" };
const B: FieldKind = { type: "boolean" };
const I: FieldKind = { type: "integer" };
const C: FieldKind = { type: "choice" };
const ref = (table: string): FieldKind => ({ type: "reference", table });

const SYSTEM = { sys_id: S, sys_created_on: T, sys_created_by: S, sys_updated_on: T, sys_updated_by: S, sys_mod_count: I, sys_tags: S };

const TASK = {
  ...SYSTEM,
  sys_class_name: S,
  number: S,
  short_description: S,
  description: S,
  state: C,
  priority: C,
  impact: C,
  urgency: C,
  active: B,
  opened_at: T,
  opened_by: ref("sys_user"),
  closed_at: T,
  assigned_to: ref("sys_user"),
  assignment_group: ref("sys_user_group"),
  company: ref("core_company"),
  correlation_id: S,
  correlation_display: S,
  close_notes: S,
  contact_type: C,
};

/** Tables stored in the one `task` hierarchy, with the number prefix each uses. */
export const TASK_TABLES: Record<string, string> = { incident: "INC", problem: "PRB", sc_task: "SCTASK", task: "TASK", sn_customerservice_case: "CS" };

/** Journal fields: written on a task, stored as sys_journal_field rows. */
export const JOURNAL_FIELDS = ["comments", "work_notes"];

export const TABLES: Record<string, Record<string, FieldKind>> = {
  task: TASK,
  incident: { ...TASK, caller_id: ref("sys_user"), category: C, subcategory: C, close_code: C, resolved_at: T, u_environment: C, u_customer_reference: S },
  problem: { ...TASK, known_error: B },
  sc_task: { ...TASK },
  sn_customerservice_case: { ...TASK, contact: ref("sys_user"), resolution_code: C },
  sys_user: { ...SYSTEM, user_name: S, name: S, first_name: S, last_name: S, email: S, active: B, company: ref("core_company"), time_zone: S },
  sys_user_group: { ...SYSTEM, name: S, description: S, active: B, email: S },
  core_company: { ...SYSTEM, name: S, customer: B, vendor: B, city: S, country: S },
  sys_choice: { ...SYSTEM, name: S, element: S, value: S, label: S, sequence: I, inactive: B, language: S, dependent_value: S },
  sys_journal_field: { ...SYSTEM, name: S, element: S, element_id: S, value: S },
  sys_attachment: {
    ...SYSTEM,
    file_name: S, content_type: S, size_bytes: I, size_compressed: I, compressed: B, table_name: S, table_sys_id: S,
    hash: S, state: S, image_width: S, image_height: S, average_image_color: S, chunk_size_bytes: S,
  },
  task_time_worked: { ...SYSTEM, task: ref("task"), user: ref("sys_user"), time_worked: { type: "glide_duration" }, time_in_seconds: I, comments: S, rate_type: S },
  sys_db_object: { ...SYSTEM, name: S, label: S, super_class: ref("sys_db_object") },
  sys_dictionary: { ...SYSTEM, name: S, element: S, column_label: S, internal_type: S, choice: I, mandatory: B, max_length: I },
  ...SECURITY_TABLES,
};

/** The column a reference to `table` shows. */
export const DISPLAY_FIELD: Record<string, string> = {
  sys_user: "name",
  sys_user_group: "name",
  core_company: "name",
  task: "number",
  sys_db_object: "label",
  ...SECURITY_DISPLAY_FIELDS,
};

/** glide_duration display: `1970-01-01 01:30:00` shows as "1 Hour 30 Minutes". */
export function durationDisplay(value: string): string {
  const ms = Date.parse(`${value.replace(" ", "T")}Z`);
  if (Number.isNaN(ms)) return value;
  const total = Math.floor(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(total / 86_400), "Day"],
    [Math.floor((total % 86_400) / 3_600), "Hour"],
    [Math.floor((total % 3_600) / 60), "Minute"],
    [total % 60, "Second"],
  ];
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? "" : "s"}`).join(" ");
}

/** ServiceNow's UTC timestamp format (the integration user's time zone is UTC). */
export function snTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** Baseline Priority Lookup Rules (dl_u_priority): priority from impact × urgency. */
export function priorityFor(impact: string, urgency: string): string {
  const score = Number(impact) + Number(urgency);
  if (Number.isNaN(score)) return "5";
  return String(Math.min(5, Math.max(1, score - 1)));
}
