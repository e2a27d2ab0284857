// The `flowgate` command line.
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type ConfigInput, type FlowgateConfig } from '../config/index.js';
import { StoreError } from '../store/index.js';
import { registerFlowsCommands } from './flows.js';
import { registerFlowSendCommand } from './flows-send.js';
import { registerOpsCommands } from './ops.js';
import { registerKeysCommands } from './keys.js';
import { runDev, runEmulator, runStart } from './serve.js';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
}

export function buildProgram(): Command {
  const program = new Command('flowgate')
    .description('Self-hosted gateway for the WhatsApp Business Cloud API and WhatsApp Flows')
    .option('-c, --config <file>', 'JSON config file (environment variables win over it)')
    .option('--data-dir <dir>', 'data directory (FLOWGATE_DATA_DIR)')
    .showHelpAfterError();

  program
    .command('dev')
    .description('run Flowgate locally with a generated dev config (no Meta account needed)')
    .option('--no-demo', 'start quietly, without the live demo')
    .option('-p, --port <port>', 'port to listen on', parsePort)
    .action(async (opts: { demo: boolean; port?: number }, cmd: Command) => {
      await runDev(globals(cmd), opts);
    });

  program
    .command('start')
    .description('run the gateway with the configured Meta credentials')
    .option('-p, --port <port>', 'port to listen on', parsePort)
    .action(async (opts: { port?: number }, cmd: Command) => {
      await runStart(globals(cmd), opts);
    });

  program
    .command('emulator')
    .description('run the built-in Meta Cloud API emulator alone (FLOWGATE_WEBHOOK_URL: where it delivers webhooks)')
    .option('-p, --port <port>', 'port to listen on', parsePort)
    .action(async (opts: { port?: number }, cmd: Command) => {
      await runEmulator(globals(cmd), opts);
    });

  registerOpsCommands(program);
  registerFlowsCommands(program);
  registerFlowSendCommand(program);
  registerKeysCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError || error instanceof CliError) {
      console.error(`flowgate: ${error.message}`);
      process.exitCode = error instanceof CliError ? error.exitCode : 2;
      return;
    }
    throw error;
  }
}

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** Config for a command: file and environment, with the command's flags on top. */
export function configFor(g: GlobalOptions, overrides: ConfigInput = {}, requireServing = false): FlowgateConfig {
  return loadConfig({
    file: g.config ?? null,
    overrides: { ...(g.dataDir === undefined ? {} : { dataDir: g.dataDir }), ...overrides },
    requireServing,
  });
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}
