// Crash safety: a real server process is SIGKILLed in the middle of a stream of signed webhooks and
// restarted; every webhook that got a 200 (and every one Meta would retry) is handled exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { signBody } from '../src/protocol/index.js';
import { textWebhook, waitFor } from './helpers.js';

const SECRET = 'crash-secret-0123456789abcdef';
const TOTAL = 3000;
const KILL_AFTER_ACKS = 1200;
const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startChild(): Promise<{ child: ChildProcess; port: number }> {
  const script = new URL('./fixtures/counting-app.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, SECRET], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`child exited early with ${code}`));
    });
    lines.once('line', (line) => {
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return { child, port };
}

async function send(port: number, i: number): Promise<boolean> {
  const body = textWebhook([{ id: `wamid.crash-${i}`, text: `message ${i}` }]);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, SECRET) },
      body,
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

describe('crash safety', () => {
  it('handles every acknowledged webhook exactly once across a SIGKILL and restart', async () => {
    const first = await startChild();
    const acked = new Set<number>();
    let next = 0;
    let killed = false;
    const worker = async (): Promise<void> => {
      while (!killed && next < TOTAL) {
        const i = next++;
        if (await send(first.port, i)) acked.add(i);
        if (acked.size >= KILL_AFTER_ACKS && !first.child.killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    expect(killed).toBe(true);
    if (first.child.exitCode === null && first.child.signalCode === null) {
      await new Promise((r) => first.child.once('exit', r));
    }

    // Meta retries everything that was not acknowledged, and (as it may) a share of what was.
    const second = await startChild();
    const resend = [...Array(TOTAL).keys()].filter((i) => !acked.has(i) || i % 7 === 0);
    let cursor = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (cursor < resend.length) {
          const i = resend[cursor++]!;
          expect(await send(second.port, i)).toBe(true);
        }
      }),
    );

    const db = new Database(join(dataDir, 'flowgate.db'), { readonly: true });
    try {
      const counted = await waitFor(
        () => {
          const row = db.prepare('select count(*) as c from handled').get() as { c: number };
          return row.c === TOTAL ? row.c : undefined;
        },
        60_000,
        `${TOTAL} handled messages`,
      );
      expect(counted).toBe(TOTAL);
      const doubles = db.prepare('select count(*) as c from handled where n <> 1').get() as { c: number };
      expect(doubles.c).toBe(0);
      for (const i of acked) {
        expect(db.prepare('select n from handled where message_id = ?').get(`wamid.crash-${i}`)).toEqual({ n: 1 });
      }
      const events = db.prepare("select count(*) as c from events where kind = 'message.text'").get() as { c: number };
      expect(events.c).toBe(TOTAL);
    } finally {
      db.close();
    }
    second.child.kill('SIGTERM');
  }, 120_000);
});
