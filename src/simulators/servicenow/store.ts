// In-memory state of the simulated instance: every table as rows of stored values (strings, as
// the Table API returns them), attachment bytes, OAuth tokens, and the business rules and data
// policy that run on a write. Task-family tables share one `task` store keyed by sys_class_name,
// so querying `task` returns incidents too, as on an instance.
import { DISPLAY_FIELD, durationDisplay, JOURNAL_FIELDS, priorityFor, snTime, TABLES, TASK_TABLES, type FieldKind } from "./tables";

export type Row = Record<string, string>;

export class SimError extends Error {
  constructor(readonly status: number, message: string, readonly detail: string | null = null) {
    super(message);
  }
}

/** A write the simulator received, as sent: tests assert a connector sent only what changed. */
export type WriteLog = { method: string; table: string; sysId: string; body: Record<string, unknown> };

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type StoreOptions = { now?: () => Date; customerService?: boolean; timeWorked?: boolean };

export class ServiceNowStore {
  readonly rows = new Map<string, Row[]>();
  readonly files = new Map<string, Uint8Array>();
  readonly tokens = new Map<string, { userId: string; expiresAt: number }>();
  readonly writes: WriteLog[] = [];
  /** Tables whose REST ACL denies the integration user (answered 403). */
  readonly deniedTables = new Set<string>();
  /** Fields (`table.field`, or `*.field` for every table) whose write ACL denies the integration
   * user: the Table API leaves them as they were and still answers 200, as for unknown fields. */
  readonly writeDeniedFields = new Set<string>();
  /** Queries that had parts the instance could not understand (they returned no rows). */
  readonly invalidQueries: string[] = [];
  readonly now: () => Date;
  readonly plugins: { customerService: boolean; timeWorked: boolean };
  private readonly random = mulberry32(20_240_101);
  private counters = new Map<string, number>();

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.plugins = { customerService: options.customerService ?? true, timeWorked: options.timeWorked ?? true };
    for (const table of Object.keys(TABLES)) if (!(table in TASK_TABLES)) this.rows.set(table, []);
    this.rows.set("task", []);
  }

  /** Tables this instance has (plugins decide a few). */
  hasTable(table: string): boolean {
    if (table === "sn_customerservice_case") return this.plugins.customerService;
    if (table === "task_time_worked") return this.plugins.timeWorked;
    return table in TABLES;
  }

  fields(table: string): Record<string, FieldKind> {
    return TABLES[table] ?? {};
  }

  newSysId(): string {
    let id = "";
    while (id.length < 32) id += Math.floor(this.random() * 16).toString(16);
    return id;
  }

  /** Rows of `table`; for task tables, the rows of that class (all of them for `task`). */
  list(table: string): Row[] {
    if (table in TASK_TABLES) {
      const all = this.rows.get("task") ?? [];
      return table === "task" ? all : all.filter((row) => row.sys_class_name === table);
    }
    return this.rows.get(table) ?? [];
  }

  get(table: string, sysId: string): Row | undefined {
    return this.byField("sys_id", sysId).find((row) => this.inTable(row, table));
  }

  /** Whether `row` is one of `table`'s rows (a task row is its class's and `task`'s). */
  inTable(row: Row, table: string): boolean {
    const stored = this.tableOf.get(row);
    if (stored === "task") return table === "task" || row.sys_class_name === table;
    return stored === table;
  }

  private readonly tableOf = new WeakMap<Row, string>();

  /** Rows are never deleted and these fields never change once written, so an index by them is
   * always right: it keeps a simulated instance with thousands of tickets answering quickly. */
  static readonly INDEXED = ["sys_id", "element_id", "table_sys_id"] as const;
  private readonly index = new Map<string, Map<string, Row[]>>();

  /** Every row of any table whose `field` (one of INDEXED) is `value`. */
  byField(field: (typeof ServiceNowStore.INDEXED)[number], value: string): Row[] {
    return this.index.get(field)?.get(value) ?? [];
  }

  private indexRow(row: Row) {
    for (const field of ServiceNowStore.INDEXED) {
      const value = row[field];
      if (!value) continue;
      let byValue = this.index.get(field);
      if (!byValue) this.index.set(field, (byValue = new Map()));
      const rows = byValue.get(value);
      if (rows) rows.push(row);
      else byValue.set(value, [row]);
    }
  }

  /** Inserts a row as seed data or a business rule would: system fields filled, no policy checks. */
  insertRaw(table: string, values: Row): Row {
    const at = snTime(this.now());
    const row: Row = { sys_id: this.newSysId(), sys_created_on: at, sys_created_by: "system", sys_updated_on: at, sys_updated_by: "system", sys_mod_count: "0", sys_tags: "", ...values };
    if (table in TASK_TABLES) {
      row.sys_class_name = table;
      row.number ??= this.nextNumber(table);
    }
    this.rows.get(table in TASK_TABLES ? "task" : table)?.push(row);
    this.tableOf.set(row, table in TASK_TABLES ? "task" : table);
    this.indexRow(row);
    return row;
  }

  private nextNumber(table: string): string {
    const next = (this.counters.get(table) ?? 10_000) + 1;
    this.counters.set(table, next);
    return `${TASK_TABLES[table]}${String(next).padStart(7, "0")}`;
  }

  /** The display value of one field, derived as the instance does. */
  display(table: string, row: Row, field: string): string {
    const value = row[field] ?? "";
    const kind = this.fields(table)[field];
    if (!kind || value === "") return value;
    if (kind.type === "reference") {
      const target = this.get(kind.table, value);
      return target?.[DISPLAY_FIELD[kind.table] ?? "sys_id"] ?? "";
    }
    if (kind.type === "choice") {
      const owner = row.sys_class_name ?? table;
      const choices = this.list("sys_choice");
      const own = choices.find((c) => c.name === owner && c.element === field && c.value === value);
      return (own ?? choices.find((c) => c.name === "task" && c.element === field && c.value === value))?.label ?? value;
    }
    if (kind.type === "glide_duration") return durationDisplay(value);
    return value;
  }

  private writeDenied(table: string, field: string): boolean {
    return this.writeDeniedFields.has(`${table}.${field}`) || this.writeDeniedFields.has(`*.${field}`);
  }

  /** Applies an insert or update from the API with the instance's business rules and data policy. */
  write(table: string, user: Row, body: Record<string, unknown>, existing?: Row): Row {
    const fields = this.fields(table);
    const changes: Row = {};
    const journal: [string, string][] = [];
    for (const [name, raw] of Object.entries(body)) {
      const value = raw === null ? "" : String(raw);
      if (JOURNAL_FIELDS.includes(name) && table in TASK_TABLES) {
        if (value !== "") journal.push([name, value]);
      } else if (name in fields && !name.startsWith("sys_") && name !== "number" && !this.writeDenied(table, name)) {
        changes[name] = value; // unknown, system and ACL-denied fields are ignored, as the Table API does
      }
    }
    const next: Row = { ...(existing ?? {}), ...changes };
    if (table in TASK_TABLES) this.taskRules(table, next, changes, existing === undefined);
    if (table === "task_time_worked") next.time_in_seconds = String(Math.floor(Date.parse(`${(next.time_worked ?? "").replace(" ", "T")}Z`) / 1000) || 0);
    const at = snTime(this.now());
    const row = existing ?? this.insertRaw(table, { ...next, sys_created_by: user.user_name ?? "" });
    Object.assign(row, next, { sys_updated_on: at, sys_updated_by: user.user_name ?? "" });
    if (existing) row.sys_mod_count = String(Number(existing.sys_mod_count ?? "0") + 1);
    for (const [element, value] of journal) {
      this.insertRaw("sys_journal_field", { name: row.sys_class_name ?? table, element, element_id: row.sys_id!, value, sys_created_by: user.user_name ?? "" });
    }
    return row;
  }

  private taskRules(table: string, next: Row, changes: Row, inserting: boolean): void {
    if (inserting) {
      next.state ??= table === "problem" ? "101" : "1";
      next.impact ??= "3";
      next.urgency ??= "3";
      next.active = "true";
      next.opened_at = snTime(this.now());
    }
    // Priority Lookup Rules run when impact or urgency is set (incident and problem).
    if ((table === "incident" || table === "problem") && (inserting || "impact" in changes || "urgency" in changes)) {
      next.priority = priorityFor(next.impact ?? "3", next.urgency ?? "3");
    }
    next.priority ??= "4";
    const closing: Record<string, string[]> = { incident: ["6", "7", "8"], problem: ["106", "107"], sn_customerservice_case: ["3", "6", "7"] };
    const closed = (closing[table] ?? ["3", "4", "7"]).includes(next.state ?? "");
    next.active = closed ? "false" : "true";
    if ("state" in changes && closed) next.closed_at = snTime(this.now());
    // Data policy (baseline UI policy promoted to a data policy, so it also binds web services).
    if (table === "incident" && (next.state === "6" || next.state === "7")) {
      const missing = [["close_code", "Resolution code"], ["close_notes", "Resolution notes"]].filter(([f]) => !next[f!]).map(([, label]) => label);
      if (missing.length > 0) throw new SimError(403, "Operation Failed", `Data Policy Exception: \n\tThe following fields are mandatory: ${missing.join(", ")}\n`);
      if ("state" in changes && next.state === "6") next.resolved_at = snTime(this.now());
    }
  }

  /** A user by user_name (Basic auth) or by sys_id (tokens). */
  user(by: { userName?: string; sysId?: string }): Row | undefined {
    return this.list("sys_user").find((u) => (by.userName !== undefined ? u.user_name === by.userName : u.sys_id === by.sysId));
  }

  /** Ends every OAuth token, as when an admin revokes them or they expire. */
  revokeTokens(): void {
    this.tokens.clear();
  }
}
