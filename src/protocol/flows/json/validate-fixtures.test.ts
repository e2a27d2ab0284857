// Every Flow JSON in the shared fixtures (Meta's examples and pywa's copies of them, versions 2.1 to
// 7.2) validates without errors, except the ones listed here with the documented rule they break.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasErrors, summarizeFindings, validateFlowJson } from './validate.js';

const DIR = new URL('../../../../../shared/protocol/fixtures/flow_json/', import.meta.url);

/** Fixtures Meta would reject, with the findings (errors only) they must produce. */
const KNOWN_INVALID: Record<string, { code: string; path: string }[]> = {
  // SPEC E.6 / E.8: a navigate target must be a screen of the flow. An item of the NavigationList
  // example goes to FOURTH_SCREEN, which the flow does not define.
  'pywa_v6_2__navigation_list.json': [
    {
      code: 'INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME',
      path: "screens[0].layout.children[0]['list-items'][2]['on-click-action'].next.name",
    },
  ],
};

/** Documented limits Meta's own examples exceed, kept as warnings (the rule stays visible). */
const KNOWN_WARNINGS: Record<string, { code: string; path: string }[]> = {
  // EmbeddedLink text is limited to 25 characters (SPEC E.5); Meta's Sign-in template uses 30.
  'pywa_v2_1__sign_in.json': [
    { code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].layout.children[0].children[2].text' },
  ],
};

const files = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();

function load(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, DIR), 'utf8'));
}

describe('Flow JSON fixtures', () => {
  it('finds the fixture folder', () => {
    expect(files.length).toBeGreaterThanOrEqual(38);
    for (const name of [...Object.keys(KNOWN_INVALID), ...Object.keys(KNOWN_WARNINGS)]) expect(files).toContain(name);
  });

  it.each(files)('%s', (name) => {
    const findings = validateFlowJson(load(name));
    const errors = findings.filter((finding) => finding.severity === 'error');
    const warnings = findings.filter((finding) => finding.severity === 'warning');
    const expected = KNOWN_INVALID[name];
    if (expected === undefined) {
      expect(hasErrors(findings), summarizeFindings(findings)).toBe(false);
    } else {
      expect(errors.map(({ code, path }) => ({ code, path }))).toEqual(expected);
    }
    expect(warnings.map(({ code, path }) => ({ code, path }))).toEqual(KNOWN_WARNINGS[name] ?? []);
  });

  it('accepts the JSON text as well as the parsed object', () => {
    const text = readFileSync(new URL('pywa_v4_0__if.json', DIR), 'utf8');
    expect(validateFlowJson(text)).toEqual([]);
    expect(validateFlowJson('{"version": "7.3",')).toMatchObject([{ code: 'INVALID_FLOW_JSON', path: '' }]);
    expect(validateFlowJson([])).toMatchObject([{ code: 'INVALID_FLOW_JSON', path: '' }]);
  });
});
