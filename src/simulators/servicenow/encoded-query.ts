// ServiceNow encoded queries (sysparm_query): conditions joined by `^` (AND), `^OR` (OR with the
// previous condition, binding tighter than AND), `^NQ` (OR of whole queries), plus `ORDERBY` /
// `ORDERBYDESC` terms. A part that names an unknown field or operator makes the query invalid;
// the simulator then returns no rows, as an instance does with glide.invalid_query.returns_no_rows.

export type Operator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "IN" | "NOT IN" | "LIKE" | "NOTLIKE" | "STARTSWITH" | "ENDSWITH" | "ISEMPTY" | "ISNOTEMPTY";
export type Condition = { field: string; op: Operator; value: string };
export type ParsedQuery = {
  /** OR of blocks (^NQ); each block an AND of clauses; each clause an OR of conditions. */
  blocks: Condition[][][];
  orderBy: { field: string; desc: boolean }[];
  /** Parts that could not be understood; non-empty means "no rows". */
  invalid: string[];
};

// Longest first, so `>=` is not read as `>` and `NOT IN` not as `IN`.
const OPERATORS: Operator[] = ["ISNOTEMPTY", "ISEMPTY", "STARTSWITH", "ENDSWITH", "NOTLIKE", "NOT IN", "LIKE", "IN", "!=", ">=", "<=", "=", ">", "<"];
const FIELD = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*/;

function parseCondition(part: string, knownField: (field: string) => boolean): Condition | string {
  const field = FIELD.exec(part)?.[0];
  if (!field) return part;
  const rest = part.slice(field.length);
  const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
  if (!op || !knownField(field)) return part;
  const value = rest.slice(op.length);
  if ((op === "ISEMPTY" || op === "ISNOTEMPTY") && value !== "") return part;
  return { field, op, value };
}

export function parseEncodedQuery(query: string, knownField: (field: string) => boolean): ParsedQuery {
  const parsed: ParsedQuery = { blocks: [[]], orderBy: [], invalid: [] };
  if (query.trim() === "") return parsed;
  for (const raw of query.split("^")) {
    const part = raw.trim();
    if (part === "" || part === "EQ") continue;
    const block = parsed.blocks[parsed.blocks.length - 1]!;
    if (part.startsWith("ORDERBYDESC") || part.startsWith("ORDERBY")) {
      const desc = part.startsWith("ORDERBYDESC");
      const field = part.slice(desc ? 11 : 7);
      if (knownField(field)) parsed.orderBy.push({ field, desc });
      else parsed.invalid.push(part);
      continue;
    }
    if (part.startsWith("NQ")) {
      const condition = parseCondition(part.slice(2), knownField);
      if (typeof condition === "string") parsed.invalid.push(part);
      else parsed.blocks.push([[condition]]);
      continue;
    }
    const isOr = part.startsWith("OR") && block.length > 0;
    const condition = parseCondition(isOr ? part.slice(2) : part, knownField);
    if (typeof condition === "string") parsed.invalid.push(part);
    else if (isOr) block[block.length - 1]!.push(condition);
    else block.push([condition]);
  }
  return parsed;
}

// Short digit strings are choice values or counts; a 32-character sys_id made of digits is not a number.
const NUMBER = /^-?\d{1,15}(\.\d+)?$/;
const numeric = (a: string, b: string) => NUMBER.test(a) && NUMBER.test(b);

/** Compares as numbers when both are numbers; strings case-insensitively, as the instance's database does. */
function compare(a: string, b: string): number {
  if (numeric(a, b)) return Number(a) - Number(b);
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}

function test(value: string, { op, value: wanted }: Condition): boolean {
  const lower = value.toLowerCase();
  const list = () => wanted.split(",").map((v) => v.trim().toLowerCase());
  switch (op) {
    case "=": return compare(value, wanted) === 0;
    case "!=": return compare(value, wanted) !== 0;
    case ">": return value !== "" && compare(value, wanted) > 0;
    case ">=": return value !== "" && compare(value, wanted) >= 0;
    case "<": return value !== "" && compare(value, wanted) < 0;
    case "<=": return value !== "" && compare(value, wanted) <= 0;
    case "IN": return list().includes(lower);
    case "NOT IN": return !list().includes(lower);
    case "LIKE": return lower.includes(wanted.toLowerCase());
    case "NOTLIKE": return !lower.includes(wanted.toLowerCase());
    case "STARTSWITH": return lower.startsWith(wanted.toLowerCase());
    case "ENDSWITH": return lower.endsWith(wanted.toLowerCase());
    case "ISEMPTY": return value === "";
    case "ISNOTEMPTY": return value !== "";
  }
}

export function matches(query: ParsedQuery, get: (field: string) => string): boolean {
  if (query.invalid.length > 0) return false;
  return query.blocks.some((block) => block.every((clause) => clause.some((condition) => test(get(condition.field), condition))));
}

export function sortRows<T>(rows: T[], orderBy: ParsedQuery["orderBy"], get: (row: T, field: string) => string): T[] {
  if (orderBy.length === 0) return rows;
  return [...rows].sort((a, b) => {
    for (const { field, desc } of orderBy) {
      const c = compare(get(a, field), get(b, field));
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}
