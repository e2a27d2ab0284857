// A flow author's backtracking TextInput pattern against a customer's value: the check is decided on a
// worker with a time bound, so the catastrophic case is refused (fail closed) instead of freezing the
// endpoint, ordinary values get the same answer JavaScript gives; the endpoint logs the field, never the value.

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { FlowJson } from '../protocol/index.js';
import { PatternSandbox } from './pattern-sandbox.js';
import { flowOf } from './single-screen-flow.test-util.js';
import { validateSubmission } from './validate-input.js';
import { patternSandbox } from './validate-input-rules.js';

const NAME = '^([A-Za-z]+\\s?)+$';

function flowWith(pattern: string): FlowJson {
  const input = { type: 'TextInput', name: 'full_name', label: 'Name', 'helper-text': 'Letters', pattern };
  return flowOf('7.3', [input], { full_name: '${form.full_name}' });
}

const codes = (pattern: string, value: string) =>
  validateSubmission(flowWith(pattern), 'S', { full_name: value }).map((e) => e.code);

describe('TextInput pattern with catastrophic backtracking', () => {
  // A timeout replaces the worker; later checks wait until the replacement is up.
  beforeEach(async () => {
    expect(await patternSandbox.whenReady()).toBe(true);
  });

  it('accepts values the pattern matches and rejects quick mismatches as before', () => {
    expect(codes(NAME, 'Grace Brewster Murray Hopper')).toEqual([]);
    expect(codes(NAME, 'a'.repeat(79))).toEqual([]);
    expect(codes(NAME, 'R2 D2')).toEqual(['pattern_mismatch']);
  });

  it('keeps JavaScript semantics: backreferences, lookahead, Unicode properties', () => {
    expect(codes('^(\\w)\\1+$', 'aaa')).toEqual([]);
    expect(codes('^(\\w)\\1+$', 'aab')).toEqual(['pattern_mismatch']);
    expect(codes('^(?=.*\\d)[A-Za-z\\d]{8,}$', 'password1')).toEqual([]);
    expect(codes('^(?=.*\\d)[A-Za-z\\d]{8,}$', 'password')).toEqual(['pattern_mismatch']);
    expect(codes('^\\p{Lu}\\p{Ll}+$', 'Émile')).toEqual([]);
  });

  it('refuses a value whose check backtracks for too long', () => {
    // ~0.5 s on the calling thread (×2 per added letter); unguarded, this would answer
    // pattern_mismatch late and fail here rather than hang.
    const evil = 'Zebediah'.repeat(3) + 'Ze!';
    const errors = validateSubmission(flowWith(NAME), 'S', { full_name: evil });
    expect(errors).toEqual([
      {
        field: 'full_name',
        label: 'Name',
        key: 'full_name',
        code: 'pattern_unchecked',
        message: 'This value could not be checked; enter it in the format shown',
      },
    ]);
  }, 10_000);

  it('refuses a value too long to run a pattern on', () => {
    const flow = flowWith('^a+$');
    const screen = flow.screens[0]!;
    (screen.layout.children[0] as unknown as Record<string, unknown>)['max-chars'] = 10_000;
    expect(validateSubmission(flow, 'S', { full_name: 'a'.repeat(5000) }).map((e) => e.message)).toEqual([
      'Enter at most 4096 characters',
    ]);
  });
});

describe('PatternSandbox', () => {
  const sandbox = new PatternSandbox({ budgetMs: 5 });
  afterAll(() => sandbox.close());

  it('terminates a runaway match and goes on with its spare; unavailable only once both are gone', async () => {
    const evil = 'a'.repeat(50) + '!';
    expect(await sandbox.whenReady()).toBe(true);
    expect(sandbox.test('^(a+)+$', 'u', evil)).toBe('timeout');
    // The spare, booted ahead, took over: other checks go on at once.
    expect(sandbox.test('^a$', '', 'a')).toBe('match');
    // A second runaway before a new spare is up leaves none ready: checks fail closed until one boots.
    expect(sandbox.test('^(a+)+$', 'u', evil)).toBe('timeout');
    expect(sandbox.test('^a$', '', 'a')).toBe('unavailable');
    expect(await sandbox.whenReady()).toBe(true);
    expect(sandbox.test('^a$', '', 'a')).toBe('match');
    expect(sandbox.test('^a$', '', 'b')).toBe('mismatch');
  }, 10_000);

  it('reports an engine failure instead of a verdict', async () => {
    expect(await sandbox.whenReady()).toBe(true);
    expect(sandbox.test('(', '', 'x')).toBe('failed');
  });
});
