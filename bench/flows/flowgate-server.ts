// Child process entry for the flows bench: Flowgate serving one flow (bench/flows/flow-json.ts, a trivial
// screen handler) at POST /flows/bench, configured by the FLOWGATE_* environment the parent sets.
//
// Flowgate's flow endpoint runs on the HTTP thread of one process, so to use every core this runs in node
// cluster mode: the primary prepares the data directory once (migrations; the business key imported into
// the key ring and made active through the emulator's encryption endpoint, as `flowgate keys import` +
// `upload` would; the flow tokens in BENCH_TOKENS_FILE issued, as app.sendFlow would), then forks
// BENCH_WORKERS workers that share the port, each a full Flowgate app on the same SQLite database
// (lib/cluster-primary.ts: stats summed over the workers, BENCH_READY_PORT says 200 once all listen).
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log/index.js';
import { createApp } from '../../src/server/app.js';
import { answerStatsRequests, env } from '../lib/child-stats.js';
import { runClusterPrimary } from '../lib/cluster-primary.js';
import { benchFlowJson, confirmScreen, FLOW_NAME } from './flow-json.js';

if (cluster.isPrimary) await primary();
else await worker();

async function primary(): Promise<void> {
  await prepare();
  runClusterPrimary(
    Number(process.env['BENCH_WORKERS'] ?? String(availableParallelism())),
    Number(env('BENCH_READY_PORT')),
  );
}

/** Migrations, the business key made active, the flow tokens listed in BENCH_TOKENS_FILE issued. */
async function prepare(): Promise<void> {
  const phoneNumberId = env('FLOWGATE_PHONE_NUMBER_ID');
  const emulator = createEmulator({ appSecret: env('FLOWGATE_APP_SECRET'), accessToken: env('FLOWGATE_ACCESS_TOKEN') });
  const meta = await emulator.listen(0, '127.0.0.1');
  // Errors only: before the import it rightly warns that no key is active yet.
  const app = createApp({
    config: { graphUrl: meta.url, logLevel: 'error' },
    logger: createLogger({ level: 'error' }),
  });
  try {
    await app.start();
    const passphrase = process.env['BENCH_KEY_PASSPHRASE'];
    const key = await app.keys.import(phoneNumberId, env('BENCH_PRIVATE_KEY'), {
      actor: 'bench',
      ...(passphrase === undefined ? {} : { passphrase }),
    });
    await app.keys.upload(phoneNumberId, { actor: 'bench', id: key.id });
    const tokens = JSON.parse(readFileSync(env('BENCH_TOKENS_FILE'), 'utf8')) as string[];
    const now = Date.now();
    for (const [i, token] of tokens.entries()) {
      await app.gateway.store.flows.issueToken({
        token,
        flow: FLOW_NAME,
        waId: `1650555${String(i).padStart(4, '0')}`,
        phoneNumberId,
        data: null,
        now,
        expiresAt: now + 24 * 3600 * 1000,
      });
    }
  } finally {
    await app.stop();
    await emulator.close();
  }
}

async function worker(): Promise<void> {
  const logger = createLogger({ level: 'warn' });
  const app = createApp({ logger });
  let n = 0;
  app.flow(FLOW_NAME, {
    json: benchFlowJson,
    screens: {
      DETAILS: (ctx) => ctx.next('CONFIRM', confirmScreen(ctx.data, ++n).data),
    },
  });
  answerStatsRequests();
  await app.listen();
  const stop = (): void => {
    void app.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
