// checkResponse against Meta's endpoint Flow JSONs in fixtures/flow_json: every screen's own __example__
// data is accepted on every allowed transition; unknown screens, transitions outside routing_model and
// data that breaks the declared model are refused with their specific code.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowJson, Screen } from '../protocol/index.js';
import { allowedTargets, checkResponse, entryScreens } from './check-response.js';

const DIR = new URL('../../../shared/protocol/fixtures/flow_json/', import.meta.url);
const endpointFlows = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as FlowJson }))
  .filter(({ json }) => json.data_api_version !== undefined && json.routing_model !== undefined);

function examples(screen: Screen): Record<string, unknown> {
  return Object.fromEntries(Object.entries(screen.data ?? {}).map(([k, v]) => [k, v.__example__]));
}

describe('checkResponse on Meta endpoint flows', () => {
  it('has endpoint fixtures to check', () => {
    expect(endpointFlows.length).toBeGreaterThanOrEqual(2);
  });

  it.each(endpointFlows)('$file: __example__ data is accepted on every routed transition', ({ json }) => {
    for (const from of json.screens) {
      for (const to of allowedTargets(json, 'data_exchange', from.id)) {
        const target = json.screens.find((s) => s.id === to);
        if (target === undefined) continue;
        expect(
          checkResponse(json, 'data_exchange', from.id, { screen: to, data: examples(target) }),
          `${from.id}→${to}`,
        ).toEqual([]);
      }
    }
    for (const entry of entryScreens(json)) {
      const screen = json.screens.find((s) => s.id === entry);
      if (screen !== undefined)
        expect(checkResponse(json, 'INIT', '', { screen: entry, data: examples(screen) })).toEqual([]);
    }
  });

  it.each(endpointFlows)('$file: handler bugs are named', ({ json }) => {
    const [first] = json.screens;
    if (first === undefined) throw new Error('no screens');
    const codes = (r: ReturnType<typeof checkResponse>) => r.map((p) => p.code);
    expect(codes(checkResponse(json, 'data_exchange', first.id, { screen: 'NOPE', data: {} }))).toEqual([
      'unknown_screen',
    ]);
    const unreachable = json.screens.find((s) => !allowedTargets(json, 'data_exchange', first.id).includes(s.id));
    if (unreachable !== undefined) {
      expect(
        codes(checkResponse(json, 'data_exchange', first.id, { screen: unreachable.id, data: examples(unreachable) })),
      ).toContain('invalid_transition');
    }
    const to = allowedTargets(json, 'data_exchange', first.id).find((id) => id !== first.id) ?? first.id;
    const target = json.screens.find((s) => s.id === to);
    if (target === undefined) throw new Error('no target');
    expect(
      codes(
        checkResponse(json, 'data_exchange', first.id, { screen: to, data: { ...examples(target), not_declared: 1 } }),
      ),
    ).toEqual(['undeclared_data']);
    const [key, schema] = Object.entries(target.data ?? {})[0] ?? [];
    if (key !== undefined && schema !== undefined) {
      const wrong = schema.type === 'string' ? 42 : 'text';
      expect(
        codes(
          checkResponse(json, 'data_exchange', first.id, { screen: to, data: { ...examples(target), [key]: wrong } }),
        ),
      ).toEqual(['data_type']);
      const { [key]: _dropped, ...rest } = examples(target);
      expect(codes(checkResponse(json, 'data_exchange', first.id, { screen: to, data: rest }))).toEqual([
        'missing_data',
      ]);
      // With error_message the client re-renders the screen; missing keys are then tolerated.
      expect(checkResponse(json, 'data_exchange', to, { screen: to, data: { ...rest, error_message: 'x' } })).toEqual(
        [],
      );
      // Moving to another screen with an error is not a re-render: its data model must hold.
      if (to !== first.id) {
        expect(
          codes(checkResponse(json, 'data_exchange', first.id, { screen: to, data: { ...rest, error_message: 'x' } })),
        ).toEqual(['missing_data']);
      }
      if (schema.type === 'number') {
        expect(
          codes(checkResponse(json, 'data_exchange', first.id, { screen: to, data: { ...rest, [key]: Infinity } })),
        ).toEqual(['data_type']);
      }
    }
  });

  it('an array whose items schema is true takes any item, false none (as the validator allows)', () => {
    const json = {
      version: '7.3',
      screens: [
        {
          id: 'LIST',
          terminal: true,
          data: {
            any: { type: 'array', items: true, __example__: [1, 'a'] },
            none: { type: 'array', items: false, __example__: [] },
          },
          layout: { type: 'SingleColumnLayout', children: [] },
        },
      ],
    } as unknown as FlowJson;
    const answer = (any: unknown[], none: unknown[]) =>
      checkResponse(json, 'INIT', '', { screen: 'LIST', data: { any, none } }).map((p) => p.message);
    expect(answer([1, 'a', { b: true }], [])).toEqual([]);
    expect(answer([], ['x'])).toEqual(['data.none must be an empty array (its items schema is false)']);
  });

  it('null data is a bad shape, not a crash', () => {
    const json = endpointFlows[0]?.json;
    if (json === undefined) throw new Error('no fixture');
    const to = json.screens[0]?.id ?? '';
    expect(checkResponse(json, 'INIT', '', { screen: to, data: null } as never).map((p) => p.code)).toEqual(['bad_shape']);
    expect(checkResponse(json, 'INIT', '', { screen: 'SUCCESS', data: null } as never).map((p) => p.code)).toEqual([
      'bad_shape',
    ]);
  });

  it('SUCCESS needs params.flow_token, the request’s', () => {
    const json = endpointFlows[0]?.json;
    if (json === undefined) throw new Error('no fixture');
    const ok = { screen: 'SUCCESS' as const, data: { extension_message_response: { params: { flow_token: 't' } } } };
    expect(checkResponse(json, 'data_exchange', json.screens[0]?.id ?? '', ok)).toEqual([]);
    const bad = { screen: 'SUCCESS', data: { extension_message_response: { params: {} } } } as never;
    expect(checkResponse(json, 'data_exchange', json.screens[0]?.id ?? '', bad).map((p) => p.code)).toEqual([
      'bad_shape',
    ]);
    // Given the request's token, the SUCCESS must carry that one.
    expect(checkResponse(json, 'data_exchange', json.screens[0]?.id ?? '', ok, 't')).toEqual([]);
    expect(checkResponse(json, 'data_exchange', json.screens[0]?.id ?? '', ok, 'other')).toEqual([
      { code: 'bad_shape', message: 'SUCCESS carries another flow token than the request' },
    ]);
  });
});
