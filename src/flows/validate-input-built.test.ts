// validateSubmission on small Flow JSON documents built for one rule each: input types,
// min/max chars, invalid patterns, TextArea length, static choices, selection counts, nested
// payload keys, which action sent the payload, and fields hidden, disabled or inside If/Switch.

import { describe, expect, it } from 'vitest';
import { validateFlowJson, type FlowJson } from '../protocol/index.js';
import { dynamicDataSources } from './data-sources.js';
import { FlowRegistry } from './definition.js';
import { carryFlow } from './carry-flow.test-util.js';
import { flowOf } from './single-screen-flow.test-util.js';
import { validateSubmission } from './validate-input.js';
import { echoedData } from './validate-input-map.js';

const input = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'TextInput',
  name,
  label: name,
  ...extra,
});
const messages = (flow: FlowJson, payload: Record<string, unknown>) =>
  validateSubmission(flow, 'S', payload).map((error) => `${error.field}: ${error.message}`);

describe('validateSubmission on built variants', () => {
  it('checks every TextInput input-type', () => {
    const flow = flowOf(
      '7.3',
      [
        input('n', { 'input-type': 'number' }),
        input('p', { 'input-type': 'phone' }),
        input('c', { 'input-type': 'passcode' }),
        input('pw', { 'input-type': 'password' }),
        input('t', { 'input-type': 'text' }),
        input('d', { 'input-type': 'date' }),
      ],
      { n: '${form.n}', p: '${form.p}', c: '${form.c}', pw: '${form.pw}', t: '${form.t}', d: '${form.d}' },
    );
    expect(
      messages(flow, { n: '-12.5', p: '+1 (555) 123-4567', c: '0042', pw: 'a b!', t: 'x', d: '2024-01-31' }),
    ).toEqual([]);
    expect(messages(flow, { n: 42, p: '', c: '', pw: '', t: '', d: '' })).toEqual([]);
    expect(messages(flow, { n: '4 2', p: 'call me', c: '12 34', pw: 'x', t: 'x', d: '31/01/2024' })).toEqual([
      'n: Enter a number',
      'p: Enter a valid phone number',
      'c: Enter digits only',
      'd: Enter a date as YYYY-MM-DD',
    ]);
    expect(messages(flow, { n: { value: 1 }, t: 7, pw: ['x'] })).toEqual([
      'n: Enter a valid value',
      'pw: Enter a valid value',
      't: Enter a valid value',
    ]);
  });

  it('checks min-chars and max-chars, counting characters not UTF-16 units', () => {
    const flow = flowOf('6.2', [input('code', { 'min-chars': 4, 'max-chars': 6, required: true })], {
      code: '${form.code}',
    });
    expect(validateFlowJson(flow).filter((f) => f.severity === 'error')).toEqual([]);
    expect(messages(flow, { code: 'abc' })).toEqual(['code: Enter at least 4 characters']);
    expect(messages(flow, { code: 'abcdefg' })).toEqual(['code: Enter at most 6 characters']);
    expect(messages(flow, { code: '👍👍👍👍👍👍' })).toEqual([]);
    expect(messages(flow, {})).toEqual(['code: Fill in this field']);
  });

  it('skips a pattern JavaScript cannot compile instead of rejecting everyone', () => {
    const flow = flowOf(
      '6.2',
      [
        input('a', { pattern: '(unclosed', 'helper-text': 'h' }),
        input('b', { pattern: '^\\p{Lu}+$', 'helper-text': 'h' }),
      ],
      { a: '${form.a}', b: '${form.b}' },
    );
    expect(messages(flow, { a: 'anything', b: 'ÉCOLE' })).toEqual([]);
    expect(messages(flow, { a: 'anything', b: 'école' })).toEqual(['b: Enter a value in the format shown']);
  });

  it('refuses characters no keyboard types, and takes a value of only zero-width characters as empty', () => {
    const flow = flowOf(
      '7.3',
      [input('name', { required: true }), { type: 'TextArea', name: 'notes', label: 'Notes' }],
      { name: '${form.name}', notes: '${form.notes}' },
    );
    const refused = ['name: Remove the special characters'];
    expect(messages(flow, { name: 'A\u0000da' })).toEqual(refused);
    expect(messages(flow, { name: 'file\u202Egnp.exe' })).toEqual(refused);
    expect(messages(flow, { name: 'bad\uD800' })).toEqual(refused);
    expect(messages(flow, { name: 'Zoë 😀 李 👨‍👩‍👧 🇧🇷 é' })).toEqual([]);
    // Marks, embeddings and isolates that Hebrew and Arabic keyboards type, and phones add to copied contacts.
    for (const typed of [
      'רחוב הרצל 12\u200F א',
      '\u061C١٢٣ شارع',
      '\u202A+972 50-123-4567\u202C',
      '\u2068محمد\u2069 Smith',
    ])
      expect(messages(flow, { name: typed }), typed).toEqual([]);
    expect(messages(flow, { name: '\u200B\u200B ' })).toEqual(['name: Fill in this field']);
    expect(messages(flow, { name: 'Ada', notes: 'line one\nline two\twith a tab' })).toEqual([]);
    expect(messages(flow, { name: 'Ada', notes: 'bell\u0007' })).toEqual(['notes: Remove the special characters']);
  });

  it('checks TextArea max-length, 600 by default', () => {
    const flow = flowOf(
      '7.3',
      [
        { type: 'TextArea', name: 'a', label: 'A' },
        { type: 'TextArea', name: 'b', label: 'B', 'max-length': 10 },
      ],
      {
        a: '${form.a}',
        b: '${form.b}',
      },
    );
    expect(messages(flow, { a: 'x'.repeat(600), b: 'y'.repeat(10) })).toEqual([]);
    expect(messages(flow, { a: 'x'.repeat(601), b: 'y'.repeat(11) })).toEqual([
      'a: Enter at most 600 characters',
      'b: Enter at most 10 characters',
    ]);
  });

  it('checks static Dropdown ids and CheckboxGroup selection counts', () => {
    const source = [
      { id: 'a', title: 'A' },
      { id: 'b', title: 'B' },
      { id: 'c', title: 'C' },
    ];
    const flow = flowOf(
      '7.3',
      [
        { type: 'Dropdown', name: 'd', label: 'D', 'data-source': source, required: true },
        {
          type: 'CheckboxGroup',
          name: 'g',
          label: 'G',
          'data-source': source,
          'min-selected-items': 2,
          'max-selected-items': 2,
        },
      ],
      { d: '${form.d}', g: '${form.g}' },
    );
    expect(messages(flow, { d: 'b', g: ['a', 'c'] })).toEqual([]);
    expect(messages(flow, { d: '', g: [] })).toEqual(['d: Choose an option']);
    expect(messages(flow, { d: 'z', g: ['a'] })).toEqual([
      'd: Choose an option from the list',
      'g: Choose at least 2 options',
    ]);
    expect(messages(flow, { d: ['a'], g: 'a' })).toEqual([
      'd: Choose an option from the list',
      'g: Choose options from the list',
    ]);
  });

  it('finds form references nested in objects and reports their payload key', () => {
    const flow = flowOf('7.3', [input('name', { required: true, 'max-chars': 3 })], {
      customer: { name: '${form.name}', source: 'footer' },
      screen: '${data.screen}',
    });
    expect(validateSubmission(flow, 'S', { customer: { name: 'Grace' }, screen: 'S' })).toEqual([
      { field: 'name', label: 'name', message: 'Enter at most 3 characters', code: 'too_long', key: 'customer.name' },
    ]);
    expect(validateSubmission(flow, 'S', { customer: 'oops' })).toEqual([
      { field: 'name', label: 'name', message: 'Fill in this field', code: 'required', key: 'customer.name' },
    ]);
  });

  it('uses the action whose payload matches: an on-select-action does not demand the whole form', () => {
    const flow = flowOf(
      '7.3',
      [
        {
          type: 'DatePicker',
          name: 'date',
          label: 'Date',
          'min-date': '2025-01-01',
          'on-select-action': { name: 'data_exchange', payload: { date: '${form.date}' } },
        },
        input('name', { required: true }),
        {
          type: 'EmbeddedLink',
          text: 'Check',
          'on-click-action': { name: 'data_exchange', payload: { check: '${form.name}', mode: 'link' } },
        },
      ],
      { date: '${form.date}', name: '${form.name}' },
    );
    expect(messages(flow, { date: '2025-02-01' })).toEqual([]);
    expect(messages(flow, { date: '2024-02-01' })).toEqual(['date: Choose a date on or after 2025-01-01']);
    expect(messages(flow, { date: '2025-02-01', name: '' })).toEqual(['name: Fill in this field']);
    expect(messages(flow, { check: '', mode: 'link' })).toEqual(['name: Fill in this field']);
    // Keys matching no action: judged as the Footer's submission, so dropping keys skips nothing.
    expect(messages(flow, { unrelated: 1 })).toEqual(['name: Fill in this field']);
  });

  it("checks every value the payload carries for a field, whichever action's keys it mostly matches", () => {
    const flow = flowOf(
      '7.3',
      [
        {
          type: 'Dropdown',
          name: 'dept',
          label: 'Department',
          'data-source': [
            { id: 'sales', title: 'Sales' },
            { id: 'support', title: 'Support' },
          ],
          'on-select-action': { name: 'data_exchange', payload: { dept: '${form.dept}', refresh: 'dept' } },
        },
        input('email', { required: true, 'input-type': 'email' }),
      ],
      { dept: '${form.dept}', email: '${form.email}' },
    );
    // The Dropdown's own request checks only its field…
    expect(messages(flow, { dept: 'sales', refresh: 'dept' })).toEqual([]);
    // …but a payload that adds the Footer's email to it (a tie the Dropdown's action would win) gets it checked.
    expect(messages(flow, { dept: 'sales', email: 'not an email', refresh: 'dept' })).toEqual([
      'email: Enter a valid email address',
    ]);
    expect(messages(flow, { dept: 'marketing', email: 'ada@example.com' })).toEqual([
      'dept: Choose an option from the list',
    ]);
  });

  it('checks a field under every key an action puts it, not only the first', () => {
    const flow = flowOf(
      '7.3',
      [
        input('email', { 'input-type': 'email' }),
        {
          type: 'EmbeddedLink',
          text: 'Check',
          'on-click-action': { name: 'data_exchange', payload: { lookup: '${form.email}', mode: 'link' } },
        },
      ],
      { email: '${form.email}' },
    );
    // The Footer sends the field as `email`, the link as `lookup`: a payload mixing both has each value checked,
    // so a handler reading either key never sees an unchecked one.
    expect(messages(flow, { email: 'ada@example.com', lookup: 'not an email' })).toEqual([
      'email: Enter a valid email address',
    ]);
    expect(validateSubmission(flow, 'S', { email: 'not an email', lookup: 'ada@example.com' })).toMatchObject([
      { field: 'email', key: 'email' },
    ]);
    expect(messages(flow, { email: 'ada@example.com', lookup: 'ada@example.com' })).toEqual([]);
  });

  it("checks values carried from another screen's form (${screen.S.form.x}) against that screen's component", () => {
    const flow = carryFlow(
      'FORM',
      [input('email', { required: true, 'input-type': 'email' }), { type: 'DatePicker', name: 'day', label: 'Day' }],
      { mail: '${screen.FORM.form.email}', day: '${screen.FORM.form.day}' },
    );
    const check = (payload: Record<string, unknown>) =>
      validateSubmission(flow, 'REVIEW', payload).map((e) => `${e.field}@${e.key}: ${e.code}`);
    expect(check({ mail: 'ada@example.com' })).toEqual([]);
    expect(check({ mail: 'not an address' })).toEqual(['email@mail: invalid_email']);
    expect(check({ mail: '' })).toEqual(['email@mail: required']);
    // Bounds the submitting screen's data set belong to its own fields, not to a namesake on another screen.
    const bounds = { constraints: { day: { minDate: '2030-01-01' } } };
    expect(validateSubmission(flow, 'REVIEW', { mail: 'ada@example.com', day: '2026-03-01' }, bounds)).toEqual([]);
  });

  it('a screen with an empty-payload action still checks a payload that action cannot have sent', () => {
    const flow = flowOf(
      '7.3',
      [
        input('name', { required: true }),
        { type: 'EmbeddedLink', text: 'Refresh', 'on-click-action': { name: 'data_exchange', payload: {} } },
      ],
      { name: '${form.name}' },
    );
    expect(messages(flow, {})).toEqual([]);
    expect(messages(flow, { renamed: 'x' })).toEqual(['name: Fill in this field']);
  });

  it('does not require fields that may be hidden, disabled or in an If/Switch branch, but checks their values', () => {
    const flow = flowOf(
      '7.3',
      [
        input('hidden', { required: true, visible: false }),
        input('off', { required: true, enabled: false }),
        input('dyn', { required: true, visible: '${data.show}' }),
        {
          type: 'If',
          condition: '${data.show}',
          then: [input('inIf', { required: true, 'max-chars': 2 })],
          else: [{ type: 'TextBody', text: 'none' }],
        },
        {
          type: 'Switch',
          value: '${data.kind}',
          cases: { a: [input('inSwitch', { required: true, 'input-type': 'email' })] },
        },
      ],
      {
        hidden: '${form.hidden}',
        off: '${form.off}',
        dyn: '${form.dyn}',
        inIf: '${form.inIf}',
        inSwitch: '${form.inSwitch}',
        greeting: "`'Hi ' ${form.dyn}`",
      },
    );
    expect(messages(flow, {})).toEqual([]);
    expect(messages(flow, { inIf: 'abc', inSwitch: 'nope', greeting: 'x'.repeat(500) })).toEqual([
      'inIf: Enter at most 2 characters',
      'inSwitch: Enter a valid email address',
    ]);
  });

  it('resolves a visible, enabled or required bound to the screen data it was shown with', () => {
    const flow = flowOf(
      '7.3',
      [
        input('shown', { required: true, visible: '${data.show}' }),
        input('usable', { required: true, enabled: '${data.on}' }),
        input('asked', { required: '${data.ask}' }),
      ],
      { shown: '${form.shown}', usable: '${form.usable}', asked: '${form.asked}' },
    );
    const check = (data: Record<string, unknown>) =>
      validateSubmission(flow, 'S', {}, { data }).map((error) => error.field);
    expect(check({ show: true, on: true, ask: true })).toEqual(['shown', 'usable', 'asked']);
    expect(check({ show: false, on: false, ask: false })).toEqual([]);
    // Not a boolean, or not there: the field may be hidden, so an empty value passes as before.
    expect(check({ show: 'yes' })).toEqual([]);
    expect(validateSubmission(flow, 'S', {}).map((error) => error.field)).toEqual([]);
  });

  it('names documents for a DocumentPicker', () => {
    const flow = flowOf(
      '7.3',
      [
        {
          type: 'DocumentPicker',
          name: 'docs',
          label: 'Docs',
          'min-uploaded-documents': 2,
          'max-uploaded-documents': 3,
        },
      ],
      { docs: '${form.docs}' },
    );
    expect(messages(flow, { docs: [] })).toEqual(['docs: Add at least 2 documents']);
  });
});

describe('validateSubmission on a registered flow (frozen, each screen walked once)', () => {
  it('keeps a frozen copy of the Flow JSON and answers the same on every call', () => {
    const json = flowOf('7.1', [input('name', { required: true, 'max-chars': 5 })], { name: '${form.name}' });
    const def = new FlowRegistry().define('frozen', { json });
    expect(def.json).not.toBe(json);
    expect(Object.isFrozen(def.json.screens[0])).toBe(true);
    expect(Object.isFrozen(json.screens[0])).toBe(false); // the caller's document is left alone
    for (let i = 0; i < 3; i++) {
      expect(messages(def.json, { name: 'toolong' })).toEqual([expect.stringMatching(/^name: /)]);
      expect(messages(def.json, { name: 'ok' })).toEqual([]);
      expect(messages(def.json, {}).map((m) => m.split(':')[0])).toEqual(['name']);
    }
  });
});

describe('dynamicDataSources', () => {
  const dropdown = { type: 'Dropdown', name: 'slot', label: 'Slot', 'data-source': '${data.slots}', required: true };
  const wrapped = { type: 'If', condition: '${data.show}', then: [dropdown], else: [] };

  it('reads each request’s offered options on a frozen flow, whose component walk it keeps', () => {
    const json = flowOf('7.1', [wrapped], { slot: '${form.slot}' });
    const option = { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } };
    Object.assign(json.screens[0] ?? {}, {
      data: {
        show: { type: 'boolean', __example__: true },
        slots: { type: 'array', items: option, __example__: [{ id: 'a', title: 'A' }] },
      },
    });
    const def = new FlowRegistry().define('slots', { json });
    expect(dynamicDataSources(def.json, 'S', { slots: [{ id: 'a' }, { id: 'b' }] })).toEqual({
      slot: [{ id: 'a' }, { id: 'b' }],
    });
    expect(dynamicDataSources(def.json, 'S', { slots: ['c'] })).toEqual({ slot: ['c'] });
    expect(dynamicDataSources(def.json, 'S', { slots: 'not a list' })).toEqual({});
    expect(dynamicDataSources(def.json, 'NOPE', { slots: ['c'] })).toEqual({});
  });

  it('walks an unfrozen flow anew, so a changed layout is seen', () => {
    const json = flowOf('7.1', [dropdown], { slot: '${form.slot}' });
    expect(dynamicDataSources(json, 'S', { slots: ['a'], days: ['mon'] })).toEqual({ slot: ['a'] });
    json.screens[0]?.layout.children.unshift({
      type: 'Dropdown',
      name: 'day',
      label: 'Day',
      'data-source': '${data.days}',
    } as never);
    expect(dynamicDataSources(json, 'S', { slots: ['a'], days: ['mon'] })).toEqual({ slot: ['a'], day: ['mon'] });
  });
});

describe('echoedData', () => {
  it("reads back the screen's own data the sending action echoes, only declared primitives of their type", () => {
    const flow = flowOf('7.3', [input('name')], {
      name: '${form.name}',
      revision: '${data.revision}',
      count: '${data.count}',
      list: '${data.items}',
      literal: 'x',
    });
    const screen = flow.screens[0]!;
    screen.data = {
      revision: { type: 'string', __example__: 'r' },
      count: { type: 'number', __example__: 1 },
      items: { type: 'array', items: { type: 'string' }, __example__: [] },
    };
    expect(echoedData(screen, { name: 'Ada', revision: 'r-1', count: 2, list: ['a'], literal: 'x' })).toEqual({
      revision: 'r-1',
      count: 2,
    });
    // A value of another type than declared (or a key not sent) is not taken.
    expect(echoedData(screen, { name: 'Ada', revision: 5, count: '2' })).toEqual({});
  });
});
