// Flows end to end against the emulator over loopback: sendFlow issues a token and the Flow message carrying
// it reaches the customer; the emulator's Flow client (encrypting like WhatsApp, checking every answer
// against the Flow JSON) walks the screens; the nfm_reply completion, delivered twice by the emulator and
// then sent again, becomes one submission and runs onComplete exactly once; the spent token answers 427.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowClientError, type Emulator } from '../src/emulator/index.js';
import { FLOW_COMPLETION_HANDLER, type FlowCompletionContext } from '../src/flows/index.js';
import { startTestApp, waitFor, type TestApp } from './helpers.js';
import { emulatorWithPywaKey, PYWA_KEY, staticKeys, testFlowJson } from './flows-helpers.js';

const ACCESS_TOKEN = 'EAAtest-access-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';
const CUSTOMER = '15557654321';

let emulator: Emulator;
let t: TestApp;
const completions: FlowCompletionContext[] = [];

beforeAll(async () => {
  const started = await emulatorWithPywaKey({ statusDelayMs: 5, duplicateRate: 1 });
  emulator = started.emulator;
  const url = started.url;
  t = await startTestApp(
    { accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: url },
    { flowKeys: staticKeys(PYWA_KEY) },
    (app) => {
      app.flow('v4', {
        json: { ...testFlowJson(), data_api_version: '4.0' },
        screens: { MY_SCREEN: (ctx) => ctx.complete({ greeting: `Hi ${String(ctx.data.name)}` }) },
      });
      app
        .flow('demo', {
          json: testFlowJson(),
          init: (ctx) => ctx.next('MY_SCREEN', {}),
          screens: {
            MY_SCREEN: (ctx) =>
              ctx.next('DETAILS', { greeting: `Hi ${String(ctx.data.name)}`, slots: [{ id: '9', title: '9:00' }] }),
            DETAILS: (ctx) => ctx.next('CONFIRM', {}),
            CONFIRM: (ctx) => ctx.complete({ slot: '9', name: ctx.contact.profileName }),
          },
        })
        .onComplete(async (c) => {
          completions.push(c);
          await c.handler.reply({ type: 'text', body: `Booked slot ${String(c.submission.response.slot)}` });
        });
    },
  );
  emulator.setWebhookUrl(`${t.url}/webhook`);
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

describe('send, fill in, complete', () => {
  it('walks a flow from sendFlow to exactly one onComplete', async () => {
    const customer = emulator.customer(CUSTOMER, 'Grace');
    await customer.sendText('I would like to book');
    await waitFor(async () => (await t.app.gateway.store.flows.contact(CUSTOMER)) ?? undefined, 10_000, 'contact');

    const sent = await t.app.sendFlow(`+${CUSTOMER}`, 'demo', {
      cta: 'Book now',
      body: 'Pick a time',
      footer: 'Flowgate',
    });
    expect(sent.token).toMatch(/^ft_[A-Za-z0-9_-]{32}$/);
    const message = await waitFor(() =>
      emulator.sentMessages().find((m) => m.type === 'interactive' && JSON.stringify(m.body).includes(sent.token)),
    );
    expect(message.to).toBe(CUSTOMER);
    expect(message.body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'flow',
        body: { text: 'Pick a time' },
        footer: { text: 'Flowgate' },
        action: {
          name: 'flow',
          parameters: {
            flow_message_version: '3',
            flow_token: sent.token,
            flow_name: 'demo',
            flow_cta: 'Book now',
            flow_action: 'data_exchange',
          },
        },
      },
    });
    const token = await t.app.gateway.store.flows.getToken(sent.token);
    expect(token).toMatchObject({ flow: 'demo', wa_id: CUSTOMER, state: 'issued', outbound_id: sent.outboundId });

    const session = emulator.flowClient({
      endpointUrl: `${t.url}/flows/demo`,
      waId: CUSTOMER,
      flowToken: sent.token,
      flowJson: testFlowJson(),
      contextMessageId: message.wamid,
    });
    expect(await session.ping()).toBe('active');
    expect(await session.init()).toMatchObject({ kind: 'screen', screen: 'MY_SCREEN' });
    expect(await session.dataExchange('MY_SCREEN', { name: 'Grace' })).toMatchObject({
      kind: 'screen',
      screen: 'DETAILS',
      data: { greeting: 'Hi Grace' },
    });
    expect(await session.dataExchange('DETAILS', { slot: '9' })).toMatchObject({ kind: 'screen', screen: 'CONFIRM' });
    const done = await session.dataExchange('CONFIRM', { confirmed: true });
    expect(done).toEqual({
      kind: 'success',
      params: { slot: '9', name: 'Grace', flow_token: sent.token },
      body: expect.any(Object) as object,
      // SUCCESS closed the flow and the client posted the nfm_reply (the emulator delivers it twice).
      wamid: expect.stringMatching(/^wamid\./) as unknown,
    });
    if (done.kind !== 'success') throw new Error('not completed');

    const submission = await waitFor(
      async () => (await t.app.gateway.store.flows.submissionByToken(sent.token)) ?? undefined,
    );
    expect(submission).toMatchObject({ flow: 'demo', wa_id: CUSTOMER });
    expect(JSON.parse(submission.response_json)).toMatchObject({ flow_token: sent.token, slot: '9' });
    await waitFor(() => completions.length > 0);
    await session.complete(done.params); // a second nfm_reply for the same token
    // Both distinct replies (each delivered twice) have been handled once by the completion handler.
    await waitFor(
      async () => {
        const runs = await t.app.gateway.store.db
          .selectFrom('handler_runs')
          .select('event_id')
          .where('handler', '=', FLOW_COMPLETION_HANDLER)
          .execute();
        return runs.length === 2;
      },
      10_000,
      'both completions handled',
    );
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({
      flow: 'demo',
      token: { state: 'completed', token: sent.token },
      contact: { waId: CUSTOMER, phone: `+${CUSTOMER}`, profileName: 'Grace' },
    });
    expect(emulator.sentMessages().filter((m) => JSON.stringify(m.body).includes('Booked slot 9'))).toHaveLength(1);

    const spent = await session.dataExchange('CONFIRM', { confirmed: true }).catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(FlowClientError);
    expect(spent).toMatchObject({
      code: 'invalid-flow-token',
      status: 427,
      errorMessage: 'You have already submitted this form.',
    });
  });

  it('navigate sends the first screen; a refused message leaves no token behind', async () => {
    const sent = await t.app.sendFlow(`+${CUSTOMER}`, 'demo', {
      cta: 'Open',
      body: 'Details',
      initialScreen: 'MY_SCREEN',
      mode: 'draft',
      flowId: '1234567890',
    });
    const message = await waitFor(() =>
      emulator.sentMessages().find((m) => JSON.stringify(m.body).includes(sent.token)),
    );
    expect(message.body).toMatchObject({
      interactive: {
        action: {
          parameters: {
            flow_id: '1234567890',
            mode: 'draft',
            flow_action: 'navigate',
            // The first screen must be an entry screen (SPEC D.2); MY_SCREEN declares no data.
            flow_action_payload: { screen: 'MY_SCREEN' },
          },
        },
      },
    });
    const refused = await t.app.sendFlow('+15550000000', 'demo', { cta: 'Open' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'OutsideWindowError' });
    const rows = await t.app.gateway.store.db.selectFrom('flow_tokens').select('wa_id').execute();
    expect(rows.filter((r) => r.wa_id === '15550000000')).toEqual([]);
  });

  it('ignores an nfm_reply without a flow token, with a token Flowgate never issued, or from another contact', async () => {
    const sent = await t.app.sendFlow(`+${CUSTOMER}`, 'demo', { cta: 'Open', body: 'Stray replies' });
    const message = await waitFor(() =>
      emulator.sentMessages().find((m) => JSON.stringify(m.body).includes(sent.token)),
    );
    const runs = async (): Promise<number> =>
      (
        await t.app.gateway.store.db
          .selectFrom('handler_runs')
          .select('event_id')
          .where('handler', '=', FLOW_COMPLETION_HANDLER)
          .execute()
      ).length;
    const before = await runs();
    const completedBefore = completions.length;

    await emulator.customer(CUSTOMER, 'Grace').sendFlowReply({ slot: '9' }, message.wamid);
    await emulator
      .customer(CUSTOMER, 'Grace')
      .sendFlowReply({ flow_token: 'ft_not-one-flowgate-issued' }, message.wamid);
    // Someone else replying with this customer's token (a forwarded or guessed token).
    await emulator
      .customer('15559990000', 'Mallory')
      .sendFlowReply({ flow_token: sent.token, slot: '9' }, message.wamid);
    // Each of the three events ran the completion handler once (the emulator delivers each twice).
    await waitFor(async () => (await runs()) === before + 3, 10_000, 'three replies handled');

    expect(await t.app.gateway.store.flows.submissionByToken(sent.token)).toBeNull();
    expect(await t.app.gateway.store.flows.getToken(sent.token)).toMatchObject({ state: 'issued', wa_id: CUSTOMER });
    const stray = await t.app.gateway.store.db
      .selectFrom('flow_submissions')
      .select('token')
      .where('token', 'in', [sent.token, 'ft_not-one-flowgate-issued'])
      .execute();
    expect(stray).toEqual([]);
    expect(completions).toHaveLength(completedBefore);
  });

  it('a second sendFlow with the same idempotency key returns the first token and message, and keeps no other token', async () => {
    const options = { cta: 'Open', body: 'Once only', idempotencyKey: 'order-4711-booking' };
    const first = await t.app.sendFlow(`+${CUSTOMER}`, 'demo', options);
    const again = await t.app.sendFlow(`+${CUSTOMER}`, 'demo', options);
    expect(again).toEqual(first);
    const tokens = await t.app.gateway.store.db
      .selectFrom('flow_tokens')
      .select('token')
      .where('outbound_id', '=', first.outboundId)
      .execute();
    expect(tokens).toEqual([{ token: first.token }]);
    const all = await t.app.gateway.store.db.selectFrom('flow_tokens').select(['token', 'outbound_id']).execute();
    // No token was stored for the repeated call: every token belongs to a message.
    expect(all.filter((row) => row.outbound_id === null)).toEqual([]);
    await waitFor(() => emulator.sentMessages().some((m) => JSON.stringify(m.body).includes(first.token)));
    expect(emulator.sentMessages().filter((m) => JSON.stringify(m.body).includes('Once only'))).toHaveLength(1);
  });

  it('stores the token in the transaction that queues its message: both or neither', async () => {
    const db = t.app.gateway.store.db;
    // A statement that fails inside SQLite once the message is queued (the old second step, linking the
    // token to its message) must not cost the queued message its token.
    await sql`CREATE TRIGGER refuse_token_link BEFORE UPDATE OF outbound_id ON flow_tokens
      BEGIN SELECT RAISE(ABORT, 'database is locked'); END`.execute(db);
    try {
      const sent = await t.app.sendFlow(`+${CUSTOMER}`, 'demo', {
        cta: 'Open',
        body: 'Linked',
        idempotencyKey: 'k-link',
      });
      const row = await db
        .selectFrom('flow_tokens')
        .select('outbound_id')
        .where('token', '=', sent.token)
        .executeTakeFirst();
      expect(row).toEqual({ outbound_id: sent.outboundId });
      expect(
        await t.app.sendFlow(`+${CUSTOMER}`, 'demo', { cta: 'Open', body: 'Linked', idempotencyKey: 'k-link' }),
      ).toEqual(sent);
    } finally {
      await sql`DROP TRIGGER refuse_token_link`.execute(db);
    }
    // A failure while queuing (the job insert) leaves neither the message nor a token.
    const before = await db
      .selectFrom('flow_tokens')
      .select(db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await sql`CREATE TRIGGER refuse_job BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`.execute(
      db,
    );
    try {
      const failed = await t.app
        .sendFlow(`+${CUSTOMER}`, 'demo', { cta: 'Open', body: 'Never queued' })
        .catch((e: unknown) => e);
      expect(String(failed)).toContain('disk I/O error');
    } finally {
      await sql`DROP TRIGGER refuse_job`.execute(db);
    }
    const after = await db.selectFrom('flow_tokens').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const messages = await db.selectFrom('messages').select('id').where('payload', 'like', '%Never queued%').execute();
    expect(messages).toEqual([]);
  });

  it('refuses a token lifetime out of range and a data_exchange message given a screen, before anything is stored', async () => {
    const db = t.app.gateway.store.db;
    const before = await db
      .selectFrom('flow_tokens')
      .select(db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const tokenTtlMs of [-60_000, 0, Number.NaN, 31 * 86_400_000]) {
      await expect(t.app.sendFlow(`+${CUSTOMER}`, 'demo', { cta: 'Open', tokenTtlMs })).rejects.toMatchObject({
        name: 'FlowSendInvalidError',
        code: 'flowgate.flows.invalid_option',
        status: 400,
      });
    }
    await expect(
      t.app.sendFlow(`+${CUSTOMER}`, 'demo', { cta: 'Open', action: 'data_exchange', initialScreen: 'MY_SCREEN' }),
    ).rejects.toMatchObject({
      code: 'flowgate.flows.invalid_option',
      message: expect.stringContaining('navigate') as unknown,
    });
    const after = await db.selectFrom('flow_tokens').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('an idempotency key first used for another message or flow is refused, and leaves no token behind', async () => {
    const key = 'order-4712-text';
    await t.app.send(`+${CUSTOMER}`, { type: 'text', body: 'Your order shipped' }, { idempotencyKey: key });
    const attempt = t.app.sendFlow(`+${CUSTOMER}`, 'demo', { cta: 'Open', body: 'Not this', idempotencyKey: key });
    await expect(attempt).rejects.toMatchObject({ name: 'FlowSendConflictError', status: 409 });
    // A key first used to send another flow does not hand out that flow's token either.
    const flowKey = 'order-4713-demo';
    await t.app.sendFlow(`+${CUSTOMER}`, 'demo', { cta: 'Open', body: 'Demo', idempotencyKey: flowKey });
    const other = t.app.sendFlow(`+${CUSTOMER}`, 'v4', { cta: 'Open', body: 'V4', idempotencyKey: flowKey });
    await expect(other).rejects.toMatchObject({ name: 'FlowSendConflictError' });
    const all = await t.app.gateway.store.db.selectFrom('flow_tokens').select(['token', 'outbound_id']).execute();
    expect(all.filter((row) => row.outbound_id === null)).toEqual([]);
  });

  it('data_api_version 4.0: the client signs the token (flow_token_signature) and the endpoint checks it', async () => {
    const sent = await t.app.sendFlow(`+${CUSTOMER}`, 'v4', { cta: 'Open', body: 'Version 4' });
    const session = emulator.flowClient({
      endpointUrl: `${t.url}/flows/v4`,
      waId: CUSTOMER,
      flowToken: sent.token,
      flowJson: { ...testFlowJson(), data_api_version: '4.0' },
      version: '4.0',
    });
    expect(await session.dataExchange('MY_SCREEN', { name: 'Ada' })).toMatchObject({
      kind: 'success',
      params: { greeting: 'Hi Ada', flow_token: sent.token },
    });
    const unsigned = emulator.flowClient({ endpointUrl: `${t.url}/flows/v4`, waId: CUSTOMER, flowToken: sent.token });
    const refused = await unsigned.dataExchange('MY_SCREEN', { name: 'Ada' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'invalid-flow-token', status: 427 });
  });
});
