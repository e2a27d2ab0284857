// The flow endpoint over real loopback HTTP with a real SQLite store: every status branch (432, 404, 421,
// ping, error notification, 427), INIT/BACK/data_exchange/complete, response checks against the Flow JSON,
// handler throws and budget overruns, input validation, and the 4.0 flow_token_signature. Requests are
// encrypted like WhatsApp's client does; the synthetic and pywa vectors in fixtures/crypto are replayed.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFlowAnswer } from '../src/emulator/flow-answer-check.js';
import { SAFE_ERROR_MESSAGE } from '../src/flows/index.js';
import { SUCCESS_REPLAY_MS } from '../src/flows/token-admission.js';
import { decryptFlowResponse, signFlowToken, type FlowJson } from '../src/protocol/index.js';
import { APP_SECRET, readFixture, startTestApp, type TestApp } from './helpers.js';
import { PYWA_KEY, exchange, issueTestToken, postRaw, staticKeys, testFlowJson } from './flows-helpers.js';

interface VectorCase {
  request_body: Record<string, string>;
  example_response_body_base64?: string;
}
const vectors = JSON.parse(readFixture('crypto/synthetic_flow_endpoint_requests_pywa_key.json')) as {
  cases: Record<string, VectorCase>;
};
const roundtrip = JSON.parse(readFixture('crypto/pywa_flow_endpoint_roundtrip_vector.json')) as {
  request_body: Record<string, string> | string;
  aes_key_hex: string;
  initial_vector_hex: string;
};

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const calls: string[] = [];
let t: TestApp;
let slowResolved = false;

/** One terminal entry screen whose data model INIT must fill: what a failing INIT handler answers. */
function entryDataJson(): FlowJson {
  const base = testFlowJson();
  return {
    ...base,
    routing_model: { PICK: [] },
    screens: [
      {
        id: 'PICK',
        title: 'Pick a slot',
        terminal: true,
        data: {
          title: { type: 'string', __example__: 'Tuesday' },
          count: { type: 'number', __example__: 2 },
          open: { type: 'boolean', __example__: true },
          slots: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } },
            __example__: [{ id: '9', title: '9:00' }],
          },
          place: {
            type: 'object',
            properties: { name: { type: 'string' } },
            __example__: { name: 'Main St' },
          },
        },
        layout: {
          type: 'SingleColumnLayout',
          children: [
            { type: 'TextBody', text: '${data.title}' },
            { type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: {} } },
          ],
        },
      },
    ],
  };
}

/** A DatePicker whose bounds come from the screen's data, set by INIT. */
function datedJson(): FlowJson {
  return {
    ...testFlowJson(),
    routing_model: { DAY: [] },
    screens: [
      {
        id: 'DAY',
        title: 'Pick a day',
        terminal: true,
        data: {
          first: { type: 'string', __example__: '2026-03-02' },
          closed: { type: 'array', items: { type: 'string' }, __example__: ['2026-03-05'] },
        },
        layout: {
          type: 'SingleColumnLayout',
          children: [
            {
              type: 'DatePicker',
              name: 'day',
              label: 'Day',
              required: true,
              'min-date': '${data.first}',
              'unavailable-dates': '${data.closed}',
            },
            {
              type: 'Footer',
              label: 'Book',
              'on-click-action': { name: 'data_exchange', payload: { day: '${form.day}' } },
            },
          ],
        },
      },
    ],
  };
}

function json40(): FlowJson {
  return { ...testFlowJson(), data_api_version: '4.0' };
}

beforeAll(async () => {
  t = await startTestApp(
    { flowHandlerBudgetMs: 300, adminToken: ADMIN_TOKEN },
    { flowKeys: staticKeys(PYWA_KEY) },
    (app) => {
      // The fixture flow: answers exactly what the synthetic vectors expect.
      app.flow('fixture', {
        json: testFlowJson(),
        screens: {
          MY_SCREEN: (ctx) => ctx.complete(),
          CONFIRM: (ctx) => ctx.next('CONFIRM', {}),
        },
      });
      app.flow('demo', {
        json: testFlowJson(),
        screens: {
          MY_SCREEN: (ctx) => {
            calls.push(`MY_SCREEN:${String(ctx.data.name)}`);
            const name = String(ctx.data.name);
            if (name === 'bad-screen') return ctx.next('NOWHERE', {});
            if (name === 'bad-transition') return ctx.next('CONFIRM', {});
            if (name === 'undeclared') return ctx.next('DETAILS', { greeting: 'Hi', slots: [], extra: 1 });
            if (name === 'wrong-type') return ctx.next('DETAILS', { greeting: 5, slots: [] });
            if (name === 'missing') return ctx.next('DETAILS', { greeting: 'Hi' });
            if (name === 'throw') throw new Error('handler bug');
            if (name === 'slow') {
              return new Promise((resolve) => {
                ctx.signal.addEventListener('abort', () => {
                  slowResolved = true;
                  resolve(ctx.error('too late'));
                });
              });
            }
            if (name === 'not-a-reply') return { screen: 'DETAILS' } as never;
            return ctx.next('DETAILS', {
              greeting: `Hello ${name}, ${ctx.contact.phone}`,
              slots: [
                { id: '9', title: '9:00' },
                { id: '10', title: '10:00' },
              ],
            });
          },
          DETAILS: (ctx) => {
            calls.push(`DETAILS:${String(ctx.data.slot)}`);
            if (ctx.data.slot === '10') return ctx.error('That slot was just taken.');
            return ctx.next('CONFIRM', {});
          },
          CONFIRM: (ctx) =>
            ctx.action === 'BACK' ? ctx.next('DETAILS', { greeting: 'Back', slots: [] }) : ctx.complete({ ref: 'R-1' }),
        },
      });
      app.flow('v4', { json: json40(), screens: { MY_SCREEN: (ctx) => ctx.complete() } });
      app.flow('dated', {
        json: datedJson(),
        init: (ctx) => ctx.next('DAY', { first: '2026-03-02', closed: ['2026-03-05'] }),
        screens: { DAY: (ctx) => ctx.complete({ day: String(ctx.data.day) }) },
      });
      app.flow('entrydata', {
        json: entryDataJson(),
        init: (ctx) => {
          if (ctx.token.token === 'tok-entry-error') return ctx.error('No slots today.', { title: 'Today' });
          if (ctx.token.token === 'tok-entry-nan')
            return ctx.next('PICK', { title: 'x', count: Number.NaN, open: true, slots: [], place: { name: 'y' } });
          throw new Error('availability source down');
        },
        screens: { PICK: (ctx) => ctx.complete() },
      });
    },
  );
  const now = Date.now();
  const flows = t.app.gateway.store.flows;
  await flows.issueToken({
    token: 'my_flow_token',
    flow: 'fixture',
    waId: '16505551234',
    phoneNumberId: null,
    data: null,
    now,
    expiresAt: now + 3_600_000,
  });
  for (const token of [
    'tok-demo',
    'tok-demo-2',
    'tok-v4',
    'tok-done',
    'tok-old',
    'tok-entry',
    'tok-entry-error',
    'tok-entry-nan',
    'tok-fresh',
    'tok-dated',
  ])
    await flows.issueToken({
      token,
      flow:
        token === 'tok-v4'
          ? 'v4'
          : token === 'tok-dated'
            ? 'dated'
            : token.startsWith('tok-entry')
              ? 'entrydata'
              : 'demo',
      waId: '16505551234',
      phoneNumberId: null,
      data: null,
      now,
      expiresAt: token === 'tok-old' ? now - 1 : now + 3_600_000,
    });
  await t.app.gateway.store.transaction((trx) =>
    flows.complete(trx, {
      flow: 'demo',
      token: 'tok-done',
      waId: '16505551234',
      response: {},
      eventId: 0,
      wamid: null,
      now,
    }),
  );
});
afterAll(async () => {
  await t.stop();
});

function vectorRequest(name: string): { raw: string; expected: string | undefined } {
  const c = vectors.cases[name];
  if (c === undefined) throw new Error(`no vector ${name}`);
  return { raw: JSON.stringify(c.request_body), expected: c.example_response_body_base64 };
}

const ping = { version: '3.0', action: 'ping' };
const dx = (screen: string, data: Record<string, unknown>, token = 'tok-demo') => ({
  version: '3.0',
  action: 'data_exchange',
  screen,
  data,
  flow_token: token,
});

describe('before decryption: plain answers', () => {
  it('432 without a signature, with a wrong one, and for an unknown flow when unsigned', async () => {
    const { raw } = vectorRequest('ping');
    expect((await postRaw(t.url, 'fixture', raw, null)).status).toBe(432);
    expect((await postRaw(t.url, 'fixture', raw, `sha256=${'0'.repeat(64)}`)).status).toBe(432);
    expect((await exchange(t.url, 'fixture', ping, { secret: 'another-secret' })).status).toBe(432);
    expect((await postRaw(t.url, 'nope', raw, null)).status).toBe(432);
  });

  it('404 for a signed request to a flow that is not registered', async () => {
    const res = await exchange(t.url, 'nope', ping);
    expect(res.status).toBe(404);
  });

  it('421 for another key, a tampered tag, an unwrappable AES key, bad base64 and a non-JSON body', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect((await exchange(t.url, 'fixture', ping, { key: other })).status).toBe(421);
    for (const name of ['ping_tampered_tag_expect_421', 'ping_undecryptable_aes_key_expect_421']) {
      const res = await postRaw(t.url, 'fixture', vectorRequest(name).raw);
      expect(res.status, name).toBe(421);
    }
    const bad = JSON.stringify({ ...vectors.cases.ping?.request_body, encrypted_flow_data: '***not base64***' });
    expect((await postRaw(t.url, 'fixture', bad)).status).toBe(421);
    expect((await postRaw(t.url, 'fixture', 'not json')).status).toBe(421);
  });

  it('413 for a body over the limit', async () => {
    const res = await postRaw(t.url, 'fixture', JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
  });
});

describe('the synthetic and pywa vectors', () => {
  it('ping: the exact encrypted body of the vector, as text/plain', async () => {
    const v = vectorRequest('ping');
    const res = await postRaw(t.url, 'fixture', v.raw);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(v.expected);
  });

  it('error notification: acknowledged (exact vector body) and recorded', async () => {
    const v = vectorRequest('error_notification');
    const res = await postRaw(t.url, 'fixture', v.raw);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(v.expected);
    const [stored] = await t.app.gateway.store.flows.listErrors({ flow: 'fixture' });
    expect(stored).toMatchObject({
      token: 'my_flow_token',
      screen: 'MY_SCREEN',
      error: 'payload-schema-error',
      error_message: 'The field greeting is missing',
    });
  });

  it('keeps error notifications only for tokens this flow issued, at most 20 a token; all are acknowledged', async () => {
    const flows = t.app.gateway.store.flows;
    const notify = (token: string | undefined, message: string) =>
      exchange(t.url, 'demo', {
        version: '3.0',
        action: 'data_exchange',
        screen: 'MY_SCREEN',
        ...(token === undefined ? {} : { flow_token: token }),
        data: { error: 'payload-schema-error', error_message: message },
      });
    const kept = async () => (await flows.listErrors({ flow: 'demo', limit: 500 })).map((e) => e.error_message);
    const before = await kept();
    // Made up, missing, or another flow's token: acknowledged, not kept.
    for (const token of ['ft_never_issued', undefined, 'my_flow_token']) {
      expect((await notify(token, `Call +1 555 0100 (${String(token)})`)).body).toEqual({ data: { acknowledged: true } });
    }
    expect(await kept()).toEqual(before);
    for (let i = 0; i < 25; i++) await notify('tok-fresh', `report ${i}`);
    const forToken = (await flows.listErrors({ flow: 'demo', limit: 500 })).filter((e) => e.token === 'tok-fresh');
    expect(forToken).toHaveLength(20);
  });

  it('BACK: the handler answers the vector body exactly', async () => {
    const v = vectorRequest('back');
    const res = await postRaw(t.url, 'fixture', v.raw);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(v.expected);
  });

  it('INIT (the real pywa capture) answers the entry screen with no data by default', async () => {
    const raw =
      typeof roundtrip.request_body === 'string' ? roundtrip.request_body : JSON.stringify(roundtrip.request_body);
    const res = await postRaw(t.url, 'fixture', raw.replace(/'/g, '"'));
    expect(res.status).toBe(200);
    const body = decryptFlowResponse(
      await res.text(),
      Buffer.from(roundtrip.aes_key_hex, 'hex'),
      Buffer.from(roundtrip.initial_vector_hex, 'hex'),
    );
    expect(body).toEqual({ screen: 'MY_SCREEN', data: {} });
  });

  it('data_exchange → complete: the exact SUCCESS body of the vector (flow_token filled in)', async () => {
    const v = vectorRequest('data_exchange');
    const res = await postRaw(t.url, 'fixture', v.raw);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(v.expected);
  });
});

describe("Meta's documented request and response shapes (fixtures/flow_endpoint)", () => {
  const doc = (name: string): Record<string, unknown> =>
    JSON.parse(readFixture(`flow_endpoint/meta_doc__${name}.json`)) as Record<string, unknown>;

  it('health check → the documented response; error notification → the documented ack', async () => {
    const pinged = await exchange(t.url, 'fixture', doc('health_check_request'));
    expect(pinged.body).toEqual(doc('health_check_response'));
    const acked = await exchange(t.url, 'fixture', doc('error_notification_request_placeholders'));
    expect(acked.body).toEqual(doc('error_notification_ack_response'));
  });

  it('the placeholder data_exchange request (a token Flowgate never issued) is 427', async () => {
    const res = await exchange(t.url, 'fixture', doc('decrypted_data_exchange_request_placeholders'));
    expect(res.status).toBe(427);
    expect(res.body).toEqual({ error_msg: 'This form is no longer available.' });
  });
});

describe('flow tokens', () => {
  it('427 with an encrypted error_msg for unknown, expired, completed and other-flow tokens', async () => {
    for (const [token, message] of [
      ['never-issued', 'This form is no longer available.'],
      ['tok-old', 'This form has expired. Please ask for a new one.'],
      ['tok-done', 'You have already submitted this form.'],
      ['tok-v4', 'This form is no longer available.'],
    ] as const) {
      const res = await exchange(t.url, 'demo', dx('MY_SCREEN', { name: 'Ada' }, token));
      expect(res.status, token).toBe(427);
      expect(res.body, token).toEqual({ error_msg: message });
    }
    expect((await t.app.gateway.store.flows.getToken('tok-old'))?.state).toBe('expired');
  });

  it('data_api_version 4.0: a valid flow_token_signature passes, a wrong or missing one is 427', async () => {
    const payload = dx('MY_SCREEN', { name: 'Ada' }, 'tok-v4');
    const missing = await exchange(t.url, 'v4', payload);
    expect(missing.status).toBe(427);
    const forged = await exchange(t.url, 'v4', {
      ...payload,
      flow_token_signature: signFlowToken('tok-v4', 'wrong-secret'),
    });
    expect(forged.status).toBe(427);
    const otherToken = await exchange(t.url, 'v4', {
      ...payload,
      flow_token_signature: signFlowToken('tok-demo', APP_SECRET),
    });
    expect(otherToken.status).toBe(427);
    // A 3.0 flow does not need one, but one that is sent must be valid.
    const forged30 = await exchange(t.url, 'demo', {
      ...dx('MY_SCREEN', { name: 'Ada' }, 'tok-demo-2'),
      flow_token_signature: signFlowToken('tok-demo-2', 'wrong-secret'),
    });
    expect(forged30.status).toBe(427);
    const ok = await exchange(t.url, 'v4', { ...payload, flow_token_signature: signFlowToken('tok-v4', APP_SECRET) });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      screen: 'SUCCESS',
      data: { extension_message_response: { params: { flow_token: 'tok-v4' } } },
    });
  });
});

describe('screens', () => {
  it('data_exchange goes to the next screen, BACK re-renders, the last screen completes', async () => {
    const first = await exchange(t.url, 'demo', dx('MY_SCREEN', { name: 'Ada' }));
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/plain/);
    expect(first.body).toMatchObject({ screen: 'DETAILS', data: { greeting: 'Hello Ada, +16505551234' } });
    expect((await t.app.gateway.store.flows.getToken('tok-demo'))?.state).toBe('in_progress');

    const taken = await exchange(t.url, 'demo', dx('DETAILS', { slot: '10' }));
    expect(taken.body).toEqual({
      screen: 'DETAILS',
      data: {
        greeting: 'Hello Ada, +16505551234',
        slots: [
          { id: '9', title: '9:00' },
          { id: '10', title: '10:00' },
        ],
        error_message: 'That slot was just taken.',
      },
    });
    const next = await exchange(t.url, 'demo', dx('DETAILS', { slot: '9' }));
    expect(next.body).toEqual({ screen: 'CONFIRM', data: {} });
    const back = await exchange(t.url, 'demo', {
      version: '3.0',
      action: 'BACK',
      screen: 'CONFIRM',
      flow_token: 'tok-demo',
    });
    expect(back.body).toEqual({ screen: 'DETAILS', data: { greeting: 'Back', slots: [] } });
    const done = await exchange(t.url, 'demo', dx('CONFIRM', { confirmed: true }));
    expect(done.body).toEqual({
      screen: 'SUCCESS',
      data: { extension_message_response: { params: { ref: 'R-1', flow_token: 'tok-demo' } } },
    });
    // The endpoint's SUCCESS ended the flow for this token; until WhatsApp's completion arrives, a retry gets
    // the same SUCCESS (flows-endpoint-turns.test.ts shows the handler does not run again).
    expect((await t.app.gateway.store.flows.getToken('tok-demo'))?.state).toBe('completed');
    const again = await exchange(t.url, 'demo', dx('CONFIRM', { confirmed: true }));
    expect(again).toMatchObject({ status: 200, body: done.body as object });
    // Only a data_exchange gets it: a fresh INIT on the completed token is refused.
    const init = await exchange(t.url, 'demo', { version: '3.0', action: 'INIT', flow_token: 'tok-demo' });
    expect(init).toMatchObject({ status: 427, body: { error_msg: 'You have already submitted this form.' } });
  });

  it('answers a lost SUCCESS again only to the screen that completed: another open copy is told it is over', async () => {
    await issueTestToken(t.app, 'demo', 'tok-replay-copy', '16505551234');
    const done = await exchange(t.url, 'demo', dx('CONFIRM', { confirmed: true }, 'tok-replay-copy'));
    expect(done.body).toMatchObject({ screen: 'SUCCESS' });
    // The other copy, still on an earlier screen, presses its Footer.
    const other = await exchange(t.url, 'demo', dx('DETAILS', { slot: '9' }, 'tok-replay-copy'));
    expect(other).toMatchObject({ status: 427, body: { error_msg: 'You have already submitted this form.' } });
    // The press that got no answer still gets it.
    expect(await exchange(t.url, 'demo', dx('CONFIRM', { confirmed: true }, 'tok-replay-copy'))).toMatchObject({
      status: 200,
      body: done.body as object,
    });
  });

  it('answers a lost SUCCESS again only for a while: not after SUCCESS_REPLAY_MS, nor once the token expired', async () => {
    const db = t.app.gateway.store.db;
    for (const [token, change] of [
      ['tok-replay-old', { completed_at: Date.now() - SUCCESS_REPLAY_MS - 1000 }],
      ['tok-replay-expired', { expires_at: Date.now() - 1000 }],
    ] as const) {
      await issueTestToken(t.app, 'demo', token, '16505551234');
      const done = await exchange(t.url, 'demo', dx('CONFIRM', { confirmed: true }, token));
      expect(done.body).toMatchObject({ screen: 'SUCCESS' });
      await db.updateTable('flow_tokens').set(change).where('token', '=', token).execute();
      const again = await exchange(t.url, 'demo', dx('CONFIRM', { confirmed: true }, token));
      expect(again, token).toMatchObject({ status: 427, body: { error_msg: 'You have already submitted this form.' } });
    }
  });

  it('a handler bug (unknown screen, transition, undeclared/missing/mistyped data, no reply) gets a safe error', async () => {
    for (const name of ['bad-screen', 'bad-transition', 'undeclared', 'wrong-type', 'missing', 'not-a-reply']) {
      const res = await exchange(t.url, 'demo', dx('MY_SCREEN', { name }, 'tok-demo-2'));
      expect(res.status, name).toBe(200);
      expect(res.body, name).toEqual({ screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } });
    }
  });

  it('a screen named like an Object.prototype member has no handler: the safe error, counted as no_handler', async () => {
    const noHandler = async (): Promise<number> => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return Number(/flowgate_flow_handler_failures_total\{flow="demo",reason="no_handler"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await noHandler();
    for (const screen of ['constructor', 'toString', '__proto__']) {
      const res = await exchange(t.url, 'demo', dx(screen, {}, 'tok-demo-2'));
      expect(res.status, screen).toBe(200);
      expect(res.body, screen).toMatchObject({ data: { error_message: SAFE_ERROR_MESSAGE } });
    }
    expect((await noHandler()) - before).toBe(3);
  });

  it('a handler that throws or runs over its budget gets the same safe error', async () => {
    const threw = await exchange(t.url, 'demo', dx('MY_SCREEN', { name: 'throw' }, 'tok-demo-2'));
    expect(threw.body).toEqual({ screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } });
    const slow = await exchange(t.url, 'demo', dx('MY_SCREEN', { name: 'slow' }, 'tok-demo-2'));
    expect(slow.body).toEqual({ screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } });
    expect(slowResolved).toBe(true); // the handler saw its signal abort
  });

  it('an INIT that fails answers the entry screen with an empty value of each declared type, which the client accepts', async () => {
    const init = (token: string) => exchange(t.url, 'entrydata', { version: '3.0', action: 'INIT', flow_token: token });
    const threw = await init('tok-entry');
    const empty = { count: 0, open: false, slots: [], place: { name: '' } };
    expect(threw.body).toEqual({ screen: 'PICK', data: { title: '', ...empty, error_message: SAFE_ERROR_MESSAGE } });
    // What WhatsApp's client checks (the emulator's copy of it): the data model holds even with an error.
    const ctx = { flow: entryDataJson(), action: 'INIT' as const, from: null, flowToken: 'tok-entry' };
    expect(() => checkFlowAnswer(ctx, threw.body)).not.toThrow();
    const error = await init('tok-entry-error');
    expect(error.body).toEqual({
      screen: 'PICK',
      data: { title: 'Today', ...empty, error_message: 'No slots today.' },
    });
    expect(() => checkFlowAnswer({ ...ctx, flowToken: 'tok-entry-error' }, error.body)).not.toThrow();
    // NaN would be serialized as null, which the client rejects: a handler bug, answered safely.
    const nan = await init('tok-entry-nan');
    expect(nan.body).toEqual({ screen: 'PICK', data: { title: '', ...empty, error_message: SAFE_ERROR_MESSAGE } });
  });

  it('an action WhatsApp does not send is 400, still encrypted', async () => {
    const res = await exchange(t.url, 'demo', { ...dx('MY_SCREEN', {}, 'tok-demo-2'), action: 'teleport' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error_msg: 'unsupported action' });
  });

  it('invalid input goes back to the same screen and the handler does not run', async () => {
    calls.length = 0;
    const missing = await exchange(t.url, 'demo', dx('MY_SCREEN', {}, 'tok-demo-2'));
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ screen: 'MY_SCREEN', data: { error_message: expect.any(String) as string } });
    const long = await exchange(t.url, 'demo', dx('MY_SCREEN', { name: 'x'.repeat(41) }, 'tok-demo-2'));
    expect(long.body).toMatchObject({ screen: 'MY_SCREEN' });
    expect(calls).toEqual([]);
    // A Dropdown fed by ${data.slots}: only the ids the endpoint offered are accepted.
    await exchange(t.url, 'demo', dx('MY_SCREEN', { name: 'Ada' }, 'tok-demo-2'));
    const offMenu = await exchange(t.url, 'demo', dx('DETAILS', { slot: '11' }, 'tok-demo-2'));
    expect(offMenu.body).toMatchObject({ screen: 'DETAILS', data: { error_message: expect.any(String) as string } });
    expect(calls).toEqual(['MY_SCREEN:Ada']);
    // Nothing is stored for a rejection: a fresh token stays issued, with no answers.
    const before = await t.app.gateway.store.flows.getToken('tok-fresh');
    const rejected = await exchange(t.url, 'demo', dx('MY_SCREEN', {}, 'tok-fresh'));
    expect(rejected.body).toMatchObject({ screen: 'MY_SCREEN', data: { error_message: expect.any(String) as string } });
    expect(await t.app.gateway.store.flows.getToken('tok-fresh')).toEqual(before);
    expect(before).toMatchObject({ state: 'issued', screens: null });
  });

  it('date bounds taken from the screen data are checked with the values INIT answered', async () => {
    const init = await exchange(t.url, 'dated', { version: '3.0', action: 'INIT', flow_token: 'tok-dated' });
    expect(init.body).toEqual({ screen: 'DAY', data: { first: '2026-03-02', closed: ['2026-03-05'] } });
    const pick = (day: string) => exchange(t.url, 'dated', dx('DAY', { day }, 'tok-dated'));
    expect((await pick('2026-03-01')).body).toMatchObject({
      screen: 'DAY',
      data: { error_message: 'Choose a date on or after 2026-03-02' },
    });
    expect((await pick('2026-03-05')).body).toMatchObject({
      screen: 'DAY',
      data: { error_message: 'This date is not available' },
    });
    expect((await pick('2026-03-06')).body).toMatchObject({
      screen: 'SUCCESS',
      data: { extension_message_response: { params: { day: '2026-03-06', flow_token: 'tok-dated' } } },
    });
  });

  it('counts requests by flow, status and outcome, and error notifications, in /metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/flowgate_flow_requests_total\{flow="fixture",status="432",outcome="invalid_signature"\} \d+/);
    expect(text).toMatch(/flowgate_flow_requests_total\{flow="demo",status="427",outcome="invalid_token"\} \d+/);
    expect(text).toMatch(/flowgate_flow_requests_total\{flow="fixture",status="421",outcome="decrypt_failed"\} \d+/);
    expect(text).toMatch(/flowgate_flow_error_notifications_total\{flow="fixture",error="payload-schema-error"\} 1/);
    expect(text).toMatch(/flowgate_flow_handler_failures_total\{flow="demo",reason="over_budget"\} 1/);
    // Every request above has been answered: the RSA threads hold nothing.
    expect(text).toMatch(/flowgate_flow_rsa_unwraps_in_flight\{thread="0"\} 0\n/);
  });
});

describe('admin API /api/flows', () => {
  const get = (path: string, token: string | null = ADMIN_TOKEN) =>
    fetch(`${t.url}/api/flows${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

  it('lists flows, error notifications, submissions and a token, behind the admin token', async () => {
    expect((await get('', null)).status).toBe(401);
    expect((await get('', 'wrong-token-0123456789')).status).toBe(401);
    const flows = (await (await get('')).json()) as { flows: { name: string; screens: string[] }[] };
    expect(flows.flows.map((f) => f.name)).toEqual(['fixture', 'demo', 'v4', 'dated', 'entrydata']);
    expect(flows.flows[0]?.screens).toEqual(['MY_SCREEN', 'DETAILS', 'CONFIRM']);
    const errors = (await (await get('/fixture/errors')).json()) as { errors: unknown[] };
    expect(errors.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          error: 'payload-schema-error',
          screen: 'MY_SCREEN',
          errorMessage: 'The field greeting is missing',
        }),
      ]),
    );
    const submissions = (await (await get('/demo/submissions')).json()) as { submissions: unknown[] };
    expect(submissions.submissions).toEqual([expect.objectContaining({ token: 'tok-done', flow: 'demo' })]);
    const token = (await (await get('/tokens/tok-demo')).json()) as { token: { state: string }; media: unknown[] };
    // tok-demo was answered SUCCESS by the endpoint (the screens test): that completed it.
    expect(token).toMatchObject({ token: { state: 'completed', flow: 'demo' }, media: [] });
    expect((await get('/tokens/nope')).status).toBe(404);
  });
});
