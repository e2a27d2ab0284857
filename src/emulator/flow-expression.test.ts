// Dynamic values as the Flow client evaluates them: lone references keep their type, property paths,
// global screen references, If conditions and backtick expressions (SPEC E.7).

import { describe, expect, it } from 'vitest';
import { evaluate, resolveValue, type ExpressionScope } from './flow-expression.js';

const scope: ExpressionScope = {
  form: { name: 'Ada', count: 3, tags: ['a', 'b'], agree: true },
  data: { items: [{ id: 'x', title: 'X' }], zero: 0, label: 'Hi' },
  screen: (id) => (id === 'FIRST' ? { form: { city: 'Lisbon' }, data: { plan: { tier: 'gold' } } } : undefined),
};

describe('flow expressions', () => {
  it.each([
    ['${form.tags}', ['a', 'b']],
    ['${form.agree}', true],
    ['${data.items[0].title}', 'X'],
    ['${screen.FIRST.form.city}', 'Lisbon'],
    ['${screen.FIRST.data.plan.tier}', 'gold'],
    ['${screen.NEVER.form.city}', undefined],
    ['${form.missing}', undefined],
    ["`'Hello ' ${form.name}`", 'Hello Ada'],
    ['`${form.count} * 2 + 1`', 7],
    ['`${form.count} / ${data.zero}`', 0],
    ['`${form.count} % 0`', 0],
    ['plain text', 'plain text'],
  ])('%s → %j', (value, expected) => {
    expect(resolveValue(value, scope)).toEqual(expected);
  });

  it.each([
    ["${form.name} == 'Ada'", true],
    ["${form.name} != 'Ada' || ${form.count} >= 3", true],
    ['!(${form.agree}) && true', false],
    ['(${form.count} > 1) && (${form.count} < 3)', false],
    ['${data.zero} == 0', true],
  ])('condition %s → %s', (condition, expected) => {
    expect(evaluate(condition, scope)).toBe(expected);
  });

  it('resolves payload objects member by member and leaves out what is empty', () => {
    expect(resolveValue({ a: '${form.name}', b: '${form.missing}', c: { d: '${data.label}' }, e: 1 }, scope)).toEqual({
      a: 'Ada',
      c: { d: 'Hi' },
      e: 1,
    });
  });

  it('rejects what is not an expression', () => {
    expect(() => resolveValue('${nothing.here}', scope)).toThrow(TypeError);
    expect(() => evaluate('${form.name} ~ 1', scope)).toThrow(/Unsupported expression/);
    expect(() => evaluate("'open", scope)).toThrow(/Unclosed string/);
  });
});
