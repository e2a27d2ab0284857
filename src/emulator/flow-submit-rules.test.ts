// What the emulated client lets a user press (planAction, pure): a component's own action fires with
// required inputs still empty, a picker with a minimum above 0 must be filled, a Footer or component whose
// `enabled` evaluates to false cannot be pressed. And the key fetch gives up on a body that stalls.
import { describe, expect, it } from 'vitest';
import type { FlowJson } from '../protocol/index.js';
import { fetchBusinessKey } from './flow-business-key.js';
import { planAction } from './flow-submit.js';

function flowWith(children: unknown[], data: Record<string, unknown> = {}): FlowJson {
  return {
    version: '7.3',
    data_api_version: '3.0',
    routing_model: { S: [] },
    screens: [{ id: 'S', terminal: true, data, layout: { type: 'SingleColumnLayout', children } }],
  } as unknown as FlowJson;
}

const footer = (extra: Record<string, unknown> = {}) => ({
  type: 'Footer',
  label: 'Send',
  'on-click-action': { name: 'data_exchange', payload: { name: '${form.name}' } },
  ...extra,
});
const plan = (
  flow: FlowJson,
  values: Record<string, unknown>,
  data: Record<string, unknown> = {},
  component?: string,
) =>
  planAction({
    flow,
    screen: 'S',
    values,
    data,
    screens: () => undefined,
    ...(component === undefined ? {} : { component }),
  });

describe('planAction: what a user can press', () => {
  it("a component's on-select-action fires while a required input is still empty; the Footer does not", () => {
    const flow = flowWith([
      { type: 'TextInput', name: 'name', label: 'Name', required: true },
      {
        type: 'Dropdown',
        name: 'size',
        label: 'Size',
        'data-source': [{ id: 's', title: 'S' }],
        'on-select-action': { name: 'data_exchange', payload: { size: '${form.size}' } },
      },
      footer(),
    ]);
    expect(plan(flow, { size: 's' }, {}, 'size')).toMatchObject({ name: 'data_exchange', payload: { size: 's' } });
    expect(() => plan(flow, { size: 's' })).toThrow(/"name" of screen "S" is required/);
  });

  it('a picker with a minimum above 0 must be filled, even when not marked required', () => {
    const flow = flowWith([
      { type: 'TextInput', name: 'name', label: 'Name' },
      { type: 'DocumentPicker', name: 'doc', label: 'ID', 'min-uploaded-documents': 1 },
      footer(),
    ]);
    expect(() => plan(flow, { name: 'Ada' })).toThrow(/"doc" of screen "S" needs at least 1/);
  });

  it('a Footer or a component whose enabled evaluates to false cannot be pressed', () => {
    const link = {
      type: 'EmbeddedLink',
      text: 'More',
      enabled: '${data.open}',
      'on-click-action': { name: 'data_exchange', payload: {} },
    };
    const flow = flowWith(
      [{ type: 'TextInput', name: 'name', label: 'Name' }, link, footer({ enabled: '${data.open}' })],
      {
        open: { type: 'boolean', __example__: true },
      },
    );
    expect(() => plan(flow, { name: 'Ada' }, { open: false })).toThrow(/Footer of screen "S" is disabled/);
    expect(() => plan(flow, {}, { open: false }, 'More')).toThrow(/"More" of screen "S" is disabled/);
    expect(plan(flow, { name: 'Ada' }, { open: true })).toMatchObject({ payload: { name: 'Ada' } });
  });
});

describe('fetchBusinessKey', () => {
  it('times out on an answer whose body stalls after the headers', async () => {
    const stalled = () =>
      Promise.resolve(
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"data":'));
            },
          }),
          { status: 200 },
        ),
      );
    await expect(fetchBusinessKey(stalled, '106540352242922', 100)).rejects.toMatchObject({
      code: 'public-key-fetch-error',
      message: expect.stringContaining('within 100 ms') as unknown,
    });
  });
});
