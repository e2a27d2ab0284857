// `flowgate keys …`, `flowgate start` and `flowgate dev` from source (the built program's stand-in),
// against a real SQLite data dir and the emulator over loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createEmulator, type Emulator } from '../src/emulator/index.js';

const run = promisify(execFile);
const CLI = new URL('./fixtures/flowgate-cli.ts', import.meta.url).pathname;
const TOKEN = 'EAAkeys-cli-token-0123456789';
const PHONE = '106540352242922';
const dirs: string[] = [];
let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = createEmulator({ appSecret: 'keys-cli-secret', accessToken: TOKEN, statusDelayMs: 1 });
  const { url } = await emulator.listen(0, '127.0.0.1');
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-keys-cli-'));
  dirs.push(dataDir);
  env = {
    FLOWGATE_DATA_DIR: dataDir,
    FLOWGATE_GRAPH_URL: url,
    FLOWGATE_ACCESS_TOKEN: TOKEN,
    FLOWGATE_PHONE_NUMBER_ID: PHONE,
    FLOWGATE_MASTER_KEY: randomBytes(32).toString('base64'),
    FLOWGATE_LOG_LEVEL: 'silent',
  };
});
afterAll(async () => {
  await emulator.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FLOWGATE_')));
}

function cli(args: readonly string[], extra: Record<string, string> = {}) {
  return run(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...baseEnv(), ...env, ...extra },
    timeout: 30_000,
  });
}

async function json<T>(args: readonly string[]): Promise<T> {
  return JSON.parse((await cli([...args, '--json'])).stdout) as T;
}

interface Key {
  id: string;
  state: string;
  fingerprint: string;
}

describe('flowgate keys', () => {
  it('generate → list → upload → verify → show-public → rotate → retire → audit', { timeout: 120_000 }, async () => {
    const generated = await json<Key>(['keys', 'generate']);
    expect(generated.state).toBe('pending');
    const listed = (await cli(['keys', 'list'])).stdout;
    expect(listed).toMatch(new RegExp(`${generated.id}\\s+pending\\s+2048`));

    const uploaded = (await cli(['keys', 'upload'])).stdout;
    expect(uploaded).toMatch(new RegExp(`uploaded and verified ${generated.id} .*now active`));
    const verified = await json<{ remote: { signatureStatus: string } }>(['keys', 'verify']);
    expect(verified.remote.signatureStatus).toBe('VALID');
    const pem = (await cli(['keys', 'show-public'])).stdout;
    expect(pem.trim()).toBe(emulator.businessPublicKey()?.trim());
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);

    const rotated = await json<{ key: Key; previous: Key }>(['keys', 'rotate']);
    expect(rotated.previous).toMatchObject({ id: generated.id, state: 'retiring' });
    expect((await cli(['keys', 'retire', generated.id])).stdout).toContain(`retired ${generated.id}`);
    await expect(cli(['keys', 'retire', rotated.key.id])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/active key: rotate to a new key first/) as unknown,
    });

    const audit = await json<{ action: string; actor: string; outcome: string }[]>(['keys', 'audit']);
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['generate', 'upload', 'verify', 'rotate', 'retire']),
    );
    expect(new Set(audit.map((e) => e.actor))).toEqual(new Set([userInfo().username]));
  });

  it(
    'imports an encrypted PKCS#1 (des-ede3-cbc) key with --passphrase-file, never from an argument',
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'flowgate-keys-import-'));
      dirs.push(dir);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const file = join(dir, 'private.pem');
      writeFileSync(
        file,
        privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'des-ede3-cbc', passphrase: 's3cret' }),
      );
      writeFileSync(join(dir, 'pass.txt'), 's3cret\n');
      writeFileSync(join(dir, 'wrong.txt'), 'nope\n');
      writeFileSync(join(dir, 'notes.txt'), 'just some notes\n');

      await expect(cli(['keys', 'import', file])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/encrypted: give its passphrase with --passphrase-file/) as unknown,
      });
      await expect(cli(['keys', 'import', file, '--passphrase-file', join(dir, 'wrong.txt')])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/could not be decrypted with this passphrase/) as unknown,
      });
      await expect(cli(['keys', 'import', join(dir, 'notes.txt')])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/not a PEM private key/) as unknown,
      });
      await expect(cli(['keys', 'import', file, '--passphrase', 's3cret'])).rejects.toMatchObject({ code: 1 });
      const imported = await json<Key & { source: string }>([
        'keys',
        'import',
        file,
        '--passphrase-file',
        join(dir, 'pass.txt'),
      ]);
      expect(imported).toMatchObject({ state: 'pending', source: 'imported' });
      const activated = await json<{ promoted: boolean; key: Key }>(['keys', 'upload', imported.id]);
      expect(activated).toMatchObject({ promoted: true, key: { id: imported.id, state: 'active' } });
    },
  );

  it('a forced MISMATCH fails the rotation with a clear message and keeps the key active', async () => {
    const before = (await json<Key[]>(['keys', 'list'])).find((k) => k.state === 'active');
    emulator.setKeyStatus('MISMATCH');
    try {
      await expect(cli(['keys', 'rotate'])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/signature status is MISMATCH, not VALID/) as unknown,
      });
    } finally {
      emulator.setKeyStatus('VALID');
    }
    const after = (await json<Key[]>(['keys', 'list'])).find((k) => k.state === 'active');
    expect(after?.id).toBe(before?.id);
  });

  it('needs a phone number id', async () => {
    await expect(cli(['keys', 'list'], { FLOWGATE_PHONE_NUMBER_ID: '' })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--phone-number-id/) as unknown,
    });
  });
});

describe('master key for start and dev', () => {
  it('flowgate start refuses to run without FLOWGATE_MASTER_KEY', async () => {
    await expect(
      cli(['start', '--port', '0'], {
        FLOWGATE_MASTER_KEY: '',
        FLOWGATE_APP_SECRET: 'x'.repeat(32),
        FLOWGATE_VERIFY_TOKEN: 'v',
      }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/FLOWGATE_MASTER_KEY is not set/) as unknown });
  });

  it('flowgate dev generates a master key (mode 0600) and an active key on the emulator, and reuses both', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-keys-dev-'));
    dirs.push(dataDir);
    const startDev = async (): Promise<string[]> => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CLI, 'dev', '--no-demo', '--port', '0', '--data-dir', dataDir],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...baseEnv(), FLOWGATE_LOG_LEVEL: 'warn' },
        },
      );
      const seen: string[] = [];
      const lines = createInterface({ input: child.stdout });
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => {
          reject(new Error(`dev exited early with ${code}: ${seen.join('\n')}`));
        });
        lines.on('line', (line) => {
          seen.push(line);
          if (line.includes('Press Ctrl+C')) resolve();
        });
      });
      // The dev admin API lists the ring (and gives the process a moment before the signal).
      const api = /admin API\s+(http:\/\/\S+)\/api/.exec(seen.join('\n'))?.[1];
      const { adminToken } = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as {
        adminToken: string;
      };
      const res = await fetch(`${api ?? ''}/api/keys`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(((await res.json()) as { keys: Key[] }).keys.some((k) => k.state === 'active')).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      return seen;
    };
    const first = (await startDev()).join('\n');
    expect(first).toMatch(/generated a dev master key in .*dev-master-key/);
    expect(first).toMatch(/flows key\s+key_[0-9a-f]{24} .*generated, uploaded and verified on the emulator/);
    expect(statSync(join(dataDir, 'dev-master-key')).mode & 0o777).toBe(0o600);
    const second = (await startDev()).join('\n');
    expect(second).not.toMatch(/generated a dev master key/);
    const id = /flows key\s+(key_[0-9a-f]{24})/.exec(first)?.[1];
    expect(second).toMatch(new RegExp(`flows key\\s+${id ?? 'none'} .*uploaded again and verified`));
  }, 60_000);
});
