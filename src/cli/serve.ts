// `flowgate start` and `flowgate dev`: run the app until SIGINT/SIGTERM, then shut down cleanly.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger } from '../log/index.js';
import { createApp, type FlowgateApp } from '../server/app.js';
import { CliError, configFor, type GlobalOptions } from './main.js';
import { createEmulator } from '../emulator/index.js';
import { registerDemoHandlers, runDemo } from './demo.js';
import { devMasterKey, ensureDevBusinessKey, requireMasterKey } from './keys-dev.js';
import { registerApps } from '../apps/index.js';
import { APP_NAMES } from '../config/schema.js';

// The emulator's default business number and account (any ids work; these match its defaults).
const EMULATOR_PHONE_NUMBER_ID = '106540352242922';
const EMULATOR_WABA_ID = '102290129340398';

export async function runStart(g: GlobalOptions, opts: { port?: number }): Promise<void> {
  const config = configFor(g, opts.port === undefined ? {} : { port: opts.port }, true);
  requireMasterKey(config);
  const signal = stopSignal();
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
  const app = createApp({ config, logger });
  registerApps(app, config.apps); // FLOWGATE_APPS: the ready flows served at /flows/<name>
  const listening = await app.listen();
  logger.info({ port: listening.port, flows: app.flows.names() }, `Flowgate listening on ${listening.url}`);
  await shutDownOn(signal, app);
}

interface DevSecrets {
  appSecret: string;
  verifyToken: string;
  adminToken: string;
  accessToken: string;
}

export async function runDev(g: GlobalOptions, opts: { demo: boolean; port?: number }): Promise<void> {
  const dataDir = resolve(configFor(g).dataDir);
  const signal = stopSignal();
  const secrets = devSecrets(dataDir);
  const base = configFor(g, { ...secrets, dataDir });
  const dev = base.masterKey === null ? devMasterKey(dataDir) : null;
  if (dev?.created === true)
    console.log(`generated a dev master key in ${dev.path} (FLOWGATE_MASTER_KEY for this data dir)`);
  const logger = createLogger({ level: base.logLevel, pretty: process.stdout.isTTY });

  // The built-in emulator plays Meta: Graph API, webhook deliveries, simulated customers.
  const emulator = createEmulator({
    appSecret: secrets.appSecret,
    accessToken: secrets.accessToken,
    statusDelayMs: 200,
  });
  const meta = await emulator.listen(0, '127.0.0.1');
  const config = configFor(g, {
    ...secrets,
    dataDir,
    host: '127.0.0.1',
    sqliteSynchronous: 'normal',
    graphUrl: meta.url,
    phoneNumberId: EMULATOR_PHONE_NUMBER_ID,
    wabaId: EMULATOR_WABA_ID,
    masterKey: dev?.masterKey ?? base.masterKey,
    ...(opts.port === undefined ? {} : { port: opts.port }),
  });
  const app = createApp({ config, logger });
  if (opts.demo) registerDemoHandlers(app);
  registerApps(app, config.apps.length > 0 ? config.apps : APP_NAMES); // dev serves every ready flow
  const listening = await app.listen();
  emulator.setWebhookUrl(`${listening.url}/webhook`);
  const handshake = await emulator.verifyWebhook(secrets.verifyToken);
  const flowsKey = await ensureDevBusinessKey(app, EMULATOR_PHONE_NUMBER_ID);
  console.log(
    [
      '',
      `Flowgate dev is running (data in ${dataDir})`,
      `  webhook      ${listening.url}/webhook   (Meta's verification handshake: ${handshake.ok ? 'ok' : 'FAILED'})`,
      `  admin API    ${listening.url}/api   (bearer token in ${join(dataDir, 'dev-secrets.json')})`,
      `  emulator     ${meta.url}   (a local Meta: Graph API, signed webhooks, simulated customers)`,
      `  flows key    ${flowsKey}`,
      `  flows        ${listening.url}/flows/<name>   (${app.flows.names().join(', ')})`,
      `  health       ${listening.url}/healthz   metrics ${listening.url}/metrics`,
      `  events       npx flowgate events list --data-dir ${dataDir}`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  if (opts.demo) {
    const done = await Promise.race([runDemo(emulator, logger), signal.received.then(() => null)]);
    if (done === true)
      console.log('demo: round trip complete (customer → webhook → handler → reply → sent/delivered/read)');
    else if (done === false) logger.warn('demo: the round trip did not complete in time');
  }
  await shutDownOn(signal, app);
  await emulator.close();
}

export async function runEmulator(g: GlobalOptions, opts: { port?: number }): Promise<void> {
  const config = configFor(g);
  const missing = [
    config.appSecret === null ? 'FLOWGATE_APP_SECRET (signs webhook deliveries)' : null,
    config.accessToken === null ? 'FLOWGATE_ACCESS_TOKEN (the bearer token its Graph API accepts)' : null,
  ].filter((m): m is string => m !== null);
  if (missing.length > 0 || config.appSecret === null || config.accessToken === null) {
    throw new CliError(`the emulator needs ${missing.join(' and ')}`, 2);
  }
  const signal = stopSignal();
  const emulator = createEmulator({
    appSecret: config.appSecret,
    accessToken: config.accessToken,
    webhookUrl: config.webhookUrl,
  });
  const listening = await emulator.listen(opts.port ?? 0, config.host === '0.0.0.0' ? '127.0.0.1' : config.host);
  console.log(
    `Flowgate emulator (a local Meta Cloud API) on ${listening.url}; webhooks go to ${config.webhookUrl ?? '(none yet: set FLOWGATE_WEBHOOK_URL)'}`,
  );
  await signal.received;
  await emulator.close();
  signal.dispose();
}

/** Dev secrets are generated once and kept in the data directory, readable only by the owner. */
function devSecrets(dataDir: string): DevSecrets {
  const path = join(dataDir, 'dev-secrets.json');
  const existing = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<DevSecrets>) : {};
  const secrets: DevSecrets = {
    appSecret: existing.appSecret ?? randomBytes(16).toString('hex'),
    verifyToken: existing.verifyToken ?? randomBytes(12).toString('hex'),
    adminToken: existing.adminToken ?? randomBytes(24).toString('base64url'),
    accessToken: existing.accessToken ?? `EAAdev${randomBytes(24).toString('base64url')}`,
  };
  if (Object.keys(existing).length !== Object.keys(secrets).length) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}

interface StopSignal {
  /** The first SIGINT or SIGTERM, however early it came. */
  received: Promise<NodeJS.Signals>;
  dispose(): void;
}

/**
 * Listens for SIGINT/SIGTERM from the very start, so a signal that arrives while the app is still starting
 * shuts it down cleanly once it has started, instead of killing it half-way.
 */
function stopSignal(): StopSignal {
  let stop: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((resolveSignal) => {
    stop = resolveSignal;
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    received,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

async function shutDownOn(signal: StopSignal, app: FlowgateApp): Promise<void> {
  const received = await signal.received;
  app.logger.info({ signal: received }, 'shutting down');
  await app.stop();
  signal.dispose();
}
