// formCopy (FlowOptions) on a screen the client reaches by `navigate`: the server never answered that screen,
// so after an error answer the data kept for it holds the field's empty placeholder, while the client shows
// (and echoes) the value it navigated with. That is no other copy of the form: the only copy there is must
// still get past the screen.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FlowJson } from '../src/protocol/index.js';
import { startTestApp, type TestApp } from './helpers.js';
import { PYWA_KEY, exchange, issueTestToken, staticKeys } from './flows-helpers.js';

const json = {
  version: '7.3',
  data_api_version: '3.0',
  routing_model: { START: ['FORM'], FORM: ['DONE'], DONE: [] },
  screens: [
    {
      id: 'START',
      data: { revision: { type: 'string', __example__: 'r' } },
      layout: {
        type: 'SingleColumnLayout',
        children: [
          {
            type: 'Footer',
            label: 'Next',
            'on-click-action': {
              name: 'navigate',
              next: { type: 'screen', name: 'FORM' },
              payload: { revision: '${data.revision}' },
            },
          },
        ],
      },
    },
    {
      id: 'FORM',
      data: { revision: { type: 'string', __example__: 'r' } },
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextInput', name: 'title', label: 'Title' },
          {
            type: 'Footer',
            label: 'Send',
            'on-click-action': {
              name: 'data_exchange',
              payload: { title: '${form.title}', revision: '${data.revision}' },
            },
          },
        ],
      },
    },
    {
      id: 'DONE',
      terminal: true,
      layout: {
        type: 'SingleColumnLayout',
        children: [{ type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: {} } }],
      },
    },
  ],
} as unknown as FlowJson;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { flowKeys: staticKeys(PYWA_KEY) }, (app) => {
    app.flow('nav-copies', {
      json,
      formCopy: { field: 'revision', message: 'Changed in another window.' },
      init: (ctx) => ctx.next('START', { revision: 'r1' }),
      screens: {
        FORM: (ctx) => (ctx.data.title === 'bad' ? ctx.error('Please write a real title') : ctx.next('DONE', {})),
      },
    });
  });
});
afterAll(async () => {
  await t.stop();
});

it('one copy, reached by navigate: after one error answer its corrected submission is not refused', async () => {
  const token = 'tok-nav-copies';
  await issueTestToken(t.app, 'nav-copies', token, '15550001119');
  const base = { version: '3.0', flow_token: token };
  await exchange(t.url, 'nav-copies', { ...base, action: 'INIT', screen: '', data: {} });
  // Client-side navigate START -> FORM (data revision 'r1'); then the customer submits FORM.
  const send = (title: string) =>
    exchange(t.url, 'nav-copies', {
      ...base,
      action: 'data_exchange',
      screen: 'FORM',
      data: { title, revision: 'r1' },
    });
  const first = await send('bad');
  expect(first.body).toMatchObject({
    screen: 'FORM',
    data: { revision: 'r1', error_message: 'Please write a real title' },
  });
  const second = await send('A real title');
  expect(second.body).toMatchObject({ screen: 'DONE' });
});
