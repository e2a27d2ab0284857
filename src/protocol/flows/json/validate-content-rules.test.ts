// Content rules of SPEC E.5/E.9 checked on small hand-made screens: a Footer only at the first level of
// an If, a NavigationList action on the component or its items (not both), ChipsSelector's
// on-unselect-action only from 7.1, the image size limits of options and list items, and `${…}` that is
// no reference shape at all.

import { describe, expect, it } from 'vitest';
import { validateFlowJson } from './validate.js';

type Doc = Record<string, unknown>;

const done: Doc = { type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: {} } };
const flag = { a: { type: 'boolean', __example__: true }, b: { type: 'boolean', __example__: true } };

function oneScreen(version: string, children: unknown[], data: Doc = {}): Doc {
  return {
    version,
    screens: [{ id: 'A', title: 'A', terminal: true, data, layout: { type: 'SingleColumnLayout', children } }],
  };
}

const errors = (doc: Doc) =>
  validateFlowJson(doc)
    .filter((finding) => finding.severity === 'error')
    .map(({ code, path }) => ({ code, path }));

/** base64 text that decodes to `kb` KB. */
const image = (kb: number): string => Buffer.alloc(kb * 1024, 1).toString('base64');

describe('content rules', () => {
  it('a Footer inside a nested If is refused; at the first level it is fine', () => {
    const nested = { type: 'If', condition: '${data.b}', then: [done], else: [done] };
    expect(
      errors(oneScreen('7.3', [{ type: 'If', condition: '${data.a}', then: [nested], else: [done] }], flag)),
    ).toEqual([
      { code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].layout.children[0].then[0].then[0].type' },
      { code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].layout.children[0].then[0].else[0].type' },
    ]);
    expect(
      errors(oneScreen('7.3', [{ type: 'If', condition: '${data.a}', then: [done], else: [done] }], flag)),
    ).toEqual([]);
  });

  it("an If condition's empty parentheses count outside string literals only", () => {
    const input = { type: 'TextInput', name: 'code', label: 'Code' };
    const shown = { type: 'TextBody', text: 'Typed' };
    const withCondition = (condition: string) =>
      errors(oneScreen('7.3', [input, { type: 'If', condition, then: [shown] }, done]));
    expect(withCondition("${form.code} == '()'")).toEqual([]);
    expect(withCondition('${form.code} == "( )"')).toEqual([]);
    expect(withCondition("() && ${form.code} == '()'")).toEqual([
      { code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].layout.children[1].condition' },
    ]);
  });

  it('a NavigationList has its on-click-action on the component or on its items, not both; item images ≤ 100 KB', () => {
    const go = { name: 'data_exchange', payload: {} };
    const list = (withListAction: boolean, imageKb = 1) => ({
      version: '7.3',
      data_api_version: '3.0',
      routing_model: { MENU: ['A'], A: [] },
      screens: [
        {
          id: 'MENU',
          title: 'Menu',
          layout: {
            type: 'SingleColumnLayout',
            children: [
              {
                type: 'NavigationList',
                name: 'menu',
                ...(withListAction ? { 'on-click-action': go } : {}),
                'list-items': [
                  { id: 'x', 'main-content': { title: 'X' }, 'on-click-action': go },
                  { id: 'y', 'main-content': { title: 'Y' }, start: { image: image(imageKb) }, 'on-click-action': go },
                ],
              },
            ],
          },
        },
        { id: 'A', title: 'A', terminal: true, layout: { type: 'SingleColumnLayout', children: [done] } },
      ],
    });
    expect(errors(list(false))).toEqual([]);
    // A list item image may be 100 KB.
    expect(errors(list(false, 100))).toEqual([]);
    expect(errors(list(false, 101))).toEqual([
      { code: 'INVALID_PROPERTY_VALUE', path: "screens[0].layout.children[0]['list-items'][1].start.image" },
    ]);
    expect(errors(list(true))).toEqual([
      { code: 'INVALID_PROPERTY_KEY', path: "screens[0].layout.children[0]['list-items'][0]['on-click-action']" },
      { code: 'INVALID_PROPERTY_KEY', path: "screens[0].layout.children[0]['list-items'][1]['on-click-action']" },
    ]);
  });

  it("ChipsSelector's on-unselect-action needs 7.1, on the component and on its options", () => {
    const update = { name: 'update_data', payload: { picked: true } };
    const chips = (version: string) =>
      oneScreen(
        version,
        [
          {
            type: 'ChipsSelector',
            name: 'tags',
            label: 'Tags',
            'on-unselect-action': update,
            'data-source': [
              { id: 'a', title: 'A', 'on-unselect-action': update },
              { id: 'b', title: 'B' },
            ],
          },
          done,
        ],
        { picked: { type: 'boolean', __example__: false } },
      );
    expect(errors(chips('7.1'))).toEqual([]);
    expect(errors(chips('6.3'))).toEqual([
      { code: 'INVALID_PROPERTY_KEY', path: "screens[0].layout.children[0]['on-unselect-action']" },
      { code: 'INVALID_PROPERTY_KEY', path: "screens[0].layout.children[0]['data-source'][0]['on-unselect-action']" },
    ]);
  });

  it('option images are limited to 300 KB before 6.0 and 100 KB from 6.0', () => {
    const radio = (version: string, kb: number) =>
      oneScreen(version, [
        {
          type: 'RadioButtonsGroup',
          name: 'pick',
          label: 'Pick',
          'data-source': [{ id: 'a', title: 'A', image: image(kb) }],
        },
        done,
      ]);
    const path = "screens[0].layout.children[0]['data-source'][0].image";
    expect(errors(radio('5.0', 200))).toEqual([]);
    expect(errors(radio('5.0', 301))).toEqual([{ code: 'INVALID_PROPERTY_VALUE', path }]);
    expect(errors(radio('6.0', 100))).toEqual([]);
    expect(errors(radio('6.0', 101))).toEqual([{ code: 'INVALID_PROPERTY_VALUE', path }]);
  });

  it('a ${…} that is none of the reference shapes is refused', () => {
    const texts = ['${screen.B.foo.x}', '${screen.B.form}', '${foo.x}', 'Hello ${data}', '${data.a} and ${data.a}'];
    const doc = oneScreen('7.3', [...texts.map((text) => ({ type: 'TextBody', text })), done], {
      a: { type: 'string', __example__: 'x' },
    });
    expect(errors(doc)).toEqual(
      [0, 1, 2, 3].map((i) => ({ code: 'INVALID_SCREEN_DYNAMIC_DATA', path: `screens[0].layout.children[${i}].text` })),
    );
  });

  it('a loop in the routing Meta derives from navigate actions (no routing_model) is a warning', () => {
    const go = (to: string) => ({ name: 'navigate', next: { type: 'screen', name: to }, payload: {} });
    const step = (id: string, kids: unknown[]) => ({
      id,
      title: id,
      layout: { type: 'SingleColumnLayout', children: kids },
    });
    const doc = {
      version: '7.3',
      screens: [
        step('A', [{ type: 'Footer', label: 'Next', 'on-click-action': go('B') }]),
        step('B', [{ type: 'Footer', label: 'Next', 'on-click-action': go('C') }]),
        step('C', [
          { type: 'EmbeddedLink', text: 'Change', 'on-click-action': go('B') },
          { type: 'EmbeddedLink', text: 'More', 'on-click-action': go('E') },
          { type: 'Footer', label: 'Next', 'on-click-action': go('D') },
        ]),
        step('E', [{ type: 'Footer', label: 'Next', 'on-click-action': go('F') }]),
        step('F', [{ type: 'Footer', label: 'Next', 'on-click-action': go('E') }]),
        { ...step('D', [done]), terminal: true },
      ],
    };
    const findings = validateFlowJson(doc);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.map(({ code, severity, path }) => ({ code, severity, path }))).toEqual([
      // Each at the screen whose navigate goes back.
      { code: 'INVALID_ROUTING_MODEL', severity: 'warning', path: 'screens[2]' },
      { code: 'INVALID_ROUTING_MODEL', severity: 'warning', path: 'screens[4]' },
    ]);
    expect(findings[0]?.message).toMatch(/Backward route \[C -> B\].*derived from navigate actions/);
  });

  it('from 7.0 init values and error messages are type-checked; unknown Form keys are refused', () => {
    const inputs = (initValues: boolean) => [
      { type: 'CheckboxGroup', name: 'c', label: 'C', 'data-source': [{ id: 'a', title: 'A' }] },
      { type: 'OptIn', name: 'o', label: 'O', ...(initValues ? { 'init-value': 'yes' } : {}) },
      { type: 'TextInput', name: 't', label: 'T', ...(initValues ? { 'init-value': 5 } : {}) },
      {
        type: 'CalendarPicker',
        name: 'r',
        label: 'R',
        mode: 'range',
        ...(initValues ? { 'init-value': { 'start-date': '2026-01-01' } } : {}),
      },
      done,
    ];
    const inForm = (version: string) =>
      oneScreen(version, [
        {
          type: 'Form',
          name: 'f',
          'init-values': { c: 'a', o: ['x'], t: 'ok', r: { 'start-date': '2026-01-01', 'end-date': 3 }, nope: 'x' },
          'error-messages': { c: 5, t: 'Too short' },
          children: inputs(false),
        },
      ]);
    const form = 'screens[0].layout.children[0]';
    const formFindings = [
      { code: 'INVALID_PROPERTY_TYPE', path: `${form}['init-values'].c` },
      { code: 'INVALID_PROPERTY_TYPE', path: `${form}['init-values'].o` },
      { code: 'INVALID_PROPERTY_TYPE', path: `${form}['init-values'].r` },
      { code: 'INVALID_PROPERTY_KEY', path: `${form}['init-values'].nope` },
      { code: 'INVALID_PROPERTY_TYPE', path: `${form}['error-messages'].c` },
    ];
    expect(errors(inForm('7.0'))).toEqual(formFindings);
    expect(errors(oneScreen('7.0', inputs(true)))).toEqual([
      { code: 'INVALID_PROPERTY_TYPE', path: "screens[0].layout.children[1]['init-value']" },
      { code: 'INVALID_PROPERTY_TYPE', path: "screens[0].layout.children[2]['init-value']" },
    ]);
    // Before 7.0 Meta does not type-check them: the same findings, as warnings.
    expect(errors(inForm('6.3'))).toEqual([]);
    expect(
      validateFlowJson(inForm('6.3'))
        .filter((f) => f.severity === 'warning')
        .map(({ code, path }) => ({ code, path })),
    ).toEqual(formFindings);
  });

  it('an entry of a component list that is not an object is refused where it is', () => {
    const doc = oneScreen(
      '7.3',
      [
        null,
        5,
        'x',
        { type: 'If', condition: '${data.a}', then: [null], else: [{ type: 'TextBody', text: 'b' }] },
        done,
      ],
      flag,
    );
    expect(errors(doc)).toEqual([
      { code: 'INVALID_PROPERTY_TYPE', path: 'screens[0].layout.children[0]' },
      { code: 'INVALID_PROPERTY_TYPE', path: 'screens[0].layout.children[1]' },
      { code: 'INVALID_PROPERTY_TYPE', path: 'screens[0].layout.children[2]' },
      { code: 'INVALID_PROPERTY_TYPE', path: 'screens[0].layout.children[3].then[0]' },
    ]);
  });

  it('a component name is a plain string, not an expression (SPEC E.7)', () => {
    const named = (name: string) =>
      oneScreen('7.3', [{ type: 'TextInput', name, label: 'Name' }, done], {
        field: { type: 'string', __example__: 'x' },
      });
    expect(errors(named('full_name'))).toEqual([]);
    for (const name of ['${data.field}', '`x`'])
      expect(errors(named(name))).toEqual([
        { code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].layout.children[0].name' },
      ]);
  });
});
