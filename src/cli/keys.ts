// `flowgate keys …`: the business encryption key ring from the command line. Works on the database
// directly (beside a running gateway, which sees changes within a second) and on Graph through the
// configured access token. Passphrases come from a file or a hidden prompt, never from an argument.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { GraphClient } from '../graph/index.js';
import { isEncryptedPem, KeyRing, KeyRingError, type KeyInfo, type UploadResult } from '../keys/index.js';
import { Store } from '../store/index.js';
import { CliError, configFor, globals, parsePositiveInt } from './main.js';
import { printKeyTable, promptHidden, time } from './keys-output.js';

interface KeyOpts {
  phoneNumberId?: string;
  json?: boolean;
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('business encryption keys for Flows (generate, upload, rotate…)');
  const sub = (name: string, description: string): Command =>
    keys
      .command(name)
      .description(description)
      .option('--phone-number-id <id>', 'the business phone number id (default FLOWGATE_PHONE_NUMBER_ID)')
      .option('--json', 'print JSON');

  sub('generate', 'generate a new pending RSA key (upload it to activate)')
    .option('--bits <n>', 'key size: 2048, 3072 or 4096', parsePositiveInt, 2048)
    .action((opts: KeyOpts & { bits: number }, cmd: Command) =>
      withRing(cmd, opts, async (ring, pn) => {
        const key = await ring.generate(pn, { actor: actor(), bits: opts.bits });
        print(
          opts,
          key,
          `generated ${key.id} (${key.bits} bits, fingerprint ${key.fingerprint}), pending: run \`flowgate keys upload ${key.id}\` to activate it`,
        );
      }),
    );

  sub('import', 'import a PEM private key (PKCS#1 or PKCS#8, encrypted or not) as a pending key')
    .argument('<file>', 'PEM file')
    .option('--passphrase-file <file>', 'file holding the passphrase of an encrypted key')
    .action((file: string, opts: KeyOpts & { passphraseFile?: string }, cmd: Command) =>
      withRing(cmd, opts, async (ring, pn) => {
        const pem = readText(file, 'key file');
        const passphrase = await passphraseFor(pem, opts.passphraseFile);
        const key = await ring.import(pn, pem, { actor: actor(), ...(passphrase === undefined ? {} : { passphrase }) });
        print(
          opts,
          key,
          `imported ${key.id} (${key.bits} bits, fingerprint ${key.fingerprint}), pending: run \`flowgate keys upload ${key.id}\` to activate it`,
        );
      }),
    );

  sub('list', 'list the keys of the number').action((opts: KeyOpts, cmd: Command) =>
    withRing(cmd, opts, async (ring, pn) => {
      const list = await ring.list(pn);
      if (opts.json === true) console.log(JSON.stringify(list, null, 2));
      else printKeyTable(list);
    }),
  );

  sub('show-public', 'print the active public key PEM (or that of --id)')
    .option('--id <key>', 'a key id')
    .action((opts: KeyOpts & { id?: string }, cmd: Command) =>
      withRing(cmd, opts, async (ring, pn) => {
        const { key, pem } = await ring.publicKey(pn, opts.id);
        if (opts.json === true) console.log(JSON.stringify({ key, publicKey: pem }, null, 2));
        else process.stdout.write(pem.endsWith('\n') ? pem : `${pem}\n`);
      }),
    );

  sub('upload', 'upload a key to Meta and verify it; a pending key then becomes active (default: newest pending)')
    .argument('[id]', 'key id')
    .action((id: string | undefined, opts: KeyOpts, cmd: Command) =>
      withRing(cmd, opts, async (ring, pn) => {
        printUpload(opts, await ring.upload(pn, { actor: actor(), ...(id === undefined ? {} : { id }) }));
      }),
    );

  sub('verify', 'check that Meta holds the active key (or --id) with signature status VALID')
    .option('--id <key>', 'a key id')
    .action((opts: KeyOpts & { id?: string }, cmd: Command) =>
      withRing(cmd, opts, async (ring, pn) => {
        const result = await ring.verify(pn, { actor: actor(), ...(opts.id === undefined ? {} : { id: opts.id }) });
        print(
          opts,
          result,
          `ok: Meta holds ${result.key.id} (fingerprint ${result.key.fingerprint}), signature ${result.remote.signatureStatus ?? '?'}`,
        );
      }),
    );

  sub('rotate', 'generate, upload, verify and activate a new key; the old one keeps decrypting during the grace window')
    .option('--bits <n>', 'key size: 2048, 3072 or 4096', parsePositiveInt, 2048)
    .action((opts: KeyOpts & { bits: number }, cmd: Command) =>
      withRing(cmd, opts, async (ring, pn) => {
        printUpload(opts, await ring.rotate(pn, { actor: actor(), bits: opts.bits }));
      }),
    );

  sub('retire', 'retire a pending or retiring key now (it is kept sealed and never used again)')
    .argument('<id>', 'key id')
    .action((id: string, opts: KeyOpts, cmd: Command) =>
      withRing(cmd, opts, async (ring, pn) => {
        const key = await ring.retire(pn, id, { actor: actor() });
        print(opts, key, `retired ${key.id}`);
      }),
    );

  sub('audit', 'show the audit log of key operations')
    .option('--limit <n>', 'how many', parsePositiveInt, 50)
    .action((opts: KeyOpts & { limit: number }, cmd: Command) =>
      withRing(cmd, opts, async (ring, pn) => {
        const entries = await ring.auditLog({ phoneNumberId: pn, limit: opts.limit });
        if (opts.json === true) console.log(JSON.stringify(entries, null, 2));
        else
          for (const e of entries)
            console.log(
              `${time(e.at)}  ${e.action.padEnd(8)} ${e.outcome.padEnd(5)} ${e.key_id ?? '-'}  ${e.actor}${e.error === null ? '' : `  ${e.error}`}`,
            );
      }),
    );
}

async function withRing(
  cmd: Command,
  opts: KeyOpts,
  fn: (ring: KeyRing, phoneNumberId: string) => Promise<void>,
): Promise<void> {
  const config = configFor(globals(cmd));
  const phoneNumberId = opts.phoneNumberId ?? config.phoneNumberId;
  if (phoneNumberId === null)
    throw new CliError('name the number: --phone-number-id ID (or set FLOWGATE_PHONE_NUMBER_ID)', 2);
  if (!/^\d+$/.test(phoneNumberId)) throw new CliError('--phone-number-id must be digits', 2);
  const store = await Store.open(config);
  try {
    const graph =
      config.accessToken === null
        ? null
        : new GraphClient({ baseUrl: config.graphUrl, version: config.graphVersion, accessToken: config.accessToken });
    const ring = new KeyRing({
      keys: store.keys,
      masterKey: config.masterKey,
      graph,
      graceHours: config.keyGraceHours,
    });
    await fn(ring, phoneNumberId);
  } catch (error) {
    if (error instanceof KeyRingError) throw new CliError(error.message, 1);
    throw error;
  } finally {
    await store.close();
  }
}

function print(opts: KeyOpts, value: unknown, human: string): void {
  console.log(opts.json === true ? JSON.stringify(value, null, 2) : human);
}

function printUpload(opts: KeyOpts, r: UploadResult): void {
  const line = (k: KeyInfo) => `${k.id} (fingerprint ${k.fingerprint})`;
  const human = r.promoted
    ? `uploaded and verified ${line(r.key)}: now active${r.previous === null ? '' : `; ${r.previous.id} is retiring and keeps decrypting until ${time(r.previous.graceUntil ?? 0)}`}`
    : `uploaded and verified ${line(r.key)} again (still active)`;
  print(opts, r, human);
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 2);
  }
}

/** From the file (its last line break dropped), or a hidden prompt when the PEM is encrypted and a terminal is attached. */
async function passphraseFor(pem: string, file: string | undefined): Promise<string | undefined> {
  if (file !== undefined) return readText(file, 'passphrase file').replace(/\r?\n$/, '');
  if (!isEncryptedPem(pem)) return undefined;
  if (!process.stdin.isTTY) {
    throw new CliError(
      'the key is encrypted: give its passphrase with --passphrase-file FILE (or run in a terminal to be asked)',
      2,
    );
  }
  return promptHidden('Passphrase: ');
}

function actor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
