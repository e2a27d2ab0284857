// Shared test helpers: a Flowgate app on a loopback port with a fresh data dir, signed webhook bodies
// shaped like Meta's, and polling without sleeps of fixed length.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type CreateAppOptions, type FlowgateApp } from '../src/index.js';
import { signBody } from '../src/protocol/index.js';
import { silentLogger } from '../src/log/index.js';
import type { ConfigInput } from '../src/config/index.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../src/emulator/index.js';

export const APP_SECRET = 'test-app-secret-0123456789abcdef';
export const VERIFY_TOKEN = 'test-verify-token';
export const FIXTURES = new URL('../../shared/protocol/fixtures/', import.meta.url);

export function fixturePath(relative: string): string {
  return new URL(relative, FIXTURES).pathname;
}

export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export interface TestApp {
  app: FlowgateApp;
  url: string;
  dataDir: string;
  post(
    body: string | Uint8Array,
    options?: { signature?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestApp(
  config: ConfigInput = {},
  options: Omit<CreateAppOptions, 'config'> = {},
  setup?: (app: FlowgateApp) => void,
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-test-'));
  const app = createApp({
    config: {
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      // Tests share both cores with each other: a dispatch thread below them, or one that rests while the
      // cores are contended, would only make waits longer.
      dispatchNice: 0,
      dispatchShareWhenContended: 1,
      // Picker files come from the emulator (allowed as graphUrl's CDN) or from a test's own loopback CDN.
      flowMediaHosts: ['http://127.0.0.1:*'],
      ...config,
    },
    logger: silentLogger(),
    pollMs: 50,
    retryBaseMs: 20,
    ...options,
  });
  setup?.(app);
  const listening = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: listening.url,
    dataDir,
    post: (body, opts = {}) => {
      const signature = opts.signature === undefined ? signBody(body, APP_SECRET) : opts.signature;
      const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
      if (signature !== null) headers['x-hub-signature-256'] = signature;
      return fetch(`${listening.url}/webhook`, { method: 'POST', headers, body });
    },
    stop: async () => {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The Graph side of the tests that talk to the emulator: its token, the business number, the admin token. */
export const ACCESS_TOKEN = 'EAAtest-access-token-0123456789';
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const PHONE_NUMBER_ID = '106540352242922';

export interface EmulatorPair {
  t: TestApp;
  emulator: Emulator;
  graphUrl: string;
}

/**
 * The emulator on loopback as Meta, and a Flowgate app whose Graph client points at it and whose webhook URL
 * the emulator delivers to.
 */
export async function startWithEmulator(
  options: {
    config?: ConfigInput;
    app?: Omit<CreateAppOptions, 'config'>;
    setup?: (app: FlowgateApp) => void;
    emulator?: Omit<EmulatorOptions, 'appSecret' | 'accessToken'>;
  } = {},
): Promise<EmulatorPair> {
  const emulator = createEmulator({
    appSecret: APP_SECRET,
    accessToken: ACCESS_TOKEN,
    statusDelayMs: 5,
    ...options.emulator,
  });
  const { url } = await emulator.listen(0, '127.0.0.1');
  const t = await startTestApp(
    {
      accessToken: ACCESS_TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      graphUrl: url,
      adminToken: ADMIN_TOKEN,
      ...options.config,
    },
    options.app,
    options.setup,
  );
  emulator.setWebhookUrl(`${t.url}/webhook`);
  return { t, emulator, graphUrl: url };
}

/** Polls until `check` returns a value that is not undefined/false, or fails after `timeoutMs`. */
export { waitFor } from '../src/support/shared.test-util.js';

export interface TextMessageSpec {
  id: string;
  from?: string;
  text?: string;
  timestamp?: number;
}

const WABA_ID = '102290129340398';

export function messagesChange(
  messages: readonly TextMessageSpec[],
  statuses: readonly { id: string; status: string; recipient?: string }[] = [],
): Record<string, unknown> {
  const senders = [...new Set(messages.map((m) => m.from ?? '16505551234'))];
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
      ...(messages.length > 0
        ? { contacts: senders.map((wa) => ({ profile: { name: `Customer ${wa.slice(-4)}` }, wa_id: wa })) }
        : {}),
      ...(messages.length > 0
        ? {
            messages: messages.map((m) => ({
              from: m.from ?? '16505551234',
              id: m.id,
              timestamp: String(m.timestamp ?? 1_750_000_000),
              type: 'text',
              text: { body: m.text ?? `hello ${m.id}` },
            })),
          }
        : {}),
      ...(statuses.length > 0
        ? {
            statuses: statuses.map((s) => ({
              id: s.id,
              status: s.status,
              timestamp: '1750000100',
              recipient_id: s.recipient ?? '16505551234',
            })),
          }
        : {}),
    },
  };
}

export function envelope(changesPerEntry: readonly (readonly Record<string, unknown>[])[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: changesPerEntry.map((changes) => ({ id: WABA_ID, changes })),
  });
}

export function textWebhook(messages: readonly TextMessageSpec[]): string {
  return envelope([[messagesChange(messages)]]);
}
