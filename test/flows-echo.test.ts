// What a data_exchange request echoes back of its screen's data (`${data.x}` in its action's payload) is
// the client's word. An error answer shows it to that client (a form open twice must not be handed the other
// copy's revision), but it is never stored as the data last answered: later requests are validated against
// what the server answered, so an echoed value cannot loosen a `${data.x}` constraint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowJson } from '../src/protocol/index.js';
import { startTestApp, type TestApp } from './helpers.js';
import { PYWA_KEY, exchange, issueTestToken, staticKeys } from './flows-helpers.js';

const json = {
  version: '7.3',
  data_api_version: '3.0',
  routing_model: { NOTE: ['DONE'], DONE: [] },
  screens: [
    {
      id: 'NOTE',
      data: { limit: { type: 'number', __example__: 5 }, revision: { type: 'string', __example__: 'r' } },
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextInput', name: 'title', label: 'Title', 'max-chars': '${data.limit}' },
          {
            type: 'Footer',
            label: 'Send',
            'on-click-action': {
              name: 'data_exchange',
              payload: { title: '${form.title}', limit: '${data.limit}', revision: '${data.revision}' },
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
const seen: string[] = [];
beforeAll(async () => {
  t = await startTestApp({}, { flowKeys: staticKeys(PYWA_KEY) }, (app) => {
    app.flow('note', {
      json,
      init: (ctx) => ctx.next('NOTE', { limit: 5, revision: 'r-server' }),
      screens: {
        NOTE: (ctx) => {
          seen.push(String(ctx.data.title));
          if (ctx.data.title === 'retry') return ctx.error('Try again');
          if (ctx.data.title === 'mine') return ctx.error('Try again', { revision: 'r-handler' });
          // A handler that passes its error on as a copy of the reply object.
          if (ctx.data.title === 'copy') return { ...ctx.error('Try once more') };
          return ctx.next('DONE', {});
        },
      },
    });
    // The same form, told which field names the copy a client shows.
    app.flow('note-copies', {
      json,
      formCopy: { field: 'revision', message: 'Changed in another window.' },
      init: (ctx) => ctx.next('NOTE', { limit: 5, revision: 'r-server' }),
      screens: {
        NOTE: (ctx) => {
          seen.push(String(ctx.data.title));
          return ctx.next('DONE', {});
        },
      },
    });
  });
});
afterAll(async () => {
  await t.stop();
});

const base = { version: '3.0', flow_token: 'tok-echo' };
/** The data kept per screen for the token (what later requests are checked against). */
const kept = async (token = 'tok-echo'): Promise<unknown> => {
  const screens = (await t.app.gateway.store.flows.getToken(token))?.screens;
  return typeof screens === 'string' ? (JSON.parse(screens) as unknown) : screens;
};
const note = (data: Record<string, unknown>, token = 'tok-echo') =>
  exchange(t.url, 'note', { ...base, flow_token: token, action: 'data_exchange', screen: 'NOTE', data });

describe('echoed screen data', () => {
  it('is shown back in an error answer, never stored or trusted by later checks', async () => {
    await issueTestToken(t.app, 'note', 'tok-echo', '15550001111');
    await exchange(t.url, 'note', { ...base, action: 'INIT', screen: '', data: {} });
    expect((await note({ title: 'x'.repeat(6), limit: 5, revision: 'r-server' })).body).toMatchObject({
      screen: 'NOTE',
      data: { error_message: expect.stringMatching(/at most 5 characters/) as unknown },
    });
    // The handler answers an error to a request echoing values of its own: that client is shown them…
    const answered = await note({ title: 'retry', limit: 1_000_000, revision: 'r-client' });
    expect(answered.body).toEqual({
      screen: 'NOTE',
      data: { limit: 1_000_000, revision: 'r-client', error_message: 'Try again' },
    });
    // …but what is kept for the token is the server's answer,
    expect(await kept()).toMatchObject({
      NOTE: { limit: 5, revision: 'r-server' },
    });
    // so the limit the server showed still applies, whatever the client echoes next.
    expect((await note({ title: 'x'.repeat(500), limit: 1_000_000, revision: 'r-client' })).body).toMatchObject({
      data: { error_message: expect.stringMatching(/at most 5 characters/) as unknown },
    });
    expect(seen.every((title) => title.length <= 5)).toBe(true);
    // A value the handler gives the error itself is what is shown (and kept).
    expect((await note({ title: 'mine', limit: 5, revision: 'r-client' })).body).toMatchObject({
      data: { revision: 'r-handler' },
    });
    expect(await kept()).toMatchObject({
      NOTE: { revision: 'r-handler' },
    });
    // Also when it is the value last answered: the handler handing a stale copy the current revision is
    // not undone by that copy's echo.
    expect((await note({ title: 'mine', limit: 5, revision: 'r-stale' })).body).toMatchObject({
      data: { revision: 'r-handler' },
    });
  });

  it('is shown back when the handler returns a copy of ctx.error’s reply', async () => {
    await issueTestToken(t.app, 'note', 'tok-echo-copy', '15550001112');
    await exchange(t.url, 'note', { ...base, flow_token: 'tok-echo-copy', action: 'INIT', screen: '', data: {} });
    const answered = await note({ title: 'copy', limit: 5, revision: 'r-other-window' }, 'tok-echo-copy');
    expect(answered.body).toEqual({
      screen: 'NOTE',
      data: { limit: 5, revision: 'r-other-window', error_message: 'Try once more' },
    });
    expect(await kept('tok-echo-copy')).toMatchObject({ NOTE: { limit: 5, revision: 'r-server' } });
  });

  it("with formCopy, a request echoing another copy's value is answered its message before its input is checked", async () => {
    const token = 'tok-echo-copies';
    const send = (data: Record<string, unknown>) =>
      exchange(t.url, 'note-copies', { ...base, flow_token: token, action: 'data_exchange', screen: 'NOTE', data });
    await issueTestToken(t.app, 'note-copies', token, '15550001113');
    await exchange(t.url, 'note-copies', { ...base, flow_token: token, action: 'INIT', screen: '', data: {} });
    const calls = seen.length;
    // Too long for the limit the server showed, but the copy sending it is another one: that is what it is told.
    const other = await send({ title: 'x'.repeat(40), limit: 50, revision: 'r-desktop' });
    expect(other.body).toEqual({
      screen: 'NOTE',
      data: { limit: 50, revision: 'r-desktop', error_message: 'Changed in another window.' },
    });
    expect(seen.length).toBe(calls);
    expect(await kept(token)).toMatchObject({ NOTE: { limit: 5, revision: 'r-server' } });
    // The copy last answered is checked as ever, and reaches its handler.
    expect((await send({ title: 'x'.repeat(6), limit: 5, revision: 'r-server' })).body).toMatchObject({
      data: { error_message: expect.stringMatching(/at most 5 characters/) as unknown },
    });
    expect((await send({ title: 'fine', limit: 5, revision: 'r-server' })).body).toMatchObject({ screen: 'DONE' });
    expect(seen.length).toBe(calls + 1);
  });
});
