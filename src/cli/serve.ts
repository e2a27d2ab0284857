// `flowgate start` and `flowgate dev`: run the app until SIGINT/SIGTERM, then shut down cleanly.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger } from '../log/index.js';
import { createApp, type FlowgateApp } from '../server/app.js';
import { configFor, type GlobalOptions } from './main.js';

export async function runStart(g: GlobalOptions, opts: { port?: number }): Promise<void> {
  const config = configFor(g, opts.port === undefined ? {} : { port: opts.port }, true);
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
  const app = createApp({ config, logger });
  const listening = await app.listen();
  logger.info({ port: listening.port }, `Flowgate listening on ${listening.url}`);
  await untilSignal(app);
}

interface DevSecrets {
  appSecret: string;
  verifyToken: string;
  adminToken: string;
}

export async function runDev(g: GlobalOptions, opts: { demo: boolean; port?: number }): Promise<void> {
  const dataDir = resolve(configFor(g).dataDir);
  const secrets = devSecrets(dataDir);
  const config = configFor(g, {
    ...secrets,
    dataDir,
    host: '127.0.0.1',
    sqliteSynchronous: 'normal',
    ...(opts.port === undefined ? {} : { port: opts.port }),
  });
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
  const app = createApp({ config, logger });
  if (opts.demo) {
    app.on('message.*', (ctx) => {
      ctx.log.info({ kind: ctx.event.kind }, 'demo handler saw a message');
    });
  }
  const listening = await app.listen();
  console.log(
    [
      '',
      `Flowgate dev is running (data in ${dataDir})`,
      `  webhook      ${listening.url}/webhook   (verify token and app secret in ${join(dataDir, 'dev-secrets.json')})`,
      `  health       ${listening.url}/healthz`,
      `  metrics      ${listening.url}/metrics`,
      `  events       npx flowgate events list --data-dir ${dataDir}`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await untilSignal(app);
}

/** Dev secrets are generated once and kept in the data directory, readable only by the owner. */
function devSecrets(dataDir: string): DevSecrets {
  const path = join(dataDir, 'dev-secrets.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DevSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = {
    appSecret: randomBytes(16).toString('hex'),
    verifyToken: randomBytes(12).toString('hex'),
    adminToken: randomBytes(24).toString('base64url'),
  };
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

function untilSignal(app: FlowgateApp): Promise<void> {
  return new Promise((resolveDone) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      app.logger.info({ signal }, 'shutting down');
      void app.stop().then(() => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolveDone();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
