// Master key and business key for `flowgate start` / `flowgate dev`: start refuses to run without
// FLOWGATE_MASTER_KEY; dev generates one into the data directory (mode 0600) and puts an active,
// uploaded key on the emulator's number so Flows work out of the box.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowgateConfig } from '../config/index.js';
import type { FlowgateApp } from '../server/app.js';
import { CliError } from './main.js';

export const DEV_MASTER_KEY_FILE = 'dev-master-key';

export function requireMasterKey(config: FlowgateConfig): void {
  if (config.masterKey === null) {
    throw new CliError(
      'FLOWGATE_MASTER_KEY is not set: it encrypts the Flows private keys at rest. Set it to 32 random bytes in base64 (openssl rand -base64 32) and keep it safe; without the same value the stored keys cannot be opened.',
      2,
    );
  }
}

/** The dev master key from the data directory, generated on first use; `created` says whether it is new. */
export function devMasterKey(dataDir: string): { masterKey: string; path: string; created: boolean } {
  const path = join(dataDir, DEV_MASTER_KEY_FILE);
  if (existsSync(path)) return { masterKey: readFileSync(path, 'utf8').trim(), path, created: false };
  const masterKey = randomBytes(32).toString('base64');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${masterKey}\n`, { mode: 0o600, flag: 'wx' });
  return { masterKey, path, created: true };
}

/**
 * The emulator forgets everything when it stops, so each dev start uploads the active key again; the
 * first start generates one (rotate: generate → upload → verify → activate). Returns a status line.
 */
export async function ensureDevBusinessKey(app: FlowgateApp, phoneNumberId: string): Promise<string> {
  const ring = app.keys;
  try {
    const active = (await ring.list(phoneNumberId)).find((k) => k.state === 'active');
    const result =
      active === undefined
        ? await ring.rotate(phoneNumberId, { actor: 'dev' })
        : await ring.upload(phoneNumberId, { actor: 'dev', id: active.id });
    const how = active === undefined ? 'generated, uploaded and verified' : 'uploaded again and verified';
    return `${result.key.id} (fingerprint ${result.key.fingerprint.slice(0, 16)}…) ${how} on the emulator`;
  } catch (error) {
    return `NOT READY: ${error instanceof Error ? error.message : 'unknown error'}`;
  }
}
