// A TicketSQL parser and evaluator for the subset Lockstep sends (and a little more): AND/OR,
// parentheses, = != <> < > <= >= LIKE and NOT LIKE, quoted strings, numbers, `CF.{Name}` and
// `'CF.{Name}'`. What it cannot parse is rejected with an error, which the app answers as RT
// does: 400 with `{"message": …}`. Dates are read as UTC (the integration user's time zone).

export type Condition = { field: string; op: string; value: string };
export type Expr = { kind: "cond"; cond: Condition } | { kind: "and" | "or"; left: Expr; right: Expr };

type Token = { type: "word" | "string" | "op" | "lparen" | "rparen"; text: string };

const OPERATORS = ["<=", ">=", "!=", "<>", "=", "<", ">"];

export class TicketSqlError extends Error {}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "(") { tokens.push({ type: "lparen", text: ch }); i++; continue; }
    if (ch === ")") { tokens.push({ type: "rparen", text: ch }); i++; continue; }
    if (ch === "'" || ch === '"') {
      let text = "";
      i++;
      while (i < sql.length && sql[i] !== ch) {
        if (sql[i] === "\\" && i + 1 < sql.length) i++;
        text += sql[i];
        i++;
      }
      if (i >= sql.length) throw new TicketSqlError(`Wrong query, unterminated string in '${sql}'`);
      i++;
      tokens.push({ type: "string", text });
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (op) { tokens.push({ type: "op", text: op }); i += op.length; continue; }
    const word = /^(CF\.\{[^}]*\}|[A-Za-z_][\w.]*|-?\d+)/.exec(sql.slice(i));
    if (!word) throw new TicketSqlError(`Wrong query, unexpected '${ch}' in '${sql}'`);
    tokens.push({ type: "word", text: word[0] });
    i += word[0].length;
  }
  return tokens;
}

export function parseTicketSql(sql: string): Expr | null {
  const tokens = tokenize(sql);
  if (tokens.length === 0) return null;
  let pos = 0;
  const peek = () => tokens[pos];
  const isKeyword = (t: Token | undefined, kw: string) => t?.type === "word" && t.text.toUpperCase() === kw;

  function parseOr(): Expr {
    let left = parseAnd();
    while (isKeyword(peek(), "OR")) { pos++; left = { kind: "or", left, right: parseAnd() }; }
    return left;
  }
  function parseAnd(): Expr {
    let left = parsePrimary();
    while (isKeyword(peek(), "AND")) { pos++; left = { kind: "and", left, right: parsePrimary() }; }
    return left;
  }
  function parsePrimary(): Expr {
    const token = peek();
    if (token?.type === "lparen") {
      pos++;
      const inner = parseOr();
      if (peek()?.type !== "rparen") throw new TicketSqlError(`Wrong query, expecting a CLOSE_PAREN in '${sql}'`);
      pos++;
      return inner;
    }
    if (!token || (token.type !== "word" && token.type !== "string")) throw new TicketSqlError(`Wrong query, expecting a KEYWORD in '${sql}'`);
    // A quoted field is allowed only for custom fields ('CF.{Name}'), as in RT's web UI.
    if (token.type === "string" && !/^CF\.\{[^}]*\}$/.test(token.text)) throw new TicketSqlError(`Wrong query, expecting a KEYWORD in '${sql}'`);
    pos++;
    let op: string;
    const next = peek();
    if (next?.type === "op") { op = next.text === "<>" ? "!=" : next.text; pos++; }
    else if (isKeyword(next, "LIKE")) { op = "LIKE"; pos++; }
    else if (isKeyword(next, "NOT") && isKeyword(tokens[pos + 1], "LIKE")) { op = "NOT LIKE"; pos += 2; }
    else throw new TicketSqlError(`Wrong query, expecting a OPERATOR in '${sql}'`);
    const value = peek();
    if (!value || (value.type !== "string" && value.type !== "word")) throw new TicketSqlError(`Wrong query, expecting a VALUE in '${sql}'`);
    pos++;
    return { kind: "cond", cond: { field: token.text, op, value: value.text } };
  }

  const expr = parseOr();
  if (pos !== tokens.length) throw new TicketSqlError(`Wrong query, expecting a AGGREGATOR in '${sql}'`);
  return expr;
}

/** Parses a TicketSQL date literal (`YYYY-MM-DD[ HH:MM:SS]`) as UTC epoch seconds. */
export function parseSqlDate(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?Z?$/.exec(value.trim());
  if (!m) throw new TicketSqlError(`Couldn't parse date '${value}'`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)) / 1000;
}

export function compare(op: string, actual: string | number, expected: string | number): boolean {
  switch (op) {
    case "=": return actual === expected;
    case "!=": return actual !== expected;
    case "<": return actual < expected;
    case ">": return actual > expected;
    case "<=": return actual <= expected;
    case ">=": return actual >= expected;
    case "LIKE": return String(actual).toLowerCase().includes(String(expected).toLowerCase());
    case "NOT LIKE": return !String(actual).toLowerCase().includes(String(expected).toLowerCase());
    default: throw new TicketSqlError(`Unknown operator ${op}`);
  }
}

export function evaluate(expr: Expr, test: (cond: Condition) => boolean): boolean {
  if (expr.kind === "cond") return test(expr.cond);
  return expr.kind === "and" ? evaluate(expr.left, test) && evaluate(expr.right, test) : evaluate(expr.left, test) || evaluate(expr.right, test);
}

export function mentions(expr: Expr | null, field: string): boolean {
  if (!expr) return false;
  if (expr.kind === "cond") return expr.cond.field.toLowerCase() === field.toLowerCase();
  return mentions(expr.left, field) || mentions(expr.right, field);
}
