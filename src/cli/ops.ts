// Operations commands: events, dead jobs, replays, inbox reprocessing. They work on the database
// directly, so they run beside a live `flowgate start` (which picks up what they change).
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { SqlQueue, type Job, type QueueTables } from '../queue/index.js';
import { Store, type StoredEvent } from '../store/index.js';
import type { FlowgateConfig } from '../config/index.js';
import { OutboundService } from '../gateway/index.js';
import type { OutboundMessage } from '../protocol/index.js';

interface SendCommandOptions {
  to: string;
  text?: string;
  template?: string;
  lang: string;
  replyTo?: string;
  idempotencyKey?: string;
  json?: boolean;
}
import { CliError, configFor, globals, parsePositiveInt } from './main.js';

async function withStore<T>(
  cmd: Command,
  fn: (store: Store, queue: SqlQueue, config: FlowgateConfig) => Promise<T>,
): Promise<T> {
  const config = configFor(globals(cmd));
  const store = await Store.open(config);
  try {
    const queueDb = store.db as unknown as Kysely<QueueTables>;
    await SqlQueue.migrate(queueDb, store.opened.dialect);
    return await fn(store, new SqlQueue(queueDb), config);
  } finally {
    await store.close();
  }
}

export function registerOpsCommands(program: Command): void {
  program
    .command('send')
    .description('queue a message through the outbound path (a running gateway sends it within the rate limit)')
    .requiredOption('--to <phone>', 'recipient in E.164, e.g. +15551234567')
    .option('--text <text>', 'a text message')
    .option('--template <name>', 'an approved template (allowed outside the 24-hour window)')
    .option('--lang <code>', 'template language code', 'en_US')
    .option('--reply-to <wamid>', 'quote this inbound message')
    .option('--idempotency-key <key>', 'sending again with the same key does nothing')
    .option('--json', 'print JSON')
    .action(async (opts: SendCommandOptions, cmd: Command) => {
      if ((opts.text === undefined) === (opts.template === undefined))
        throw new CliError('give exactly one of --text or --template', 2);
      const message: OutboundMessage =
        opts.text !== undefined
          ? { type: 'text', body: opts.text }
          : { type: 'template', name: opts.template ?? '', language: opts.lang };
      await withStore(cmd, async (store, queue, config) => {
        const outbound = new OutboundService({ store, queue, phoneNumberId: config.phoneNumberId });
        try {
          const result = await outbound.send(opts.to, message, {
            ...(opts.replyTo === undefined ? {} : { replyTo: opts.replyTo }),
            ...(opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey }),
          });
          if (opts.json === true) console.log(JSON.stringify(result));
          else
            console.log(
              result.created ? `queued ${result.id}` : `already queued as ${result.id} (same idempotency key)`,
            );
        } catch (error) {
          const status = (error as { status?: unknown }).status;
          if (error instanceof Error && typeof status === 'number') throw new CliError(error.message, 1);
          throw error;
        }
      });
    });

  const events = program.command('events').description('inspect stored events');
  events
    .command('list')
    .description('list the newest events')
    .option('--kind <kind>', 'only this kind (message.text) or category (message.*)')
    .option('--limit <n>', 'how many', parsePositiveInt, 20)
    .option('--json', 'print JSON lines')
    .action(async (opts: { kind?: string; limit: number; json?: boolean }, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const rows = await store.events.list({
          limit: opts.limit,
          ...(opts.kind === undefined ? {} : { kind: opts.kind }),
        });
        if (opts.json === true) console.log(JSON.stringify(rows.map(eventJson), null, 2));
        else printTable(rows.map(eventLine), ['id', 'kind', 'received', 'dedup key']);
      });
    });

  const jobs = program.command('jobs').description('inspect and replay background jobs');
  jobs
    .command('dead')
    .description('list dead-lettered jobs')
    .option('--queue <name>', 'only this queue')
    .option('--json', 'print JSON')
    .action(async (opts: { queue?: string; json?: boolean }, cmd: Command) => {
      await withStore(cmd, async (_store, queue) => {
        const dead = await queue.listDead(opts.queue === undefined ? {} : { queue: opts.queue });
        if (opts.json === true) console.log(JSON.stringify(dead.map(jobJson), null, 2));
        else
          printTable(
            dead.map((j) => [String(j.id), j.queue, String(j.attempts), j.lastError ?? '']),
            ['id', 'queue', 'attempts', 'last error'],
          );
      });
    });
  jobs
    .command('replay')
    .description('make dead jobs due again with fresh attempts')
    .argument('[id]', 'job id', parsePositiveInt)
    .option('--all-dead', 'replay every dead job')
    .action(async (id: number | undefined, opts: { allDead?: boolean }, cmd: Command) => {
      if ((id === undefined) === (opts.allDead !== true)) throw new CliError('give either a job id or --all-dead', 2);
      await withStore(cmd, async (_store, queue) => {
        const n = await queue.replay(id === undefined ? { allDead: true } : { ids: [id] });
        if (id !== undefined && n === 0) throw new CliError(`job ${id} is not a dead job`);
        console.log(`replayed ${n} job${n === 1 ? '' : 's'}`);
      });
    });

  const inbox = program.command('inbox').description('the stored raw webhook bodies');
  inbox
    .command('reprocess')
    .description('dispatch stored webhook bodies again (idempotent: events already claimed are skipped)')
    .option('--since <time>', 'only bodies received at or after this time (ISO 8601 or Unix seconds/ms)', parseTime, 0)
    .action(async (opts: { since: number }, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const n = await store.inbox.requeueSince(opts.since);
        console.log(
          `${n} webhook bod${n === 1 ? 'y' : 'ies'} queued for dispatch; a running gateway dispatches them now, otherwise at its next start`,
        );
      });
    });
}

function parseTime(value: string): number {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n < 1e11 ? n * 1000 : n;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new CliError(`--since: "${value}" is not a time (use ISO 8601 or Unix seconds)`, 2);
  return t;
}

function eventJson(e: StoredEvent): Record<string, unknown> {
  return {
    id: e.id,
    kind: e.kind,
    category: e.category,
    dedupKey: e.dedupKey,
    createdAt: e.createdAt,
    occurredAt: e.occurredAt,
    inboxId: e.inboxId,
    event: e.event,
  };
}

function eventLine(e: StoredEvent): string[] {
  return [
    String(e.id),
    e.kind,
    new Date(e.createdAt).toISOString(),
    e.dedupKey.length > 40 ? `${e.dedupKey.slice(0, 39)}…` : e.dedupKey,
  ];
}

function jobJson(j: Job): Record<string, unknown> {
  return {
    id: j.id,
    queue: j.queue,
    key: j.key,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    lastError: j.lastError,
    createdAt: j.createdAt,
    payload: j.payload,
  };
}

function printTable(rows: readonly string[][], header: readonly string[]): void {
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
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
