// Child process entry for the flows bench: Flowgate serving one flow (bench/flows/flow-json.ts, a trivial
// screen handler) at POST /flows/bench, configured by the FLOWGATE_* environment the parent sets.
//
// Flowgate's flow endpoint runs on the HTTP thread of one process, so to use every core this runs in node
// cluster mode: the primary prepares the data directory once (migrations; the business key imported into
// the key ring and made active through the emulator's encryption endpoint, as `flowgate keys import` +
// `upload` would; the flow tokens in BENCH_TOKENS_FILE issued, as app.sendFlow would), then forks BENCH_WORKERS workers that share the port, each a full
// Flowgate app on the same SQLite database. The primary answers the bench's stats request with the sum
// over itself and its workers, and BENCH_READY_PORT says 200 once every worker listens.
import cluster, { type Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log/index.js';
import { createApp } from '../../src/server/app.js';
import { answerStatsRequests, STATS_REQUEST, type ChildStats } from '../lib/child-stats.js';
import { benchFlowJson, confirmScreen, FLOW_NAME } from './flow-json.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};

if (cluster.isPrimary) await primary();
else await worker();

async function primary(): Promise<void> {
  await prepare();
  const count = Number(process.env['BENCH_WORKERS'] ?? String(availableParallelism()));
  const workers: Worker[] = [];
  let listening = 0;
  let stopping = false;
  for (let i = 0; i < count; i++) {
    const w = cluster.fork();
    w.once('listening', () => listening++);
    workers.push(w);
  }
  cluster.on('exit', (w, code, signal) => {
    if (!stopping) {
      console.error(`worker ${String(w.process.pid)} exited (code ${String(code)}, signal ${signal})`);
      process.exit(1);
    }
  });
  const ready = createServer((_req, res) => {
    res.writeHead(listening === count ? 200 : 503).end();
  }).listen(Number(env('BENCH_READY_PORT')), '127.0.0.1');

  // Stats: this process plus every worker, CPU summed, event-loop delay the worst of the workers'.
  let cpu = process.cpuUsage();
  let wall = performance.now();
  process.on('message', (message) => {
    if (message !== STATS_REQUEST) return;
    const own = process.cpuUsage(cpu);
    const wallSeconds = (performance.now() - wall) / 1000;
    cpu = process.cpuUsage();
    wall = performance.now();
    void Promise.all(workers.map(askStats)).then((replies) => {
      const all = replies.filter((r): r is ChildStats => r !== null);
      const total: ChildStats = {
        wallSeconds,
        cpuSeconds: (own.user + own.system) / 1e6 + all.reduce((sum, r) => sum + r.cpuSeconds, 0),
        eventLoopDelayMs: {
          p50: Math.max(0, ...all.map((r) => r.eventLoopDelayMs.p50)),
          p99: Math.max(0, ...all.map((r) => r.eventLoopDelayMs.p99)),
          max: Math.max(0, ...all.map((r) => r.eventLoopDelayMs.max)),
        },
      };
      process.send?.(total);
    });
  });
  process.channel?.unref();

  const stop = (): void => {
    stopping = true;
    ready.close();
    for (const w of workers) w.process.kill('SIGTERM');
    cluster.disconnect(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function askStats(w: Worker): Promise<ChildStats | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      w.off('message', onMessage);
      resolve(null);
    }, 2_000);
    const onMessage = (m: unknown): void => {
      if (typeof m !== 'object' || m === null || !('cpuSeconds' in m)) return;
      clearTimeout(timer);
      w.off('message', onMessage);
      resolve(m as ChildStats);
    };
    w.on('message', onMessage);
    w.send(STATS_REQUEST);
  });
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
