// The expression helpers write exactly the strings of SPEC E.7 and of Meta's examples in the shared
// fixtures, flows built with them validate clean, and a wrong reference inside one is still caught.

import { describe, expect, it } from 'vitest';
import { thrown } from '../../thrown.test-util.js';
import { complete, field, flow, navigate, ref, screen } from './builders.js';
import { footer, ifElse, switchOn, textBody, textHeading, textInput } from './component-builders.js';
import { FlowExpressionError } from './expression-error.js';
import { type NumberOperand, expr } from './expressions.js';
import { loadFixture } from './fixture-util.test-util.js';
import type { BooleanOrDynamic } from './types.js';
import { hasErrors, validateFlowJson } from './validate.js';

/** Meta pads some examples inside the backticks ("` 'Hello ' …`"); the padding means nothing. */
function unpad(value: unknown): unknown {
  if (typeof value === 'string')
    return /^`[\s\S]*`$/.test(value) ? value.replace(/^`\s+|\s+`$/g, (m) => m.trim()) : value;
  if (Array.isArray(value)) return value.map(unpad);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unpad(item)]));
  }
  return value;
}

const terminalFooter = footer('Static footer label', complete());

describe('expr renders', () => {
  it("SPEC E.7's concatenation example", () => {
    expect(expr.text`Hello ${ref.form('first_name')}`).toBe("`'Hello ' ${form.first_name}`");
    expect(expr.concat('Hello ', ref.form('first_name'))).toBe("`'Hello ' ${form.first_name}`");
  });

  it('comparisons, logic and math with every operation in parentheses', () => {
    const age = ref.form('age');
    expect(expr.eq(age, 18)).toBe('`(${form.age} == 18)`');
    expect(expr.neq(ref.data('city'), 'Paris')).toBe("`(${data.city} != 'Paris')`");
    expect([expr.lt(age, 1), expr.lte(age, 2), expr.gt(age, 3), expr.gte(age, 4)]).toEqual([
      '`(${form.age} < 1)`',
      '`(${form.age} <= 2)`',
      '`(${form.age} > 3)`',
      '`(${form.age} >= 4)`',
    ]);
    expect([expr.add(age, 1), expr.sub(age, 2), expr.mul(age, 3), expr.div(age, 4), expr.mod(age, 5)]).toEqual([
      '`(${form.age} + 1)`',
      '`(${form.age} - 2)`',
      '`(${form.age} * 3)`',
      '`(${form.age} / 4)`',
      '`(${form.age} % 5)`',
    ]);
    expect(expr.or(ref.data('a'), ref.data('b'), expr.gt(age, 65))).toBe(
      '`(${data.a} || ${data.b} || (${form.age} > 65))`',
    );
    expect(expr.eq(expr.add(age, 1), expr.mul(ref.data('n'), 2.5))).toBe('`((${form.age} + 1) == (${data.n} * 2.5))`');
    expect(expr.gt(age, -5)).toBe('`(${form.age} > (0 - 5))`');
  });

  it('a concatenation spliced into another, and parenthesised as an operand', () => {
    const tag = expr.text`#${ref.form('size')}`;
    expect(tag).toBe("`'#' ${form.size}`");
    expect(expr.concat(tag, ' (', expr.add(ref.form('n'), 1), ')')).toBe("`'#' ${form.size} ' (' (${form.n} + 1) ')'`");
    expect(expr.eq(tag, '#1')).toBe("`(('#' ${form.size}) == '#1')`");
    expect(expr.text`${ref.form('a')}${ref.form('b')}`).toBe('`${form.a} ${form.b}`');
  });

  it('hand-written references and expressions as operands', () => {
    expect(expr.eq(ref.screen('START').form('name'), '')).toBe("`(${screen.START.form.name} == '')`");
    expect(expr.and('${data.ok}', "`${form.animal} == 'cat'`")).toBe("`(${data.ok} && (${form.animal} == 'cat'))`");
  });

  it('not(…) as a condition that ifElse writes bare', () => {
    const condition = expr.and(expr.not(ref.data('done')), expr.not(expr.eq(ref.form('x'), 1)));
    expect(condition).toBe('`(!${data.done} && !(${form.x} == 1))`');
    expect(ifElse(condition, [textHeading('Not yet')]).condition).toBe('(!${data.done} && !(${form.x} == 1))');
    expect(expr.not(expr.not(ref.data('done')))).toBe('`!!${data.done}`');
  });
});

describe('expr matches the Flow JSON of Meta examples', () => {
  it('pywa_v6_0__visible_condition: a visible condition', () => {
    const built = flow({
      version: '6.0',
      screens: [
        screen('DEMO_SCREEN', {
          title: 'Demo Screen',
          terminal: true,
          success: true,
          children: [
            textInput({ label: 'Enter a number', inputType: 'number', name: 'number' }),
            textBody('You choose the right number!', { visible: expr.eq(ref.form('number'), 42) }),
            terminalFooter,
          ],
        }),
      ],
    });
    expect(built).toEqual(loadFixture('pywa_v6_0__visible_condition.json'));
  });

  it('pywa_v6_0__string_concatenation: text built by juxtaposition', () => {
    const [first, age] = [ref.form('first_name'), ref.form('age')];
    const built = flow({
      version: '6.0',
      screens: [
        screen('DEMO_SCREEN', {
          terminal: true,
          title: 'Demo screen',
          children: [
            textInput({ label: 'First name', inputType: 'text', name: 'first_name', required: true }),
            textInput({ label: 'Age', inputType: 'number', name: 'age', required: true }),
            textBody(expr.text`Hello ${first}`),
            textBody(expr.text`${first} you are ${age} years old.`),
            footer('Footer', complete()),
          ],
        }),
      ],
    });
    expect(built).toEqual(unpad(loadFixture('pywa_v6_0__string_concatenation.json')));
  });

  it('pywa_v6_0__math_operators: math inside text', () => {
    const [a, b] = [ref.data('number_1'), ref.data('number_2')];
    const built = flow({
      version: '6.0',
      screens: [
        screen('DEMO_SCREEN', {
          title: 'Demo Screen',
          terminal: true,
          success: true,
          data: { number_1: field.number(10), number_2: field.number(20) },
          children: [
            textBody([
              expr.text`The sum of ${a} and ${b} is ${expr.add(a, b)}`,
              expr.text`The difference of ${a} and ${b} is ${expr.sub(a, b)}`,
              expr.text`The product of ${a} and ${b} is ${expr.mul(a, b)}`,
              expr.text`The division of ${a} by ${b} is ${expr.div(a, b)}`,
            ]),
            terminalFooter,
          ],
        }),
      ],
    });
    expect(built).toEqual(unpad(loadFixture('pywa_v6_0__math_operators.json')));
  });

  it('pywa_v4_0__if: an If condition, written without backticks', () => {
    const built = flow({
      version: '4.0',
      screens: [
        screen('SCREEN', {
          title: 'Welcome',
          terminal: true,
          success: true,
          data: { value: field.boolean(true) },
          children: [
            textInput({ label: 'Animal', name: 'animal', helperText: 'Type: cat' }),
            ifElse(
              expr.and(ref.data('value'), expr.eq(ref.form('animal'), 'cat')),
              [textHeading('It is a cat')],
              [textHeading('It is not a cat')],
            ),
            footer('Complete', complete()),
          ],
        }),
      ],
    });
    expect(built).toEqual(loadFixture('pywa_v4_0__if.json'));
    expect(hasErrors(validateFlowJson(built))).toBe(false);
  });

  it('pywa_v4_0__forward_refs: a global reference in an If condition', () => {
    const insurance = ref.screen('SELECT_INSURANCE').form('insurance');
    const built = ifElse(expr.neq(insurance, ''), [switchOn(insurance, {})]);
    expect(built.condition).toBe("(${screen.SELECT_INSURANCE.form.insurance} != '')");
    expect(JSON.stringify(loadFixture('pywa_v4_0__forward_refs.json'))).toContain(JSON.stringify(built.condition));
  });

  it('pywa_v6_2__navigation_list: screen data in a concatenation', () => {
    const welcome = expr.text`${ref.data('first_name')}, we are excited you are joining our community of time travellers!`;
    expect(welcome).toBe("`${data.first_name} ', we are excited you are joining our community of time travellers!'`");
    expect(JSON.stringify(loadFixture('pywa_v6_2__navigation_list.json'))).toContain(JSON.stringify(welcome));
  });
});

describe('flows built with expressions', () => {
  const build = (version: '5.1' | '7.3', extra = expr.gte(ref.form('age'), 18)) =>
    flow({
      version,
      screens: [
        screen('ABOUT', {
          title: 'About you',
          data: { city: field.string('Paris'), guardian: field.boolean(false) },
          children: [
            textInput({ name: 'name', label: 'Name', required: true }),
            textInput({ name: 'age', label: 'Age', inputType: 'number', required: expr.neq(ref.data('city'), '') }),
            textBody(expr.text`Hello ${ref.form('name')} from ${ref.data('city')}`, { visible: extra }),
            ifElse(
              expr.or(expr.not(ref.data('guardian')), expr.lt(ref.form('age'), 18)),
              [footer('Ask a parent', navigate('DONE', { who: ref.form('name') }))],
              [footer('Continue', navigate('DONE', { who: ref.form('name') }))],
            ),
          ],
        }),
        screen('DONE', {
          title: 'Done',
          terminal: true,
          data: { who: field.string('Jane') },
          children: [
            textHeading(expr.text`Thanks, ${ref.data('who')}`),
            textBody(expr.text`Age next year: ${expr.add(ref.screen('ABOUT').form('age'), 1)}`),
            footer('Close', complete({ who: ref.data('who') })),
          ],
        }),
      ],
    });

  it('validate with no findings on 7.3', () => {
    expect(validateFlowJson(build('7.3'))).toEqual([]);
  });

  it('have an undeclared form field inside an expression flagged', () => {
    const findings = validateFlowJson(build('7.3', expr.gte(ref.form('agee'), 18)));
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'INVALID_SCREEN_DYNAMIC_DATA',
        severity: 'error',
        path: 'screens[0].layout.children[2].visible',
      }),
    ]);
  });

  it('have an undeclared field of another screen flagged', () => {
    const wrong = expr.eq(ref.screen('DONE').data('nope'), 'x');
    expect(validateFlowJson(build('7.3', wrong))).toEqual([
      expect.objectContaining({ code: 'INVALID_SCREEN_DATA', severity: 'error' }),
    ]);
  });

  it('get the 6.0 gate of nested expressions from the validator, not the bare If condition', () => {
    const findings = validateFlowJson(build('5.1'));
    const gated = findings.filter((f) => f.message.includes('require Flow JSON 6.0'));
    expect(gated.map((f) => f.path)).toEqual([
      'screens[0].layout.children[1].required',
      'screens[0].layout.children[2].text',
      'screens[0].layout.children[2].visible',
      'screens[1].layout.children[0].text',
      'screens[1].layout.children[1].text',
    ]);
    expect(findings.some((f) => f.path.endsWith('.condition'))).toBe(false);
  });
});

describe('expr refuses', () => {
  it('string literals SPEC E.7 gives no way to escape', () => {
    for (const text of ["it's", 'a`b', 'back\\slash', 'cost ${x}']) {
      const error = thrown(FlowExpressionError, () => expr.concat(text));
      expect(error.code).toBe('flowgate.flow.expression_invalid');
    }
  });

  it('numbers without a plain decimal form, and literals where a reference is needed', () => {
    thrown(FlowExpressionError, () => expr.gt(ref.form('n'), Number.NaN));
    thrown(FlowExpressionError, () => expr.gt(ref.form('n'), 1e21));
    thrown(FlowExpressionError, () => expr.gt(ref.form('n'), 'ten' as unknown as NumberOperand));
    thrown(FlowExpressionError, () => expr.and('${data.a} and ${data.b}', '${data.c}'));
  });

  it('mismatched types at compile time, while untyped strings still fit', () => {
    const untyped: BooleanOrDynamic[] = [true, '${form.ok}', '`(${form.n} == 1)`', expr.eq(ref.form('n'), 1)];
    expect(untyped).toHaveLength(4);
    const rejected = (): unknown[] => [
      // @ts-expect-error a string expression is not a boolean
      textBody('x', { visible: expr.text`a` }),
      // @ts-expect-error a number expression is not a boolean
      ifElse(expr.add(1, 2), [textBody('x')]),
      // @ts-expect-error not(…) only fits an If condition
      textBody('x', { visible: expr.not(ref.data('x')) }),
      // @ts-expect-error a boolean expression is not text
      textBody(expr.eq(ref.data('x'), 1)),
      // @ts-expect-error == compares operands of the same type
      expr.eq(expr.text`a`, 1),
      // @ts-expect-error < compares numbers
      expr.lt(ref.form('n'), 'ten'),
      // @ts-expect-error no string literals where a boolean is expected
      expr.and('yes', ref.data('x')),
      // @ts-expect-error a boolean expression is not a label
      textInput({ name: 'n', label: expr.eq(ref.data('x'), 1) }),
      // @ts-expect-error nor a Footer label
      footer(expr.not(ref.data('x')), complete()),
      // @ts-expect-error a name is never an expression (SPEC E.7)
      textInput({ name: expr.text`a`, label: 'Name' }),
      // @ts-expect-error nor the screen a navigate goes to
      navigate(expr.text`NEXT`),
    ];
    // Text and number expressions are labels like any text.
    expect(textInput({ name: 'n', label: expr.concat('Hi ', ref.data('who')) }).label).toMatch(/^`/);
    expect(typeof rejected).toBe('function');
  });
});
