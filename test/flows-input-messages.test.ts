// The message a refused data_exchange gets: one per field, naming each field by its label when more than one
// is wrong, so a person reading "Fill in this field" twice knows which two fields. And a request for a screen
// the Flow JSON does not have is the client's doing: logged as a warning, not an error.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log/index.js';
import type { FlowJson } from '../src/protocol/index.js';
import { startTestApp, type TestApp } from './helpers.js';
import { PYWA_KEY, exchange, issueTestToken, staticKeys } from './flows-helpers.js';

const json = {
  version: '7.3',
  data_api_version: '3.0',
  routing_model: { FORM: [] },
  screens: [
    {
      id: 'FORM',
      terminal: true,
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextInput', name: 'name', label: 'Full name', required: true },
          { type: 'TextInput', name: 'email', label: 'Email', 'input-type': 'email', required: true },
          { type: 'TextInput', name: 'code', label: '${data.code_label}', required: true },
          {
            type: 'Footer',
            label: 'Send',
            'on-click-action': {
              name: 'data_exchange',
              payload: { name: '${form.name}', email: '${form.email}', code: '${form.code}' },
            },
          },
        ],
      },
      data: { code_label: { type: 'string', __example__: 'Code' } },
    },
  ],
} as unknown as FlowJson;

const lines: { level: number; msg: string }[] = [];
const logger = createLogger({
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as never);
      done();
    },
  }),
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { flowKeys: staticKeys(PYWA_KEY), logger }, (app) => {
    app.flow('form', { json, screens: { FORM: (ctx) => ctx.complete() } });
  });
  await issueTestToken(t.app, 'form', 'tok-messages', '15550002222');
});
afterAll(async () => {
  await t.stop();
});

const send = async (data: Record<string, unknown>): Promise<unknown> =>
  (
    await exchange(t.url, 'form', {
      version: '3.0',
      action: 'data_exchange',
      screen: 'FORM',
      data,
      flow_token: 'tok-messages',
    })
  ).body;

describe('refused input', () => {
  it('names each wrong field by its label, and one wrong field needs no name', async () => {
    expect(await send({ name: '', email: 'nope', code: '' })).toMatchObject({
      data: { error_message: 'Full name: Fill in this field. Email: Enter a valid email address. Fill in this field.' },
    });
    expect(await send({ name: 'Ada', email: 'nope', code: '1' })).toMatchObject({
      data: { error_message: 'Enter a valid email address' },
    });
  });

  it('for a screen the Flow JSON does not have is a warning in the log, not an error', async () => {
    lines.length = 0;
    const answer = await exchange(t.url, 'form', {
      version: '3.0',
      action: 'data_exchange',
      screen: 'NOWHERE',
      data: {},
      flow_token: 'tok-messages',
    });
    expect(answer.status).toBe(200);
    const logged = lines.filter((l) => l.msg.includes('screen'));
    expect(logged.map((l) => [l.level, l.msg])).toContainEqual([
      40,
      'flow request for a screen the Flow JSON does not have; answered a safe error',
    ]);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
