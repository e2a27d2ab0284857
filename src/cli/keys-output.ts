// Terminal pieces of `flowgate keys`: the key table, times, and a passphrase prompt that echoes nothing.
import type { KeyInfo } from '../keys/index.js';

export function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function printKeyTable(keys: readonly KeyInfo[]): void {
  if (keys.length === 0) {
    console.log('(no keys: run `flowgate keys rotate`, or `generate`/`import` then `upload`)');
    return;
  }
  const rows = keys.map((k) => [
    k.id,
    k.state,
    String(k.bits),
    k.fingerprint.slice(0, 16),
    k.source,
    time(k.createdAt),
    time(k.activatedAt),
    k.state === 'retiring' ? time(k.graceUntil) : '-',
  ]);
  const header = ['id', 'state', 'bits', 'fingerprint', 'source', 'created', 'activated', 'grace until'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const row of all)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

/** Reads one line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error === undefined) resolve(value);
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          done();
          return;
        }
        if (char === '\u0003') {
          done(new Error('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
