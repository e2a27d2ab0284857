// `flowgate flows send NAME --to +15551234567 [--json]`: issues a flow token and queues a Flow message that
// carries it, like app.sendFlow; a running gateway sends it within the rate limit and serves /flows/NAME.
// Prints the token (stdout, alone, so `TOKEN=$(flowgate flows send …)` works).
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { InvalidArgumentError, type Command } from 'commander';
import {
  DEFAULT_TOKEN_TTL_MS,
  MAX_TOKEN_TTL_MS,
  FlowDefinition,
  sendFlow,
  type FlowSendSpec,
  type SendFlowOptions,
} from '../flows/index.js';
import { OutboundService } from '../gateway/index.js';
import type { FlowJson } from '../protocol/index.js';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { Store } from '../store/index.js';
import { flowsCommand } from './flows.js';
import { CliError, configFor, globals, parsePositiveInt } from './main.js';
import { readyFlowOptions } from './ready-flows.js';

interface FlowSendOptions {
  to: string;
  cta: string;
  body?: string;
  header?: string;
  footer?: string;
  screen?: string;
  data?: string;
  action?: string;
  mode?: string;
  flowId?: string;
  flowName?: string;
  flowJson?: string;
  ttlHours?: number;
  idempotencyKey?: string;
  json?: boolean;
}

/** Adds `send` to the `flowgate flows` group (created here if the group does not exist yet). */
export function registerFlowSendCommand(program: Command): void {
  flowsCommand(program)
    .command('send')
    .description(
      'issue a flow token and queue a Flow message carrying it (a running gateway sends it); prints the token',
    )
    .argument('<name>', 'the flow, as served at /flows/<name>')
    .requiredOption('--to <phone>', 'recipient in E.164, e.g. +15551234567')
    .option('--cta <text>', 'button label (≤ 30 characters, no emoji)', 'Open')
    .option('--body <text>', 'message text (default: the flow name)')
    .option('--header <text>', 'header text')
    .option('--footer <text>', 'footer text')
    .option('--screen <id>', 'first screen (flow_action navigate)')
    .option('--data <json>', "first screen's data as a JSON object (navigate)")
    .option('--action <action>', 'navigate | data_exchange')
    .option('--mode <mode>', 'draft | published (Meta default: published)')
    .option('--flow-id <id>', "the flow's id in Meta's account")
    .option('--flow-name <name>', "the flow's name in Meta's account (default: <name>)")
    .option('--flow-json <file>', 'the Flow JSON (default: the ready flow of that name, if any)')
    .option('--ttl-hours <n>', 'how long the token stays valid, 1–720 (default 72)', ttlHours)
    .option('--idempotency-key <key>', 'sending again with the same key does nothing')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: FlowSendOptions, cmd: Command) => {
      const spec = flowSpec(name, opts);
      const options = sendOptions(opts);
      const config = configFor(globals(cmd));
      const store = await Store.open(config);
      try {
        const queueDb = store.db as unknown as Kysely<QueueTables>;
        await SqlQueue.migrate(queueDb, store.opened.dialect);
        const outbound = new OutboundService({
          store,
          queue: new SqlQueue(queueDb),
          phoneNumberId: config.phoneNumberId,
        });
        const result = await sendFlow(
          { store, outbound, now: Date.now, phoneNumberId: config.phoneNumberId },
          spec,
          opts.to,
          options,
        ).catch((error: unknown) => {
          const status = (error as { status?: unknown }).status;
          if (error instanceof Error && typeof status === 'number') throw new CliError(error.message, 1);
          throw error;
        });
        if (opts.json === true) {
          console.log(JSON.stringify({ flow: name, ...result, expiresAt: new Date(result.expiresAt).toISOString() }));
        } else {
          console.log(result.token);
          console.error(`queued ${result.outboundId}; token valid until ${new Date(result.expiresAt).toISOString()}`);
        }
      } finally {
        await store.close();
      }
    });
}

/** The flow's definition from --flow-json or the ready flow of that name; else what the flags say. */
function flowSpec(name: string, opts: FlowSendOptions): FlowSendSpec {
  const ttl = opts.ttlHours === undefined ? {} : { tokenTtlMs: opts.ttlHours * 3_600_000 };
  const target = {
    ...(opts.flowId === undefined ? {} : { flowId: opts.flowId }),
    ...(opts.flowName === undefined ? {} : { flowName: opts.flowName }),
  };
  try {
    if (opts.flowJson !== undefined) {
      const json = JSON.parse(readFileSync(opts.flowJson, 'utf8')) as FlowJson;
      return new FlowDefinition(name, { json, ...ttl, ...target });
    }
    const ready = readyFlowOptions(name);
    if (ready !== undefined) return new FlowDefinition(name, { ...ready, ...ttl, ...target });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
  return {
    name,
    tokenTtlMs: ttl.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS,
    startsWithInit: opts.action === 'data_exchange',
    entryScreen: undefined,
    target: (override = {}) =>
      (override.flowId ?? opts.flowId) !== undefined
        ? { flowId: override.flowId ?? opts.flowId ?? '' }
        : { flowName: override.flowName ?? opts.flowName ?? name },
  };
}

function sendOptions(opts: FlowSendOptions): SendFlowOptions {
  if (opts.action !== undefined && opts.action !== 'navigate' && opts.action !== 'data_exchange')
    throw new CliError('--action must be navigate or data_exchange', 2);
  if (opts.mode !== undefined && opts.mode !== 'draft' && opts.mode !== 'published')
    throw new CliError('--mode must be draft or published', 2);
  let data: Record<string, unknown> | undefined;
  if (opts.data !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.data);
    } catch {
      throw new CliError('--data must be a JSON object', 2);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new CliError('--data must be a JSON object', 2);
    data = parsed as Record<string, unknown>;
  }
  return {
    cta: opts.cta,
    ...(opts.body === undefined ? {} : { body: opts.body }),
    ...(opts.header === undefined ? {} : { header: opts.header }),
    ...(opts.footer === undefined ? {} : { footer: opts.footer }),
    ...(opts.screen === undefined ? {} : { initialScreen: opts.screen }),
    ...(data === undefined ? {} : { data }),
    ...(opts.action === undefined ? {} : { action: opts.action }),
    ...(opts.mode === undefined ? {} : { mode: opts.mode }),
    ...(opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey }),
  };
}

/** --ttl-hours: 1 to 720 (MAX_TOKEN_TTL_MS), refused before anything is stored or sent. */
function ttlHours(value: string): number {
  const hours = parsePositiveInt(value);
  if (hours * 3_600_000 > MAX_TOKEN_TTL_MS) throw new InvalidArgumentError('must be at most 720 (30 days)');
  return hours;
}
