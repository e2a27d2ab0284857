// The flow endpoint and one token over time, over real loopback HTTP with a real SQLite store: requests of
// one token run one after another, so concurrent final submits run the handler once (a retry gets the same
// SUCCESS while WhatsApp's completion has not arrived, 427 after it); a request whose turn does not come within
// its budget gets the safe error at that deadline and never runs; a handler answer JSON cannot carry gets the
// encrypted safe error, not a plain 500; BACK reaches a handler only from a screen with refresh_on_back, and
// never with data; the data a navigate Flow message opened with is what the first screen's input is checked
// against; answers carry their Content-Length (not chunked); a 413 closes the connection.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/emulator/index.js';
import type { FlowJson } from '../src/protocol/index.js';
import { FlowSendInvalidError, SAFE_ERROR_MESSAGE, type FlowScreenContext } from '../src/flows/index.js';
import { APP_SECRET, startTestApp, waitFor, type TestApp } from './helpers.js';
import { flowOf } from '../src/flows/single-screen-flow.test-util.js';
import { encryptFlowRequest, signBody } from '../src/protocol/index.js';
import {
  emulatorWithPywaKey,
  exchange,
  issueTestToken,
  PYWA_KEY,
  staticKeys,
  testFlowJson,
} from './flows-helpers.js';

const ACCESS_TOKEN = 'EAAtest-access-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';
const CUSTOMER = '15557654321';

let emulator: Emulator;
let t: TestApp;
let confirmRuns = 0;
const seen: { action: string; data: Record<string, unknown> }[] = [];
const order: string[] = [];

/**
 * One entry screen whose state options come from its data. With `updates`, choosing a country fills the
 * states on the phone (update_data); without, only Flowgate's answers (or the Flow message) set them.
 */
function pickJson(updates: boolean): FlowJson {
  const option = { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } };
  return {
    version: '7.3',
    data_api_version: '3.0',
    routing_model: { PICK: [] },
    screens: [
      {
        id: 'PICK',
        title: 'Where',
        terminal: true,
        data: { states: { type: 'array', items: option, __example__: [] } },
        layout: {
          type: 'SingleColumnLayout',
          children: [
            {
              type: 'Dropdown',
              name: 'country',
              label: 'Country',
              'data-source': [
                {
                  id: 'us',
                  title: 'USA',
                  ...(updates
                    ? {
                        'on-select-action': {
                          name: 'update_data',
                          payload: { states: [{ id: 'ny', title: 'New York' }] },
                        },
                      }
                    : {}),
                },
              ],
            },
            { type: 'Dropdown', name: 'state', label: 'State', required: true, 'data-source': '${data.states}' },
            {
              type: 'Footer',
              label: 'Done',
              'on-click-action': { name: 'data_exchange', payload: { state: '${form.state}' } },
            },
          ],
        },
      },
    ],
  } as unknown as FlowJson;
}

/** One screen whose TextInput has a pattern that backtracks badly on some values. */
function patternedJson(): FlowJson {
  const input = {
    type: 'TextInput',
    name: 'full_name',
    label: 'Name',
    required: true,
    'helper-text': 'Letters and spaces',
    pattern: '^([A-Za-z]+\\s?)+$',
  };
  return flowOf('7.3', [input], { full_name: '${form.full_name}' });
}

beforeAll(async () => {
  const started = await emulatorWithPywaKey();
  emulator = started.emulator;
  const url = started.url;
  t = await startTestApp(
    // A short handler budget, so that one handler can run past it (the rest answer in milliseconds).
    { accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: url, flowHandlerBudgetMs: 300 },
    { flowKeys: staticKeys(PYWA_KEY) },
    (app) => {
      const pick = { PICK: (ctx: FlowScreenContext) => ctx.complete({ state: ctx.data.state }) };
      app.flow('updating', { json: pickJson(true), screens: pick });
      app.flow('opening', { json: pickJson(false), screens: pick });
      app.flow('patterned', {
        json: patternedJson(),
        screens: { S: (ctx) => ctx.complete({ name: ctx.data.full_name }) },
      });
      app.flow('turns', {
        json: testFlowJson(),
        screens: {
          MY_SCREEN: async (ctx) => {
            seen.push({ action: ctx.action, data: ctx.data });
            // Ignore their aborted signal and keep going past the budget (300 ms), as a careless handler would:
            // 'overrun' ends within the next request's budget, 'overrun-long' well after it.
            const overrun = { overrun: 350, 'overrun-long': 1_500 }[String(ctx.data.name)];
            if (overrun !== undefined) {
              order.push(`${String(ctx.data.name)}:start`);
              await new Promise((resolve) => setTimeout(resolve, overrun));
              order.push(`${String(ctx.data.name)}:end`);
            }
            if (typeof ctx.data.name === 'string' && ctx.data.name.startsWith('next'))
              order.push(`${ctx.data.name}:start`);
            if (ctx.data.name === 'bigint-data')
              return ctx.next('DETAILS', { greeting: 'Hi', slots: [{ id: '9', title: '9:00', extra: 1n } as never] });
            if (ctx.data.name === 'bigint-params') return ctx.complete({ amount: 10n });
            if (ctx.data.name === 'null-data') return ctx.next('DETAILS', null as never);
            // An array in memory that JSON sends as a string (the client would reject it).
            if (ctx.data.name === 'tojson-array')
              return ctx.next('DETAILS', { greeting: 'Hi', slots: Object.assign([], { toJSON: () => 'none' }) });
            // A Date is sent as its ISO string: a string field takes it.
            if (ctx.data.name === 'date-greeting')
              return ctx.next('DETAILS', { greeting: new Date(0), slots: [] });
            return ctx.next('DETAILS', { greeting: 'Hi', slots: [{ id: '9', title: '9:00' }] });
          },
          DETAILS: (ctx) => ctx.next('CONFIRM', {}),
          CONFIRM: async (ctx) => {
            seen.push({ action: ctx.action, data: ctx.data });
            if (ctx.action === 'BACK') return ctx.next('DETAILS', { greeting: 'Again', slots: [] });
            confirmRuns += 1;
            // Long enough that a second request of the same token arrives while this one runs.
            await new Promise((resolve) => setTimeout(resolve, 50));
            return ctx.complete({ booked: true });
          },
        },
      });
    },
  );
  emulator.setWebhookUrl(`${t.url}/webhook`);
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

function issue(token: string): Promise<void> {
  return issueTestToken(t.app, 'turns', token, CUSTOMER);
}

/** flowgate_flow_handler_failures_total for requests whose turn came too late, from /metrics. */
async function lateFailures(): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const line = /flowgate_flow_handler_failures_total\{flow="turns",reason="turn_wait"\} (\d+)/.exec(text);
  return Number(line?.[1] ?? 0);
}

const dx = (token: string, screen: string, data: Record<string, unknown>) => ({
  version: '3.0',
  action: 'data_exchange',
  screen,
  data,
  flow_token: token,
});

describe('one token over time', () => {
  it('runs concurrent final submits one after another: the handler once, the same SUCCESS twice, 427 after the completion', async () => {
    await issue('tok-race');
    const answers = await Promise.all([
      exchange(t.url, 'turns', dx('tok-race', 'CONFIRM', {})),
      exchange(t.url, 'turns', dx('tok-race', 'CONFIRM', {})),
    ]);
    const success = {
      screen: 'SUCCESS',
      data: { extension_message_response: { params: { booked: true, flow_token: 'tok-race' } } },
    };
    // The second request's phone never saw the first answer: it gets that SUCCESS again, not a second run.
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, success],
      [200, success],
    ]);
    expect(confirmRuns).toBe(1);
    expect(await t.app.gateway.store.flows.getToken('tok-race')).toMatchObject({ state: 'completed' });
    // Once WhatsApp's completion (nfm_reply) is stored, the flow is over for that token.
    await t.app.gateway.store.transaction((trx) =>
      t.app.gateway.store.flows.complete(trx, {
        flow: 'turns',
        token: 'tok-race',
        waId: CUSTOMER,
        response: { booked: true },
        eventId: 0,
        wamid: null,
        now: Date.now(),
      }),
    );
    const later = await exchange(t.url, 'turns', dx('tok-race', 'MY_SCREEN', { name: 'Ada' }));
    expect(later).toMatchObject({ status: 427, body: { error_msg: 'You have already submitted this form.' } });
    expect(confirmRuns).toBe(1);
  });

  it('holds the token’s turn while a handler runs past its budget: the next request waits for it', async () => {
    await issue('tok-overrun');
    const first = await exchange(t.url, 'turns', dx('tok-overrun', 'MY_SCREEN', { name: 'overrun' }));
    expect(first.body).toEqual({ screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } });
    // Answered at the budget, while the handler still runs: the token's next request starts after it ends.
    await exchange(t.url, 'turns', dx('tok-overrun', 'MY_SCREEN', { name: 'next' }));
    expect(order).toEqual(['overrun:start', 'overrun:end', 'next:start']);
  });

  it('answers a request whose turn does not come within its budget with the safe error, and never runs it', async () => {
    order.length = 0;
    await issue('tok-late');
    const failuresBefore = await lateFailures();
    const first = await exchange(t.url, 'turns', dx('tok-late', 'MY_SCREEN', { name: 'overrun-long' }));
    expect(first.body).toEqual({ screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } });
    // The handler runs on for ~1.2 s more: this request's 300 ms run out while it waits.
    const late = await exchange(t.url, 'turns', dx('tok-late', 'MY_SCREEN', { name: 'next-late' }));
    expect(late).toMatchObject({
      status: 200,
      body: { screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } },
    });
    // Answered at its own deadline, not when the turn before it ended.
    expect(order).toEqual(['overrun-long:start']);
    expect(await lateFailures()).toBe(failuresBefore + 1);
    // After the long handler ends, the late request still has not run; the token's next one runs normally.
    await waitFor(() => order.includes('overrun-long:end'));
    const after = await exchange(t.url, 'turns', dx('tok-late', 'MY_SCREEN', { name: 'next-after' }));
    expect(after.body).toMatchObject({ screen: 'DETAILS' });
    expect(order).toEqual(['overrun-long:start', 'overrun-long:end', 'next-after:start']);
  });

  it('keeps what concurrent requests of one token answered: none overwrites the other', async () => {
    await issue('tok-both');
    await Promise.all([
      exchange(t.url, 'turns', dx('tok-both', 'MY_SCREEN', { name: 'Ada' })),
      exchange(t.url, 'turns', dx('tok-both', 'DETAILS', { slot: '9' })),
    ]);
    const row = await t.app.gateway.store.flows.getToken('tok-both');
    expect(JSON.parse(row?.screens ?? '{}')).toEqual({
      DETAILS: { greeting: 'Hi', slots: [{ id: '9', title: '9:00' }] },
      CONFIRM: {},
    });
  });
});

describe('answers JSON cannot carry', () => {
  it('a BigInt in screen data or in SUCCESS params gets the encrypted safe error on the same screen', async () => {
    await issue('tok-big');
    for (const name of ['bigint-data', 'bigint-params']) {
      const res = await exchange(t.url, 'turns', dx('tok-big', 'MY_SCREEN', { name }));
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/plain/);
      expect(res.body).toEqual({ screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } });
    }
    // Nothing was stored for it, and the token is still open.
    expect(await t.app.gateway.store.flows.getToken('tok-big')).toMatchObject({ state: 'issued', screens: null });
  });

  it('an answer is checked as JSON sends it: null data and a toJSON that changes the type are refused', async () => {
    await issue('tok-json');
    for (const name of ['null-data', 'tojson-array']) {
      const res = await exchange(t.url, 'turns', dx('tok-json', 'MY_SCREEN', { name }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } });
    }
    const date = await exchange(t.url, 'turns', dx('tok-json', 'MY_SCREEN', { name: 'date-greeting' }));
    expect(date.body).toEqual({ screen: 'DETAILS', data: { greeting: '1970-01-01T00:00:00.000Z', slots: [] } });
    // What is kept for the screen is what was sent.
    const row = await t.app.gateway.store.flows.getToken('tok-json');
    expect(JSON.parse(row?.screens ?? '{}')).toMatchObject({ DETAILS: { greeting: '1970-01-01T00:00:00.000Z' } });
  });
});

describe('BACK', () => {
  it('from a screen without refresh_on_back reaches no handler; from one with it, the handler sees no data', async () => {
    await issue('tok-back');
    seen.length = 0;
    const refused = await exchange(t.url, 'turns', {
      version: '3.0',
      action: 'BACK',
      screen: 'MY_SCREEN',
      data: { name: 'x'.repeat(500) },
      flow_token: 'tok-back',
    });
    expect(refused).toMatchObject({
      status: 200,
      body: { screen: 'MY_SCREEN', data: { error_message: SAFE_ERROR_MESSAGE } },
    });
    expect(seen).toEqual([]);
    // CONFIRM has refresh_on_back (SPEC A.4): its handler refreshes DETAILS, and a forged payload is dropped.
    const back = await exchange(t.url, 'turns', {
      version: '3.0',
      action: 'BACK',
      screen: 'CONFIRM',
      data: { booked: 'forged' },
      flow_token: 'tok-back',
    });
    expect(back.body).toEqual({ screen: 'DETAILS', data: { greeting: 'Again', slots: [] } });
    expect(seen).toEqual([{ action: 'BACK', data: {} }]);
  });
});

describe('the data a navigate Flow message opens with', () => {
  it('is what the first screen’s options are checked against', async () => {
    // A Flow message is free-form: the customer must have written within 24 hours.
    await emulator.customer(CUSTOMER, 'Grace').sendText('Hello');
    await waitFor(async () => (await t.app.gateway.store.flows.contact(CUSTOMER)) ?? undefined, 10_000, 'contact');
    const sent = await t.app.sendFlow(`+${CUSTOMER}`, 'opening', {
      cta: 'Pick',
      initialScreen: 'PICK',
      data: { states: [{ id: 'ny', title: 'New York' }] },
    });
    const message = await waitFor(() =>
      emulator.sentMessages().find((m) => JSON.stringify(m.body).includes(sent.token)),
    );
    expect(message.body).toMatchObject({
      interactive: {
        action: {
          parameters: {
            flow_action: 'navigate',
            flow_action_payload: { screen: 'PICK', data: { states: [{ id: 'ny', title: 'New York' }] } },
          },
        },
      },
    });
    const row = await t.app.gateway.store.flows.getToken(sent.token);
    expect(JSON.parse(row?.screens ?? '{}')).toEqual({ PICK: { states: [{ id: 'ny', title: 'New York' }] } });
    const offMenu = await exchange(t.url, 'opening', dx(sent.token, 'PICK', { state: 'tx' }));
    expect(offMenu.body).toMatchObject({
      screen: 'PICK',
      data: { states: [{ id: 'ny', title: 'New York' }], error_message: expect.any(String) as unknown },
    });
    const taken = await exchange(t.url, 'opening', dx(sent.token, 'PICK', { state: 'ny' }));
    expect(taken.body).toMatchObject({ screen: 'SUCCESS' });
  });
});

describe('a navigate Flow message WhatsApp could not open', () => {
  it('is refused before a token is issued: an unknown screen, or data that does not fill its model', async () => {
    const tokensBefore = await t.app.gateway.store.db.selectFrom('flow_tokens').select('token').execute();
    for (const [options, reason] of [
      [{ initialScreen: 'NOPE' }, /screen NOPE is not in the Flow JSON/],
      [{ initialScreen: 'CONFIRM' }, /may not go to CONFIRM/],
      [{ initialScreen: 'DETAILS', data: { greeting: 'Hi' } }, /lacks.*slots|slots/],
      [{ initialScreen: 'DETAILS', data: { greeting: 5, slots: [] } }, /greeting/],
      [{ initialScreen: 'DETAILS', data: { greeting: 'Hi', slots: [], extra: 1 } }, /extra/],
    ] as const) {
      const refused = await t.app
        .sendFlow(`+${CUSTOMER}`, 'turns', { cta: 'Pick', ...options })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(FlowSendInvalidError);
      expect(refused).toMatchObject({ status: 400, message: expect.stringMatching(reason) as unknown });
    }
    const tokensAfter = await t.app.gateway.store.db.selectFrom('flow_tokens').select('token').execute();
    expect(tokensAfter).toHaveLength(tokensBefore.length);
  });
});

describe('a screen that updates its own data (update_data)', () => {
  it('is not checked against the data last answered for it, which the phone has changed', async () => {
    const now = Date.now();
    await t.app.gateway.store.flows.issueToken({
      token: 'tok-updating',
      flow: 'updating',
      waId: CUSTOMER,
      phoneNumberId: null,
      data: { states: [] },
      screens: { PICK: { states: [] } },
      now,
      expiresAt: now + 3_600_000,
    });
    // Picking USA filled the states on the phone; the stored data still says none.
    const done = await exchange(t.url, 'updating', dx('tok-updating', 'PICK', { state: 'ny' }));
    expect(done.body).toEqual({
      screen: 'SUCCESS',
      data: { extension_message_response: { params: { state: 'ny', flow_token: 'tok-updating' } } },
    });
  });
});

describe('a TextInput pattern that backtracks', () => {
  it('refuses the runaway value, then that token’s pattern values for a while, and not other tokens’', async () => {
    await issueTestToken(t.app, 'patterned', 'tok-evil', CUSTOMER);
    await issueTestToken(t.app, 'patterned', 'tok-good', CUSTOMER);
    const unchecked = 'This value could not be checked; enter it in the format shown';
    const evil = await exchange(t.url, 'patterned', dx('tok-evil', 'S', { full_name: 'Zebediah'.repeat(3) + 'Ze!' }));
    expect(evil.body).toMatchObject({ screen: 'S', data: { error_message: unchecked } });
    // The same sender's next value is refused without being matched…
    const after = await exchange(t.url, 'patterned', dx('tok-evil', 'S', { full_name: 'Ada Lovelace' }));
    expect(after.body).toMatchObject({ screen: 'S', data: { error_message: unchecked } });
    // …while another customer's is matched (by the spare worker) and accepted.
    const good = await exchange(t.url, 'patterned', dx('tok-good', 'S', { full_name: 'Grace Hopper' }));
    expect(good.body).toMatchObject({ screen: 'SUCCESS' });
  });
});

/** Status and framing headers of one raw HTTP/1.1 exchange (fetch would hide how the body was framed). */
function rawPost(
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { method: 'POST', headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('framing of the hot routes’ answers', () => {
  it('gives each answer its Content-Length rather than chunked encoding (flows and webhooks)', async () => {
    const { body } = encryptFlowRequest({ version: '3.0', action: 'ping' }, PYWA_KEY);
    const raw = JSON.stringify(body);
    const ping = await rawPost('/flows/turns', raw, {
      'content-type': 'application/json',
      'x-hub-signature-256': signBody(raw, APP_SECRET),
    });
    const unsigned = await rawPost('/webhook', '{"object":"whatsapp_business_account","entry":[]}', {
      'content-type': 'application/json',
    });
    for (const answer of [ping, unsigned]) {
      expect(answer.headers['transfer-encoding']).toBeUndefined();
      expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
    }
    expect(ping.status).toBe(200);
    expect(ping.body.length).toBeGreaterThan(0);
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
  });
});

describe('body limit', () => {
  it('answers a body over 1 MiB with 413 and closes the connection', async () => {
    const answer = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      // The declared length alone is refused: no body needs to be sent (and none is, so no write races the 413).
      const req = request(`${t.url}/flows/turns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer).toEqual({ status: 413, connection: 'close' });
  });
});
