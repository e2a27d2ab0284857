// The `flowgate` command line from source: `dev` starts, receives a signed webhook and stops cleanly on
// SIGTERM/SIGINT; the operations commands list events and dead jobs, replay jobs and requeue the inbox.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { signBody } from '../src/protocol/index.js';
import { startTestApp, textWebhook, waitFor } from './helpers.js';

const run = promisify(execFile);
const CLI = new URL('./fixtures/flowgate-cli.ts', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(args: readonly string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });
}

describe('flowgate dev', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves the webhook with generated secrets and stops cleanly on %s',
    async (signal) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-dev-'));
      dirs.push(dataDir);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CLI, 'dev', '--no-demo', '--port', '0', '--data-dir', dataDir],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, FLOWGATE_LOG_LEVEL: 'warn' },
        },
      );
      const lines = createInterface({ input: child.stdout });
      const url = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => {
          reject(new Error(`dev exited early with ${code}`));
        });
        lines.on('line', (line) => {
          const match = /webhook\s+(http:\/\/\S+)\/webhook/.exec(line);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
      });
      const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as {
        appSecret: string;
        verifyToken: string;
      };
      const challenge = await fetch(
        `${url}/webhook?hub.mode=subscribe&hub.verify_token=${secrets.verifyToken}&hub.challenge=42`,
      );
      expect(await challenge.text()).toBe('42');
      const body = textWebhook([{ id: `wamid.dev-${signal}` }]);
      const res = await fetch(`${url}/webhook`, {
        method: 'POST',
        body,
        headers: { 'x-hub-signature-256': signBody(body, secrets.appSecret) },
      });
      expect(res.status).toBe(200);

      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => {
          resolve(code);
        }),
      );
      await waitFor(async () => {
        const { stdout } = await cli(['events', 'list', '--json', '--data-dir', dataDir]);
        return (JSON.parse(stdout) as unknown[]).length === 1 || undefined;
      });
      child.kill(signal);
      expect(await exited).toBe(0);
    },
  );
});

describe('flowgate dev, stopped while starting', () => {
  it('finishes starting, then shuts down cleanly on a SIGTERM that came early', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-dev-early-'));
    dirs.push(dataDir);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'dev', '--no-demo', '--port', '0', '--data-dir', dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FLOWGATE_LOG_LEVEL: 'warn' },
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
      }),
    );
    // The dev secrets file is written before the store, the emulator and the gateway start.
    await waitFor(() => (existsSync(join(dataDir, 'dev-secrets.json')) ? true : undefined), 20_000);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});

describe('flowgate start', () => {
  it('serves the ready flows FLOWGATE_APPS names, and only those', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-start-'));
    dirs.push(dataDir);
    const appSecret = 'start-test-app-secret-0123456789';
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        FLOWGATE_LOG_LEVEL: 'info',
        FLOWGATE_APPS: 'booking,kyc',
        FLOWGATE_APP_SECRET: appSecret,
        FLOWGATE_VERIFY_TOKEN: 'start-test-verify-token',
        FLOWGATE_ACCESS_TOKEN: 'EAAstart-test-access-token',
        FLOWGATE_PHONE_NUMBER_ID: '106540352242922',
        FLOWGATE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const lines = createInterface({ input: child.stdout });
      const started = await new Promise<{ url: string; flows: string[] }>((resolve, reject) => {
        void exited.then((code) => {
          reject(new Error(`start exited early with ${String(code)}`));
        });
        lines.on('line', (line) => {
          const match = /Flowgate listening on (http:\/\/[^\s"]+)/.exec(line);
          if (match?.[1] !== undefined)
            resolve({ url: match[1], flows: (JSON.parse(line) as { flows: string[] }).flows });
        });
      });
      expect(started.flows).toEqual(['booking', 'kyc']);
      const post = async (flow: string) => {
        const body = JSON.stringify({ encrypted_flow_data: 'AA==', encrypted_aes_key: 'AA==', initial_vector: 'AA==' });
        const res = await fetch(`${started.url}/flows/${flow}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, appSecret) },
        });
        return res.status;
      };
      // Served: signed but not decryptable (421, as the client re-fetches the key); not served: 404.
      expect(await post('booking')).toBe(421);
      expect(await post('kyc')).toBe(421);
      expect(await post('survey')).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses an unknown name in FLOWGATE_APPS with a clear message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-start-bad-'));
    dirs.push(dataDir);
    const failed = await cli(['start', '--port', '0', '--data-dir', dataDir], {
      FLOWGATE_APPS: 'booking,bookings',
      FLOWGATE_APP_SECRET: 'x'.repeat(32),
      FLOWGATE_VERIFY_TOKEN: 'start-test-verify-token',
      FLOWGATE_ACCESS_TOKEN: 'EAAstart-test-access-token',
      FLOWGATE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    }).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/FLOWGATE_APPS|apps/);
    expect(failed?.stderr).toMatch(/bookings/);
  });
});

describe('flowgate dev demo', () => {
  it('completes the live round trip through the emulator and shuts down cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-demo-'));
    dirs.push(dataDir);
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'dev', '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FLOWGATE_LOG_LEVEL: 'warn' },
    });
    const lines = createInterface({ input: child.stdout });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no round trip; output so far:\n${seen.join('\n')}`));
      }, 25_000);
      child.once('exit', (code) => {
        reject(new Error(`dev exited early with ${code}`));
      });
      lines.on('line', (line) => {
        seen.push(line);
        if (line.includes('round trip complete')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(seen.join('\n')).toMatch(/verification handshake: ok/);
    const { stdout } = await cli(['events', 'list', '--json', '--data-dir', dataDir, '--limit', '50']);
    const kinds = (JSON.parse(stdout) as { kind: string }[]).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'message.text',
        'message.button_reply',
        'status.sent',
        'status.delivered',
        'status.read',
      ]),
    );
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});

describe('flowgate send', () => {
  it('refuses a free-form message outside the window and queues a template', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-send-'));
    dirs.push(dataDir);
    const env = { FLOWGATE_PHONE_NUMBER_ID: '106540352242922' };
    await expect(
      cli(['send', '--to', '+15551234567', '--text', 'hello', '--data-dir', dataDir], env),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/24 hours|never messaged/) as unknown,
    });
    const { stdout } = await cli(
      ['send', '--to', '+15551234567', '--template', 'hello_world', '--json', '--data-dir', dataDir],
      env,
    );
    expect(JSON.parse(stdout)).toMatchObject({ created: true, id: expect.stringMatching(/^out_/) as unknown });
    await expect(
      cli(['send', '--to', 'not-a-number', '--template', 'x', '--data-dir', dataDir], env),
    ).rejects.toMatchObject({ code: 1 });
  });
});

describe('operations commands', () => {
  it('lists events, dead jobs, replays them and requeues the inbox', async () => {
    const t = await startTestApp({ jobMaxAttempts: 1 }, {}, (app) =>
      app.on('message.text', () => {
        throw new Error('handler is broken');
      }),
    );
    dirs.push(t.dataDir);
    expect((await t.post(textWebhook([{ id: 'wamid.ops-1' }, { id: 'wamid.ops-2' }]))).status).toBe(200);
    await waitFor(async () => ((await t.app.gateway.queue.listDead()).length === 2 ? true : undefined));
    await t.app.stop();
    const dataArgs = ['--data-dir', t.dataDir];

    const events = JSON.parse((await cli(['events', 'list', '--json', '--kind', 'message.*', ...dataArgs])).stdout) as {
      kind: string;
      event: { id: string };
    }[];
    expect(events.map((e) => e.event.id).sort()).toEqual(['wamid.ops-1', 'wamid.ops-2']);
    expect(JSON.parse((await cli(['events', 'list', '--json', '--kind', 'status.*', ...dataArgs])).stdout)).toEqual([]);
    expect((await cli(['events', 'list', '--limit', '1', ...dataArgs])).stdout).toMatch(/message\.text/);

    const dead = JSON.parse((await cli(['jobs', 'dead', '--json', ...dataArgs])).stdout) as {
      id: number;
      lastError: string;
    }[];
    expect(dead).toHaveLength(2);
    expect(dead[0]!.lastError).toMatch(/handler is broken/);

    expect((await cli(['jobs', 'replay', String(dead[0]!.id), ...dataArgs])).stdout).toMatch(/replayed 1 job/);
    await expect(cli(['jobs', 'replay', '999999', ...dataArgs])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/not a dead job/) as unknown,
    });
    await expect(cli(['jobs', 'replay', ...dataArgs])).rejects.toMatchObject({ code: 2 });
    expect((await cli(['jobs', 'replay', '--all-dead', ...dataArgs])).stdout).toMatch(/replayed 1 job/);
    expect(JSON.parse((await cli(['jobs', 'dead', '--json', ...dataArgs])).stdout)).toEqual([]);

    expect((await cli(['inbox', 'reprocess', '--since', '2000-01-01T00:00:00Z', ...dataArgs])).stdout).toMatch(
      /^1 webhook body queued/,
    );
    await expect(cli(['inbox', 'reprocess', '--since', 'yesterday-ish', ...dataArgs])).rejects.toMatchObject({
      code: 2,
    });
  }, 120_000); // nine CLI processes, each a few seconds to start from the TypeScript sources
});
