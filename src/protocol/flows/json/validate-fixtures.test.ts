// Every Flow JSON in the shared fixtures (Meta's examples and pywa's copies of them, versions 2.1 to
// 7.2) validates without errors, except the ones listed here with the documented rule they break;
// the only warnings are the listed ones and the frozen-version notice (SPEC E.9).

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
    // SPEC E.6 / E.2: a navigate payload must match the next screen's data types. Another item
    // sends `"first_name": true` to FIFTH_SCREEN, which declares first_name as a string.
    {
      code: 'INVALID_NAVIGATE_ACTION_PAYLOAD',
      path: "screens[0].layout.children[0]['list-items'][4]['on-click-action'].payload.first_name",
    },
  ],
};

/** SPEC E.9: 2.1, 3.0, 3.1 and 4.0 frozen Apr 8 2025, 5.0 Sep 10 2025 (publishing new flows stops). */
const FROZEN = new Set(['2.1', '3.0', '3.1', '4.0', '5.0']);

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
    const version = (load(name) as { version?: unknown }).version;
    const frozen = typeof version === 'string' && FROZEN.has(version);
    const expectedWarnings = [
      ...(frozen ? [{ code: 'UNAVAILABLE_FLOW_JSON_VERSION', path: 'version' }] : []),
      ...(KNOWN_WARNINGS[name] ?? []),
    ];
    expect(warnings.map(({ code, path }) => ({ code, path }))).toEqual(expectedWarnings);
  });

  it('accepts the JSON text as well as the parsed object', () => {
    const text = readFileSync(new URL('pywa_v6_0__open_url.json', DIR), 'utf8');
    expect(validateFlowJson(text)).toEqual([]);
    expect(validateFlowJson('{"version": "7.3",')).toMatchObject([{ code: 'INVALID_FLOW_JSON', path: '' }]);
    expect(validateFlowJson([])).toMatchObject([{ code: 'INVALID_FLOW_JSON', path: '' }]);
  });
});
