// Typed nested expressions (SPEC E.7, Flow JSON 6.0+) and If conditions (4.0+):
// `expr.eq(ref.form('age'), 18)` is the string "`(${form.age} == 18)`", typed as a boolean
// expression. Every operation is parenthesised as in Meta's examples, so nothing depends on operator
// precedence; string literals are single-quoted; `ifElse` drops the backticks, as If conditions
// are written bare. The version gates (6.0 for backticks, 7.2 for checking their references) are
// validateFlowJson's, like every other rule.

import { FlowExpressionError } from './expression-error.js';
import { isExpression, isSingleReference } from './references.js';
import type { BooleanExpression, Condition, Dynamic, NumberExpression, StringExpression, UntypedOr } from './types.js';

/** A string literal, a reference or a string expression. */
export type StringOperand = UntypedOr<'string'>;
/** A number literal, a reference or a number expression. */
export type NumberOperand = number | Dynamic | NumberExpression;
/** A reference or a boolean expression; SPEC E.7 shows no boolean literals. */
export type BooleanOperand = Dynamic | BooleanExpression;
/** What an If condition may combine: a boolean operand or a `not(…)`. */
export type ConditionOperand = BooleanOperand | Condition;
/** One piece of a concatenation: text, a number, or anything evaluating to either. */
export type TextPart = StringOperand | NumberOperand;

type AtLeastTwo<T> = [T, T, ...T[]];

/** Where an operand sits: only a text position takes string literals. */
type Slot = 'text' | 'number' | 'boolean';

/** The wire form of a nested expression: its inside in backticks. */
const nested = (inner: string): string => `\`${inner}\``;

function stringLiteral(text: string): string {
  const unwritable = /['`\\]|\$\{/.exec(text);
  if (unwritable !== null) {
    throw new FlowExpressionError(
      `String literal ${JSON.stringify(text)} contains ${JSON.stringify(unwritable[0])}, which SPEC E.7 gives no way to escape; send the text as screen data and use ref.data(…) instead.`,
    );
  }
  return `'${text}'`;
}

/** Plain decimal digits; a negative number as `(0 - n)`, since SPEC E.7 lists no unary minus. */
function numberLiteral(value: number): string {
  const digits = String(Math.abs(value));
  if (!Number.isFinite(value) || !/^\d+(?:\.\d+)?$/.test(digits)) {
    throw new FlowExpressionError(`Number ${String(value)} cannot be written as a decimal literal in an expression.`);
  }
  return value < 0 ? `(0 - ${digits})` : digits;
}

/** End of the reference, quoted literal, parenthesised group or number starting at `start`. */
function atomEnd(source: string, start: number): number | undefined {
  if (source.startsWith('${', start)) {
    const close = source.indexOf('}', start);
    return close < 0 ? undefined : close + 1;
  }
  const char = source.charAt(start);
  if (char === "'" || char === '"') {
    const close = source.indexOf(char, start + 1);
    return close < 0 ? undefined : close + 1;
  }
  if (char === '(') {
    let depth = 0;
    for (let at = start; at < source.length;) {
      const next = source.charAt(at);
      if (source.startsWith('${', at) || next === "'" || next === '"') {
        const end = atomEnd(source, at);
        if (end === undefined) return undefined;
        at = end;
        continue;
      }
      if (next === '(') depth++;
      else if (next === ')' && --depth === 0) return at + 1;
      at++;
    }
    return undefined;
  }
  const number = /^\d+(?:\.\d+)?/.exec(source.slice(start));
  return number === null ? undefined : start + number[0].length;
}

/** How many top-level operands an expression has, and whether an operator joins them. */
function shape(source: string): { atoms: number; operators: boolean } {
  let atoms = 0;
  let operators = false;
  for (let at = 0; at < source.length;) {
    const char = source.charAt(at);
    // A `!` (not `!=`) belongs to the operand after it.
    if (/\s/.test(char) || (char === '!' && source.charAt(at + 1) !== '=')) {
      at++;
      continue;
    }
    const end = atomEnd(source, at);
    if (end === undefined) {
      operators = true;
      at++;
    } else {
      atoms++;
      at = end;
    }
  }
  return { atoms, operators };
}

/**
 * The inside of an expression, parenthesised unless it is one operand. A concatenation (operands
 * side by side, no operator) is spliced into another one as it is.
 */
function group(inner: string, splice: boolean): string {
  const { atoms, operators } = shape(inner);
  if (atoms === 0) throw new FlowExpressionError('An expression cannot be empty.');
  return !operators && (atoms === 1 || splice) ? inner : `(${inner})`;
}

function operand(value: unknown, slot: Slot, splice = false): string {
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value !== 'string') {
    throw new FlowExpressionError(`Expected a reference, an expression or a literal, got ${typeof value}.`);
  }
  if (isSingleReference(value)) return value.trim();
  if (isExpression(value)) return group(value.trim().slice(1, -1).trim(), splice);
  if (slot === 'text') return stringLiteral(value);
  throw new FlowExpressionError(
    `${JSON.stringify(value)} is neither a reference nor an expression, so it cannot be a ${slot} operand.`,
  );
}

function binary(op: string, left: unknown, right: unknown, slot: Slot): string {
  return `(${operand(left, slot)} ${op} ${operand(right, slot)})`;
}

/** `==` (SPEC E.7: both sides of the same type). */
function eq(left: StringOperand, right: StringOperand): BooleanExpression;
function eq(left: NumberOperand, right: NumberOperand): BooleanExpression;
function eq(left: BooleanOperand, right: BooleanOperand): BooleanExpression;
function eq(left: TextPart | BooleanOperand, right: TextPart | BooleanOperand): BooleanExpression {
  return nested(binary('==', left, right, 'text')) as BooleanExpression;
}

/** `!=` (SPEC E.7: both sides of the same type). */
function neq(left: StringOperand, right: StringOperand): BooleanExpression;
function neq(left: NumberOperand, right: NumberOperand): BooleanExpression;
function neq(left: BooleanOperand, right: BooleanOperand): BooleanExpression;
function neq(left: TextPart | BooleanOperand, right: TextPart | BooleanOperand): BooleanExpression {
  return nested(binary('!=', left, right, 'text')) as BooleanExpression;
}

const compare =
  (op: '<' | '<=' | '>' | '>=') =>
  (left: NumberOperand, right: NumberOperand): BooleanExpression =>
    nested(binary(op, left, right, 'number')) as BooleanExpression;

const math =
  (op: '+' | '-' | '*' | '/' | '%') =>
  (left: NumberOperand, right: NumberOperand): NumberExpression =>
    nested(binary(op, left, right, 'number')) as NumberExpression;

function logical(op: '&&' | '||', operands: readonly unknown[]): string {
  return `(${operands.map((item) => operand(item, 'boolean')).join(` ${op} `)})`;
}

/** `&&`; with a `not(…)` among the operands the result is a condition for `ifElse` only. */
function and(...operands: AtLeastTwo<BooleanOperand>): BooleanExpression;
function and(...operands: AtLeastTwo<ConditionOperand>): Condition;
function and(...operands: AtLeastTwo<ConditionOperand>): string {
  return nested(logical('&&', operands));
}

/** `||`; with a `not(…)` among the operands the result is a condition for `ifElse` only. */
function or(...operands: AtLeastTwo<BooleanOperand>): BooleanExpression;
function or(...operands: AtLeastTwo<ConditionOperand>): Condition;
function or(...operands: AtLeastTwo<ConditionOperand>): string {
  return nested(logical('||', operands));
}

/** `!`, which SPEC E.7 documents for `If.condition` only: the result goes to `ifElse`. */
function not(value: ConditionOperand): Condition {
  return nested(`!${operand(value, 'boolean')}`) as Condition;
}

/** String concatenation by juxtaposition: `concat('Hello ', ref.form('name'))` → "`'Hello ' ${form.name}`". */
function concat(...parts: [TextPart, ...TextPart[]]): StringExpression {
  return nested(parts.map((part) => operand(part, 'text', true)).join(' ')) as StringExpression;
}

/**
 * `concat` as a template tag: text between substitutions becomes quoted literals, empty ones are
 * dropped. expr.text`Hello ${ref.form('name')}` → "`'Hello ' ${form.name}`".
 */
function text(strings: TemplateStringsArray, ...values: TextPart[]): StringExpression {
  const parts = strings.flatMap((chunk, index) => {
    const value = values[index];
    return [...(chunk === '' ? [] : [chunk]), ...(value === undefined ? [] : [value])];
  });
  const [first, ...rest] = parts;
  if (first === undefined) throw new FlowExpressionError('An expression cannot be empty.');
  return concat(first, ...rest);
}

/**
 * Typed builders for nested expressions (Flow JSON 6.0+; SPEC E.7) and If conditions (4.0+).
 * Each returns the wire string; its TypeScript type says what it evaluates to, so a boolean
 * expression fits `visible`/`enabled`/`required` and `ifElse`, and a string one fits `text`.
 */
export const expr = {
  eq,
  neq,
  lt: compare('<'),
  lte: compare('<='),
  gt: compare('>'),
  gte: compare('>='),
  and,
  or,
  not,
  concat,
  text,
  add: math('+'),
  sub: math('-'),
  /** `*`: missing from SPEC E.7's list `+ - / %`, but used by Meta's math example (pywa_v6_0__math_operators). */
  mul: math('*'),
  /** `/`: division by 0 or null gives 0 (SPEC E.7). */
  div: math('/'),
  /** `%`: modulo by 0 or null gives 0 (SPEC E.7). */
  mod: math('%'),
} as const;

/** An If condition as Meta writes it: the boolean expression without its backticks. */
export function conditionText(condition: string): string {
  return isExpression(condition) ? condition.trim().slice(1, -1).trim() : condition;
}
