// Dynamic values of a Flow JSON as WhatsApp's client evaluates them on the phone (SPEC E.7):
// `${form.x}`, `${data.x}` and the global `${screen.ID.form.x}` / `${screen.ID.data.x}` (with
// property paths such as `${data.a.b[0]}`), If conditions, and the 6.0+ backtick expressions with
// `== != < <= > >= && || !`, parentheses, math (`/` and `%` by 0 give 0) and string
// concatenation by juxtaposition. A value that is not there resolves to undefined.

import { isRecord } from './graph-common.js';

/** What a screen's expressions can see. */
export interface ExpressionScope {
  /** The current screen's form values. */
  form: Readonly<Record<string, unknown>>;
  /** The data the current screen was rendered with. */
  data: Readonly<Record<string, unknown>>;
  /** Another screen's last form values and data, or undefined when it was never shown. */
  screen(id: string): { form: Readonly<Record<string, unknown>>; data: Readonly<Record<string, unknown>> } | undefined;
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[1] !== undefined) out.push(match[1].trim());
  }
  return out;
}

function follow(root: unknown, segments: readonly (string | number)[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof segment === 'number') value = Array.isArray(value) ? value[segment] : undefined;
    else value = isRecord(value) && Object.hasOwn(value, segment) ? value[segment] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

/** The value of the reference inside `${…}`; throws TypeError for something that is not one. */
export function resolveReference(inner: string, scope: ExpressionScope): unknown {
  const [kind, ...rest] = pathSegments(inner.trim());
  if (kind === 'form') return follow(scope.form, rest);
  if (kind === 'data') return follow(scope.data, rest);
  if (kind === 'screen' && typeof rest[0] === 'string' && (rest[1] === 'form' || rest[1] === 'data')) {
    const other = scope.screen(rest[0]);
    return other === undefined ? undefined : follow(other[rest[1]], rest.slice(2));
  }
  throw new TypeError(`\${${inner}} is not a form, data or screen reference`);
}

type Token = { kind: 'value'; value: unknown } | { kind: 'op'; op: string };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')'];

function tokenize(source: string, scope: ExpressionScope): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space !== null) {
      i += space[0].length;
      continue;
    }
    if (rest.startsWith('${')) {
      const end = source.indexOf('}', i);
      if (end < 0) throw new TypeError(`Unclosed reference in ${JSON.stringify(source)}`);
      tokens.push({ kind: 'value', value: resolveReference(source.slice(i + 2, end), scope) });
      i = end + 1;
      continue;
    }
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      let text = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== quote; j++) {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        text += source.charAt(j);
      }
      if (j >= source.length) throw new TypeError(`Unclosed string in ${JSON.stringify(source)}`);
      tokens.push({ kind: 'value', value: text });
      i = j + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(rest);
    if (number !== null) {
      tokens.push({ kind: 'value', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const word = /^(true|false|null)\b/.exec(rest);
    if (word !== null) {
      tokens.push({ kind: 'value', value: word[0] === 'null' ? null : word[0] === 'true' });
      i += word[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (op === undefined)
      throw new TypeError(`Unsupported expression ${JSON.stringify(source)} at ${JSON.stringify(rest)}`);
    tokens.push({ kind: 'op', op });
    i += op.length;
  }
  return tokens;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function number(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** Recursive descent over the tokens, evaluating as it goes (expressions have no side effects). */
class Evaluator {
  #at = 0;
  constructor(
    readonly tokens: Token[],
    readonly source: string,
  ) {}

  run(): unknown {
    const value = this.sequence();
    if (this.#at < this.tokens.length) throw this.#error();
    return value;
  }

  #error(): TypeError {
    return new TypeError(`Cannot evaluate ${JSON.stringify(this.source)}`);
  }

  #op(...ops: string[]): string | null {
    const token = this.tokens[this.#at];
    if (token?.kind === 'op' && ops.includes(token.op)) {
      this.#at += 1;
      return token.op;
    }
    return null;
  }

  #startsOperand(): boolean {
    const token = this.tokens[this.#at];
    return token !== undefined && (token.kind === 'value' || token.op === '(' || token.op === '!');
  }

  /** Juxtaposed operands concatenate as strings: `'Hello ' ${form.name}`. */
  sequence(): unknown {
    const parts = [this.or()];
    while (this.#startsOperand()) parts.push(this.or());
    return parts.length === 1 ? parts[0] : parts.map(text).join('');
  }

  or(): unknown {
    let left = this.and();
    while (this.#op('||') !== null) {
      const right = this.and();
      left = Boolean(left) || Boolean(right);
    }
    return left;
  }

  and(): unknown {
    let left = this.equality();
    while (this.#op('&&') !== null) {
      const right = this.equality();
      left = Boolean(left) && Boolean(right);
    }
    return left;
  }

  equality(): unknown {
    let left = this.relation();
    for (let op = this.#op('==', '!='); op !== null; op = this.#op('==', '!=')) {
      const right = this.relation();
      left = op === '==' ? sameValue(left, right) : !sameValue(left, right);
    }
    return left;
  }

  relation(): unknown {
    let left = this.sum();
    for (let op = this.#op('<=', '>=', '<', '>'); op !== null; op = this.#op('<=', '>=', '<', '>')) {
      const [a, b] = [number(left), number(this.sum())];
      left = op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    return left;
  }

  sum(): unknown {
    let left = this.product();
    for (let op = this.#op('+', '-'); op !== null; op = this.#op('+', '-')) {
      const right = this.product();
      if (op === '+' && (typeof left === 'string' || typeof right === 'string')) left = text(left) + text(right);
      else left = op === '+' ? number(left) + number(right) : number(left) - number(right);
    }
    return left;
  }

  product(): unknown {
    let left = this.unary();
    for (let op = this.#op('*', '/', '%'); op !== null; op = this.#op('*', '/', '%')) {
      const [a, b] = [number(left), number(this.unary())];
      // Division and modulo by 0 (or null) give 0 on the client.
      left = op === '*' ? a * b : b === 0 ? 0 : op === '/' ? a / b : a % b;
    }
    return left;
  }

  unary(): unknown {
    if (this.#op('!') !== null) return !this.unary();
    if (this.#op('-') !== null) return -number(this.unary());
    return this.primary();
  }

  primary(): unknown {
    if (this.#op('(') !== null) {
      const value = this.sequence();
      if (this.#op(')') === null) throw this.#error();
      return value;
    }
    const token = this.tokens[this.#at];
    if (token?.kind !== 'value') throw this.#error();
    this.#at += 1;
    return token.value;
  }
}

/** Evaluates an expression (an If condition, or the inside of a backtick expression). */
export function evaluate(source: string, scope: ExpressionScope): unknown {
  return new Evaluator(tokenize(source, scope), source).run();
}

const SINGLE_REFERENCE = /^\s*\$\{([^}]*)\}\s*$/;
const BACKTICKS = /^\s*`([\s\S]*)`\s*$/;

/**
 * A property or payload value as the client sends it: a lone reference gives the referenced value
 * itself (an array, a boolean, picker items…), a backtick expression its result, objects and arrays
 * are resolved member by member (members that resolve to undefined are left out), literals stay.
 */
export function resolveValue(value: unknown, scope: ExpressionScope): unknown {
  if (typeof value === 'string') {
    const single = SINGLE_REFERENCE.exec(value);
    if (single !== null) return resolveReference(single[1] ?? '', scope);
    const expression = BACKTICKS.exec(value);
    if (expression !== null) return evaluate(expression[1] ?? '', scope);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, scope)).filter((item) => item !== undefined);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const resolved = resolveValue(member, scope);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  return value;
}
