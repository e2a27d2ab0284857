// The validator is total: hostile or half-broken documents produce findings, never exceptions.
// Random but seeded replacements of nodes in real fixtures keep the run reproducible.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFixture } from './fixture-util.test-util.js';
import { validateFlowJson } from './validate.js';

const DIR = new URL('../../../../../shared/protocol/fixtures/flow_json/', import.meta.url);
const SMALL = readdirSync(DIR)
  .filter((name) => name.endsWith('.json') && !name.includes('_endpoint'))
  .sort();

const REPLACEMENTS: unknown[] = [
  null,
  42,
  -1,
  'x',
  '',
  [],
  {},
  true,
  '${data.zz}',
  '${screen.A.form.b}',
  { type: 'Footer' },
  { type: 'If', then: 5, else: 'x' },
  { type: 'Switch', cases: [] },
  { name: 'navigate', next: 7, payload: [] },
  [{ type: 42 }, null, 'text'],
  // An object with no prototype: String() of it throws.
  { type: Object.create(null) as unknown },
  Object.create(null) as unknown,
];

/** Mulberry32: a tiny deterministic PRNG. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every container (object or array) with its keys, so one child can be replaced. */
function containers(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push([value, index]);
      containers(item, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(record)) {
      out.push([record, key]);
      containers(item, out);
    }
  }
  return out;
}

describe('validateFlowJson robustness', () => {
  it.each([null, undefined, 0, 'null', '[]', '{}', [], { screens: 'x' }, { version: 7.3, screens: [null, 1, {}] }])(
    'reports instead of throwing for %j',
    (input) => {
      const findings = validateFlowJson(input);
      expect(findings.length).toBeGreaterThan(0);
    },
  );

  it('survives 600 random node replacements in the fixtures', () => {
    const next = random(20250611);
    for (let round = 0; round < 600; round++) {
      const name = SMALL[Math.floor(next() * SMALL.length)]!;
      const doc = loadFixture(name);
      const slots = containers(doc);
      for (let edits = 0; edits < 3; edits++) {
        const [holder, key] = slots[Math.floor(next() * slots.length)]!;
        const value = structuredClone(REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)]);
        if (Array.isArray(holder) && typeof key === 'number') holder[key] = value;
        else if (!Array.isArray(holder) && typeof key === 'string') holder[key] = value;
      }
      const findings = validateFlowJson(doc);
      for (const finding of findings) {
        expect(typeof finding.code).toBe('string');
        expect(['error', 'warning']).toContain(finding.severity);
        expect(typeof finding.path).toBe('string');
      }
    }
  });
});

describe('validateFlowJson on documents no Flow JSON can be', () => {
  const screenWith = (children: unknown[]) => ({
    version: '7.3',
    screens: [{ id: 'A', terminal: true, layout: { type: 'SingleColumnLayout', children } }],
  });

  it('takes a component whose type is an object with no prototype as a finding', () => {
    const doc = loadFixture(SMALL[0] ?? '');
    const children = (doc.screens as { layout: { children: unknown[] } }[])[0]?.layout.children ?? [];
    children.unshift({ type: Object.create(null) as unknown });
    const findings = validateFlowJson(doc);
    expect(findings.some((f) => f.code === 'INVALID_PROPERTY_TYPE' && f.path.endsWith('children[0].type'))).toBe(true);
  });

  it('refuses nesting deeper than 64 levels with one finding, given as text or as an object', () => {
    let text = '{"type":"TextBody","text":"x"}';
    for (let i = 0; i < 5_000; i++) text = `{"type":"If","condition":"\${data.a}","then":[${text}]}`;
    const document = `{"version":"7.3","screens":[{"id":"A","terminal":true,"layout":{"type":"SingleColumnLayout","children":[${text}]}}]}`;
    for (const input of [document, JSON.parse(document) as unknown]) {
      const findings = validateFlowJson(input);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        code: 'INVALID_FLOW_JSON',
        message: expect.stringMatching(/deeper than 64/) as unknown,
      });
      expect(findings[0]?.path).toMatch(/^screens\[0\]\.layout\.children\[0\](\.then\[0\])+/);
    }
  });

  it('refuses a cycle and values JSON cannot hold, naming where', () => {
    const form: Record<string, unknown> = { type: 'Form', name: 'f' };
    form.children = [form];
    expect(validateFlowJson(screenWith([form]))).toEqual([
      {
        code: 'INVALID_FLOW_JSON',
        severity: 'error',
        message: 'Flow JSON cannot contain itself (a cycle).',
        path: 'screens[0].layout.children[0].children[0]',
      },
    ]);
    expect(validateFlowJson({ ...screenWith([]), version: 73n })).toEqual([
      {
        code: 'INVALID_FLOW_JSON',
        severity: 'error',
        message: 'Flow JSON cannot hold a bigint value.',
        path: 'version',
      },
    ]);
    // A chain of objects each shared by two keys has 2^40 paths: it is walked per object, not per path.
    let shared: Record<string, unknown> = { type: 'TextBody', text: 'deep' };
    for (let i = 0; i < 40; i++) shared = { x: shared, y: shared };
    expect(validateFlowJson({ ...screenWith([]), extra: shared })).toEqual([
      expect.objectContaining({ code: 'INVALID_FLOW_JSON', message: expect.stringMatching(/written out/) as unknown }),
    ]);
    // The same object twice (not a cycle) is fine.
    const text = { type: 'TextBody', text: 'Hi' };
    const footer = { type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: {} } };
    expect(validateFlowJson(screenWith([text, text, footer]))).toEqual([]);
  });

  it('checks a routing chain of 5,000 screens without running out of stack', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => `S${String(i)}`);
    const screens = ids.map((id, i) => ({
      id,
      ...(i === ids.length - 1 ? { terminal: true } : {}),
      layout: {
        type: 'SingleColumnLayout',
        children:
          i === ids.length - 1
            ? [{ type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: {} } }]
            : [{ type: 'TextBody', text: 'x' }],
      },
    }));
    const routing = Object.fromEntries(ids.map((id, i) => [id, i === ids.length - 1 ? [] : [ids[i + 1]]]));
    const findings = validateFlowJson({ version: '7.3', data_api_version: '3.0', routing_model: routing, screens });
    expect(findings.map((f) => f.code)).toContain('MAX_SCREENS_NUMBER');
  });
});
