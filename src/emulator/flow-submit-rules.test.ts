// What the emulated client lets a user press (planAction, pure): a component's own action fires with
// required inputs still empty, a picker with a minimum above 0 must be filled, a Footer or component whose
// `enabled` evaluates to false cannot be pressed; NavigationList items, options with their own
// on-select-action, unselecting with on-unselect-action, update_data and open_url. And the key fetch gives up on a body that stalls.
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
  item?: string,
) =>
  planAction({
    flow,
    screen: 'S',
    values,
    data,
    screens: () => undefined,
    ...(component === undefined ? {} : { component }),
    ...(item === undefined ? {} : { item }),
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

describe('planAction: items, update_data and open_url', () => {
  const toppings = {
    type: 'CheckboxGroup',
    name: 'toppings',
    label: 'Toppings',
    'max-selected-items': 2,
    'data-source': [
      { id: 'ham', title: 'Ham', 'on-select-action': { name: 'update_data', payload: { meat: true } } },
      { id: 'olive', title: 'Olive' },
      { id: 'egg', title: 'Egg' },
      { id: 'off', title: 'Sold out', enabled: false },
    ],
    'on-select-action': { name: 'data_exchange', payload: { picked: '${form.toppings}' } },
  };

  it("a selected option goes into the form and fires its own on-select-action, else the component's", () => {
    const flow = flowWith([toppings, footer()], { meat: { type: 'boolean', __example__: false } });
    expect(plan(flow, {}, { meat: false }, 'toppings', 'ham')).toMatchObject({
      name: 'update_data',
      payload: { meat: true },
      form: { toppings: ['ham'] },
    });
    expect(plan(flow, { toppings: ['ham'] }, {}, 'toppings', 'olive')).toMatchObject({
      name: 'data_exchange',
      payload: { picked: ['ham', 'olive'] },
    });
    expect(() => plan(flow, { toppings: ['ham', 'olive'] }, {}, 'toppings', 'egg')).toThrow(/at most 2 selected/);
    expect(() => plan(flow, {}, {}, 'toppings', 'off')).toThrow(/Item "off" of component "toppings".* is disabled/);
    expect(() => plan(flow, {}, {}, 'toppings', 'kale')).toThrow(/has no item "kale"/);
  });

  it("tapping an option a multi-select holds unselects it: its own on-unselect-action, else the component's", () => {
    const chips = {
      type: 'ChipsSelector',
      name: 'tags',
      label: 'Tags',
      'data-source': [
        { id: 'red', title: 'Red', 'on-unselect-action': { name: 'update_data', payload: { warm: false } } },
        { id: 'blue', title: 'Blue' },
        { id: 'green', title: 'Green' },
      ],
      'on-select-action': { name: 'data_exchange', payload: { tags: '${form.tags}' } },
      'on-unselect-action': { name: 'data_exchange', payload: { left: '${form.tags}' } },
    };
    const flow = flowWith([chips, footer()], { warm: { type: 'boolean', __example__: true } });
    expect(plan(flow, { tags: ['red', 'blue'] }, { warm: true }, 'tags', 'red')).toMatchObject({
      name: 'update_data',
      payload: { warm: false },
      form: { tags: ['blue'] },
    });
    expect(plan(flow, { tags: ['red', 'blue'] }, {}, 'tags', 'blue')).toMatchObject({
      name: 'data_exchange',
      payload: { left: ['red'] },
    });
    // Not held: a selection, with the component's on-select-action.
    expect(plan(flow, { tags: ['red'] }, {}, 'tags', 'green')).toMatchObject({
      name: 'data_exchange',
      payload: { tags: ['red', 'green'] },
    });
    // A CheckboxGroup without any on-unselect-action: the tap takes the option out of the form, nothing more.
    expect(plan(flowWith([toppings, footer()]), { toppings: ['olive'] }, {}, 'toppings', 'olive')).toMatchObject({
      name: 'select',
      payload: {},
      form: { toppings: [] },
    });
  });

  it('a NavigationList is tapped on an item: its on-click-action, else the list’s', () => {
    const menu = {
      type: 'NavigationList',
      name: 'menu',
      'list-items': [
        {
          id: 'a',
          'main-content': { title: 'A' },
          'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'A' }, payload: {} },
        },
        { id: 'b', 'main-content': { title: 'B' } },
      ],
      'on-click-action': { name: 'data_exchange', payload: { from: 'menu' } },
    };
    const flow = flowWith([menu]);
    expect(plan(flow, {}, {}, 'menu', 'a')).toMatchObject({ name: 'navigate', next: 'A' });
    expect(plan(flow, {}, {}, 'menu', 'b')).toMatchObject({ name: 'data_exchange', payload: { from: 'menu' } });
    expect(() => plan(flow, {}, {}, 'menu')).toThrow(/tapped on one of its items/);
    expect(() => plan(flow, {}, {}, 'menu', 'z')).toThrow(/has no item "z"/);
    expect(() => plan(flowWith([footer()]), {}, {}, undefined, 'a')).toThrow(/give component as well/);
  });

  it('open_url gives the address and no payload; update_data resolves its payload against the form', () => {
    const flow = flowWith([
      { type: 'TextInput', name: 'city', label: 'City' },
      {
        type: 'EmbeddedLink',
        text: 'Terms',
        'on-click-action': { name: 'open_url', url: 'https://example.com/terms' },
      },
      {
        type: 'OptIn',
        name: 'agree',
        label: 'Agree',
        'on-click-action': { name: 'update_data', payload: { shown_city: '${form.city}' } },
      },
      footer(),
    ]);
    expect(plan(flow, {}, {}, 'Terms')).toMatchObject({
      name: 'open_url',
      url: 'https://example.com/terms',
      payload: {},
    });
    expect(plan(flow, { city: 'Lagos' }, {}, 'agree')).toMatchObject({
      name: 'update_data',
      payload: { shown_city: 'Lagos' },
    });
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
