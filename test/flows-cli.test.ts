// `flowgate flows send` from source: it issues a token, queues the Flow message in the outbox and prints the
// token; a ready flow's Flow JSON is used when no file is given; the 24-hour window is enforced.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { decryptFlowResponse, encryptFlowRequest, signBody } from '../src/protocol/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/index.js';
import { loadConfig } from '../src/config/index.js';
import { startTestApp, textWebhook, waitFor, type TestApp } from './helpers.js';

const run = promisify(execFile);
const CLI = new URL('./fixtures/flowgate-cli.ts', import.meta.url).pathname;
const FLOW_JSON = new URL('./fixtures/flow-endpoint-test.json', import.meta.url).pathname;
const env = { FLOWGATE_PHONE_NUMBER_ID: '106540352242922', FLOWGATE_LOG_LEVEL: 'silent' };

function cli(args: readonly string[]) {
  return run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });
}

let t: TestApp | null = null;
const dirs: string[] = [];
afterAll(async () => {
  await t?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('flowgate flows send', () => {
  it('prints the token of a queued Flow message, for a ready flow and for a Flow JSON file', async () => {
    t = await startTestApp();
    expect(
      (
        await t.post(
          textWebhook([{ id: 'wamid.cli-flow-1', from: '15551234567', timestamp: Math.floor(Date.now() / 1000) }]),
        )
      ).status,
    ).toBe(200);
    await waitFor(async () => (await t?.app.gateway.store.flows.contact('15551234567')) ?? undefined);
    await t.app.stop();
    const dataDir = ['--data-dir', t.dataDir];

    const json = await cli(['flows', 'send', 'booking', '--to', '+15551234567', '--cta', 'Book', '--json', ...dataDir]);
    const sent = JSON.parse(json.stdout) as { flow: string; token: string; outboundId: string; expiresAt: string };
    expect(sent).toMatchObject({ flow: 'booking', token: expect.stringMatching(/^ft_/) as unknown });

    const plain = await cli([
      'flows',
      'send',
      'demo',
      '--to',
      '+15551234567',
      '--flow-json',
      FLOW_JSON,
      '--ttl-hours',
      '2',
      ...dataDir,
    ]);
    const token = plain.stdout.trim();
    expect(token).toMatch(/^ft_[A-Za-z0-9_-]{32}$/);
    expect(plain.stderr).toMatch(/^queued out_/);

    // A lifetime past 30 days is refused before a token is stored or a message queued.
    const tooLong = await cli([
      'flows',
      'send',
      'booking',
      '--to',
      '+15551234567',
      '--ttl-hours',
      '99999999999',
      ...dataDir,
    ]).catch((e: unknown) => e);
    expect(tooLong).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('must be at most 720 (30 days)') as unknown,
    });
    expect((tooLong as { stderr: string }).stderr).not.toMatch(/\n\s+at /);

    const refused = await cli(['flows', 'send', 'booking', '--to', '+15550000001', ...dataDir]).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/24 hours|never messaged/) as unknown });

    const store = await Store.open(loadConfig({ overrides: { dataDir: t.dataDir } }));
    try {
      const booking = await store.flows.getToken(sent.token);
      expect(booking).toMatchObject({
        flow: 'booking',
        wa_id: '15551234567',
        state: 'issued',
        outbound_id: sent.outboundId,
      });
      const demo = await store.flows.getToken(token);
      expect(demo?.flow).toBe('demo');
      expect((demo?.expires_at ?? 0) - (demo?.created_at ?? 0)).toBe(2 * 3_600_000);
      const outbox = await store.outbound.get(sent.outboundId);
      expect(outbox?.body).toMatchObject({
        type: 'interactive',
        interactive: {
          type: 'flow',
          action: { parameters: { flow_token: sent.token, flow_name: 'booking', flow_cta: 'Book' } },
        },
      });
      const rows = await store.db.selectFrom('flow_tokens').select('wa_id').execute();
      expect(rows.map((r) => r.wa_id)).not.toContain('15550000001');
      // The two sends that went out, and nothing from the refused ones.
      expect(rows).toHaveLength(2);
    } finally {
      await store.close();
    }
  }, 90_000);
});

describe('flowgate dev serves the ready flows', () => {
  it('answers an encrypted ping at /flows/booking with the dev business key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-flows-dev-'));
    dirs.push(dataDir);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'dev', '--no-demo', '--port', '0', '--data-dir', dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FLOWGATE_LOG_LEVEL: 'warn' },
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const lines = createInterface({ input: child.stdout });
      const seen: string[] = [];
      const { flows, emulator } = await new Promise<{ flows: string; emulator: string }>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`dev did not start:\n${seen.join('\n')}`));
        }, 25_000);
        let meta = '';
        lines.on('line', (line) => {
          seen.push(line);
          const e = /emulator\s+(http:\/\/\S+)/.exec(line);
          if (e?.[1] !== undefined) meta = e[1];
          const f = /flows\s+(http:\/\/\S+)\/flows\/<name>\s+\((.*)\)/.exec(line);
          if (f?.[1] !== undefined && f[2] !== undefined) {
            clearTimeout(timer);
            expect(f[2].split(', ').sort()).toEqual([
              'booking',
              'budget',
              'expense',
              'kyc',
              'preferences',
              'schedule',
              'survey',
            ]);
            resolve({ flows: f[1], emulator: meta });
          }
        });
      });
      const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as {
        appSecret: string;
        accessToken: string;
      };
      const key = (await (
        await fetch(`${emulator}/v24.0/106540352242922/whatsapp_business_encryption`, {
          headers: { authorization: `Bearer ${secrets.accessToken}` },
        })
      ).json()) as { data: { business_public_key: string }[] };
      const pem = key.data[0]?.business_public_key ?? '';
      const { body, aesKey, iv } = encryptFlowRequest({ version: '3.0', action: 'ping' }, pem);
      const raw = JSON.stringify(body);
      const res = await fetch(`${flows}/flows/booking`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, secrets.appSecret) },
        body: raw,
      });
      expect(res.status).toBe(200);
      expect(decryptFlowResponse(await res.text(), aesKey, iv)).toEqual({ data: { status: 'active' } });
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 90_000);
});
