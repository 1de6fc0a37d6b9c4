// The ConnectWise `conditions` / `childConditions` query language, parsed for real so that the
// simulator rejects what ConnectWise rejects (a 400) instead of guessing. Grammar (keywords are
// case-insensitive, as in ConnectWise):
//   expr       := and ( "or" and )*
//   and        := unary ( "and" unary )*
//   unary      := "not" unary | "(" expr ")" | comparison
//   comparison := path op value | path ["not"] "in" "(" value ("," value)* ")" | path ("contains"|"like") string
//   path       := name ( "/" name )*            e.g. board/id, communicationItems/value
//   value      := [2024-01-01T00:00:00Z] | "string" (\" escapes) | number | true | false | null
export type Literal = { kind: "datetime"; value: number; text: string } | { kind: "string"; value: string } | { kind: "number"; value: number } | { kind: "boolean"; value: boolean } | { kind: "null" };

export type Condition =
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition }
  | { kind: "compare"; path: string[]; op: "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "like"; value: Literal }
  | { kind: "in"; path: string[]; negated: boolean; values: Literal[] };

export class ConditionSyntaxError extends Error {}

type Token = { type: "word" | "op" | "punct" | "string" | "datetime" | "number"; text: string; at: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "(" || ch === ")" || ch === "," || ch === "/") { tokens.push({ type: "punct", text: ch, at: i }); i++; continue; }
    if (ch === "[") {
      const end = input.indexOf("]", i);
      if (end < 0) throw new ConditionSyntaxError(`Unterminated date at position ${i}`);
      tokens.push({ type: "datetime", text: input.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      let text = "";
      let j = i + 1;
      for (; j < input.length && input[j] !== '"'; j++) {
        if (input[j] === "\\" && j + 1 < input.length) j++;
        text += input[j];
      }
      if (j >= input.length) throw new ConditionSyntaxError(`Unterminated string at position ${i}`);
      tokens.push({ type: "string", text, at: i });
      i = j + 1;
      continue;
    }
    const op = /^(<=|>=|!=|=|<|>)/.exec(input.slice(i));
    if (op) { tokens.push({ type: "op", text: op[0], at: i }); i += op[0].length; continue; }
    const num = /^-?\d+(\.\d+)?(?![A-Za-z_])/.exec(input.slice(i));
    if (num) { tokens.push({ type: "number", text: num[0], at: i }); i += num[0].length; continue; }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i));
    if (word) { tokens.push({ type: "word", text: word[0], at: i }); i += word[0].length; continue; }
    throw new ConditionSyntaxError(`Unexpected character '${ch}' at position ${i}`);
  }
  return tokens;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function parseConditions(input: string): Condition {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, w: string) => t?.type === "word" && t.text.toLowerCase() === w;
  const fail = (what: string): never => {
    const t = peek();
    throw new ConditionSyntaxError(t ? `Expected ${what} at position ${t.at} but found '${t.text}'` : `Expected ${what} at end of conditions`);
  };
  const expectPunct = (p: string) => (peek()?.type === "punct" && peek()!.text === p ? pos++ : fail(`'${p}'`));

  function literal(): Literal {
    const t = peek() ?? fail("a value");
    pos++;
    if (t.type === "string") return { kind: "string", value: t.text };
    if (t.type === "number") return { kind: "number", value: Number(t.text) };
    if (t.type === "datetime") {
      if (!ISO.test(t.text)) throw new ConditionSyntaxError(`Invalid date '${t.text}' at position ${t.at}`);
      return { kind: "datetime", value: Date.parse(t.text), text: t.text };
    }
    if (isWord(t, "true") || isWord(t, "false")) return { kind: "boolean", value: t.text.toLowerCase() === "true" };
    if (isWord(t, "null")) return { kind: "null" };
    pos--;
    return fail("a value");
  }

  function path(): string[] {
    const parts: string[] = [];
    for (;;) {
      const t = peek();
      if (t?.type !== "word") fail("a field name");
      parts.push(t!.text);
      pos++;
      if (peek()?.type === "punct" && peek()!.text === "/") pos++;
      else return parts;
    }
  }

  function comparison(): Condition {
    const field = path();
    const t = peek() ?? fail("an operator");
    if (t.type === "op") {
      pos++;
      return { kind: "compare", path: field, op: t.text as "=", value: literal() };
    }
    if (isWord(t, "contains") || isWord(t, "like")) {
      pos++;
      const value = literal();
      if (value.kind !== "string") throw new ConditionSyntaxError(`'${t.text}' needs a quoted string at position ${t.at}`);
      return { kind: "compare", path: field, op: t.text.toLowerCase() as "contains", value };
    }
    const negated = isWord(t, "not");
    if (negated) pos++;
    if (!isWord(peek(), "in")) return fail("an operator");
    pos++;
    expectPunct("(");
    const values = [literal()];
    while (peek()?.type === "punct" && peek()!.text === ",") { pos++; values.push(literal()); }
    expectPunct(")");
    return { kind: "in", path: field, negated, values };
  }

  function unary(): Condition {
    if (isWord(peek(), "not")) { pos++; return { kind: "not", operand: unary() }; }
    if (peek()?.type === "punct" && peek()!.text === "(") {
      pos++;
      const inner = or();
      expectPunct(")");
      return inner;
    }
    return comparison();
  }
  function and(): Condition {
    let left = unary();
    while (isWord(peek(), "and")) { pos++; left = { kind: "and", left, right: unary() }; }
    return left;
  }
  function or(): Condition {
    let left = and();
    while (isWord(peek(), "or")) { pos++; left = { kind: "or", left, right: and() }; }
    return left;
  }

  if (tokens.length === 0) throw new ConditionSyntaxError("Empty conditions");
  const result = or();
  if (pos < tokens.length) fail("'and', 'or' or the end");
  return result;
}

/** Resolves a condition path against a record; `resolve` lets callers alias (lastUpdated → _info.lastUpdated). */
export type Resolver = (path: string[]) => unknown;

function compareValues(actual: unknown, op: string, lit: Literal): boolean {
  if (lit.kind === "null") return op === "=" ? actual == null : op === "!=" ? actual != null : false;
  if (actual == null) return op === "!=";
  let a: number | string | boolean;
  let b: number | string | boolean;
  if (lit.kind === "datetime") { a = Date.parse(String(actual)); b = lit.value; }
  else if (lit.kind === "number") { a = Number(actual); b = lit.value; }
  else if (lit.kind === "boolean") { a = Boolean(actual); b = lit.value; }
  // ConnectWise runs on SQL Server with a case-insensitive collation: string matches ignore case.
  else { a = String(actual).toLowerCase(); b = lit.value.toLowerCase(); }
  switch (op) {
    case "=": return a === b;
    case "!=": return a !== b;
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    case ">=": return a >= b;
    case "contains": return String(a).includes(String(b));
    case "like": {
      const pattern = new RegExp(`^${String(b).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/%/g, ".*")}$`);
      return pattern.test(String(a));
    }
    default: return false;
  }
}

export function evaluate(condition: Condition, resolve: Resolver): boolean {
  switch (condition.kind) {
    case "and": return evaluate(condition.left, resolve) && evaluate(condition.right, resolve);
    case "or": return evaluate(condition.left, resolve) || evaluate(condition.right, resolve);
    case "not": return !evaluate(condition.operand, resolve);
    case "compare": return compareValues(resolve(condition.path), condition.op, condition.value);
    case "in": {
      const hit = condition.values.some((v) => compareValues(resolve(condition.path), "=", v));
      return condition.negated ? !hit : hit;
    }
  }
}

/** Plain path lookup into nested objects. */
export function lookup(record: unknown, path: string[]): unknown {
  let at: unknown = record;
  for (const key of path) {
    if (at === null || typeof at !== "object") return undefined;
    const entry = Object.entries(at).find(([k]) => k.toLowerCase() === key.toLowerCase());
    at = entry?.[1];
  }
  return at;
}
