// Registering flows: the name is checked (it is part of the URL), the Flow JSON is validated once and its
// errors are listed with code and path, a name is registered once, and an unknown name is a clear error.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowJson } from '../protocol/index.js';
import { FlowDefinitionError, FlowRegistry } from './definition.js';
import { thrown } from '../protocol/thrown.test-util.js';

const FIXTURE = new URL(
  '../../../shared/protocol/fixtures/flow_json/pywa_v2_1__customer_satisfaction_survey.json',
  import.meta.url,
);
const validJson = (): FlowJson => JSON.parse(readFileSync(FIXTURE, 'utf8')) as FlowJson;

const definitionError = (run: () => unknown): FlowDefinitionError => thrown(FlowDefinitionError, run);

describe('FlowRegistry', () => {
  it('registers a flow under a URL-safe name and finds it again', () => {
    const registry = new FlowRegistry();
    const def = registry.define('survey_2026-q4', { json: validJson() });
    expect(registry.get('survey_2026-q4')).toBe(def);
    expect(registry.require('survey_2026-q4')).toBe(def);
    expect(registry.names()).toEqual(['survey_2026-q4']);
    expect(registry.size).toBe(1);
  });

  it.each(['', 'Booking', 'book ing', 'book/ing', '-booking', 'x'.repeat(65), 'bookïng'])(
    'refuses the name %j: it is part of /flows/<name>',
    (name) => {
      const error = definitionError(() => new FlowRegistry().define(name, { json: validJson() }));
      expect(error.code).toBe('flowgate.flows.invalid_name');
      expect(error.message).toContain('must be 1–64 lower-case letters, digits, "-" or "_"');
    },
  );

  it('refuses a Flow JSON with errors, naming each with its code and path', () => {
    const json = validJson();
    const [first] = json.screens;
    if (first === undefined) throw new Error('fixture has no screens');
    const broken = { ...json, screens: [first, { ...first }, { ...first, id: 'SUCCESS' }] };
    const registry = new FlowRegistry();
    const error = definitionError(() => registry.define('survey', { json: broken }));
    expect(error.code).toBe('flowgate.flows.invalid_json');
    expect(error.message).toMatch(/^flow "survey" has an invalid Flow JSON: /);
    expect(error.message).toContain('DUPLICATE_SCREEN_IDS at screens[1].id: ');
    expect(error.message).toContain('SCREEN_ID_IS_RESERVED_KEYWORD at screens[2].id: ');
    // Seven errors in all (the broken routing follows from the duplicates); the message names the first five.
    expect(error.message.match(/\b[A-Z_]+ at screens/g)).toHaveLength(5);
    expect(registry.get('survey')).toBeUndefined();
  });

  it.each([0, -1, 1.5, 31 * 24 * 3_600_000, Number.NaN])('refuses the token lifetime %j', (tokenTtlMs) => {
    const error = definitionError(() => new FlowRegistry().define('kyc', { json: validJson(), tokenTtlMs }));
    expect(error.code).toBe('flowgate.flows.invalid_option');
    expect(error.message).toContain('tokenTtlMs must be a whole number of milliseconds from 1 to');
  });

  it('refuses an empty allowedMimeTypes: it could accept no picker file', () => {
    const error = definitionError(() => new FlowRegistry().define('kyc', { json: validJson(), allowedMimeTypes: [] }));
    expect(error.code).toBe('flowgate.flows.invalid_option');
    expect(error.message).toContain('allowedMimeTypes is empty');
  });

  it.each([
    { field: '', message: 'Changed elsewhere.' },
    { field: 'revision', message: ' ' },
    { field: 'revision', message: 'x'.repeat(301) },
  ])('refuses formCopy %j', (formCopy) => {
    const error = definitionError(() => new FlowRegistry().define('budget', { json: validJson(), formCopy }));
    expect(error.code).toBe('flowgate.flows.invalid_option');
    expect(error.message).toContain('formCopy needs a field name and a message of 1-300 characters');
  });

  it('registers a name once', () => {
    const registry = new FlowRegistry();
    const def = registry.define('survey', { json: validJson() });
    const error = definitionError(() => registry.define('survey', { json: validJson() }));
    expect(error.code).toBe('flowgate.flows.duplicate');
    expect(error.message).toBe('a flow named "survey" is already registered');
    expect(registry.get('survey')).toBe(def);
  });

  it('names the flow it does not know', () => {
    const error = definitionError(() => new FlowRegistry().require('booking'));
    expect(error.code).toBe('flowgate.flows.unknown');
    expect(error.message).toBe('no flow named "booking" is registered');
  });
});
