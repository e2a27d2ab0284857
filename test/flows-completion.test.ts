// The nfm_reply completion path of the app: a reply to any token Flowgate issued becomes a submission,
// whether its flow is registered in this process or not (`flowgate flows send` issues tokens for any
// flow name), and a flow whose registration failed does not stop the next one from registering.
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { createApp } from '../src/server/app.js';
import { APP_SECRET, startTestApp, waitFor, type TestApp } from './helpers.js';
import { issueTestToken, testFlowJson } from './flows-helpers.js';

const CUSTOMER = '15557654321';
let t: TestApp | null = null;
let emulator: Emulator | null = null;

afterEach(async () => {
  await t?.stop();
  await emulator?.close();
  t = null;
  emulator = null;
});

describe('flow completion', () => {
  it('records the reply to a token of a flow this process does not serve', async () => {
    t = await startTestApp({});
    emulator = createEmulator({ appSecret: APP_SECRET, accessToken: 'unused', webhookUrl: `${t.url}/webhook` });
    const token = 'ft_issued_by_the_cli_for_a_custom_flow';
    await issueTestToken(t.app, 'custom', token, CUSTOMER);
    await emulator
      .customer(CUSTOMER, 'Grace')
      .sendFlowReply({ flow_token: token, answer: 'yes' }, 'wamid.flow-message');
    const app = t.app;
    const submission = await waitFor(
      async () => (await app.gateway.store.flows.submissionByToken(token)) ?? undefined,
      10_000,
      'submission',
    );
    expect(submission).toMatchObject({ flow: 'custom', wa_id: CUSTOMER });
    expect(JSON.parse(submission.response_json)).toEqual({ flow_token: token, answer: 'yes' });
    expect(await app.gateway.store.flows.getToken(token)).toMatchObject({ state: 'completed' });
  });

  it('registers a valid flow after an invalid one was refused', () => {
    const app = createApp({ config: { appSecret: APP_SECRET, verifyToken: 'v', dataDir: '/nonexistent/flowgate' } });
    expect(() => app.flow('bad', { json: { ...testFlowJson(), screens: [] } })).toThrow(/invalid Flow JSON/);
    expect(app.flow('good', { json: testFlowJson() }).name).toBe('good');
  });
});
