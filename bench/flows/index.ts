// Flows benchmark: encrypted data_exchange requests (RSA-OAEP-2048-SHA256 + AES-128-GCM, signed) against
// Flowgate's flow endpoint POST /flows/bench, next to (a) the raw crypto ceiling of this machine (the same
// work in worker threads on every core, no HTTP) and (b) a baseline endpoint written like Meta's Node.js
// example (Express, one process). Maximum throughput with autocannon (closed loop), then p99 at half of
// each maximum with the open-loop generator. Servers run as child processes next to the load generator.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newFlowToken } from '../../src/flows/index.js';
import { freePort, startChild, type Child } from '../lib/child.js';
import { closedLoop, openLoop, type LoadResult, type LoadTarget } from '../lib/load.js';
import { measurePhase, type Measured } from '../lib/phase.js';
import { writeResults } from '../lib/report.js';
import { measureCeiling } from './ceiling.js';
import { FLOW_NAME } from './flow-json.js';
import { generateBenchKeys, type BenchKeys } from './keys.js';
import { probe } from './probe.js';
import { report } from './report.js';
import { PoolFeed, requestPool, type FlowRequestItem } from './requests.js';
import { SETTINGS, TARGETS, type EndpointFigures, type FlowsFigures } from './settings.js';

const PHONE_NUMBER_ID = '106540352242922';

/** Set to a directory to write V8 CPU profiles of the Flowgate processes there (`--cpu-prof`). */
const CPU_PROFILE_DIR = process.env['FLOWGATE_BENCH_CPU_PROF'];

export async function run(): Promise<void> {
  console.log(
    `Flows benchmark on ${cpus().length} CPU cores (${SETTINGS.workers} worker threads / cluster workers). The ` +
      'load generator runs on the same cores as the servers: their throughput figures are lower bounds.',
  );
  const appSecret = randomBytes(16).toString('hex');
  const keys = generateBenchKeys();
  const tokens = Array.from({ length: SETTINGS.tokens }, () => newFlowToken());
  const started = performance.now();
  const pool = requestPool(SETTINGS.poolSize, keys.publicKey, appSecret, tokens);
  const poolSeconds = (performance.now() - started) / 1000;
  console.log(
    `Encrypted and signed ${pool.length} data_exchange requests in ${poolSeconds.toFixed(1)} s (before timing).`,
  );

  const bodies = pool.map((item) => item.body.toString('utf8'));
  const ceilingOne = await measureCeiling(1, SETTINGS.ceilingS, keys.privatePkcs8, bodies);
  const ceilingAll = await measureCeiling(SETTINGS.workers, SETTINGS.ceilingS, keys.privatePkcs8, bodies);
  console.log(
    `Ceiling: ${Math.round(ceilingOne.opsPerSecond)}/s on one thread, ${Math.round(ceilingAll.opsPerSecond)}/s on ${SETTINGS.workers}.`,
  );

  const baseline = await measureBaseline(keys, appSecret, pool);
  console.log(`Baseline: ${Math.round(baseline.max.result.rps)} req/s.`);
  // Flowgate's endpoint uses both cores from one process (RSA unwrapping runs in a worker-thread pool).
  const flowgate = await measureFlowgate(keys, appSecret, tokens, pool, {
    workers: 1,
    halfRate: true,
    short: false,
  });
  console.log(`Flowgate (1 process): ${Math.round(flowgate.max.result.rps)} req/s.`);
  // Diagnostic: several processes on one SQLite file contend for its write lock.
  const flowgateCluster = await measureFlowgate(keys, appSecret, tokens, pool, {
    workers: SETTINGS.workers,
    halfRate: false,
    short: true,
  });
  console.log(`Flowgate (${SETTINGS.workers} processes): ${Math.round(flowgateCluster.max.result.rps)} req/s.`);
  // Diagnostic: the cluster with synchronous=normal.
  const flowgateNormalSync = await measureFlowgate(keys, appSecret, tokens, pool, {
    workers: SETTINGS.workers,
    halfRate: false,
    short: true,
    sqliteSync: 'normal',
  });
  console.log(
    `Flowgate (${SETTINGS.workers} processes, synchronous=normal): ${Math.round(flowgateNormalSync.max.result.rps)} req/s.`,
  );

  const bareHttp = await measureBareHttp(keys, pool);
  console.log(
    `The ceiling's work behind bare node:http (${SETTINGS.workers} processes): ${Math.round(bareHttp.max.result.rps)} req/s.`,
  );

  const ceilingAllAfter = await measureCeiling(SETTINGS.workers, SETTINGS.ceilingS, keys.privatePkcs8, bodies);
  console.log(`Ceiling again: ${Math.round(ceilingAllAfter.opsPerSecond)}/s on ${SETTINGS.workers}.`);

  const figures: FlowsFigures = {
    ceilingOne,
    ceilingAll,
    ceilingAllAfter,
    bareHttp,
    baseline,
    flowgate,
    flowgateCluster,
    flowgateNormalSync,
    poolSeconds,
  };
  report(figures);
  const path = writeResults('flows', { settings: SETTINGS, targets: TARGETS, ...figures });
  console.log(`\nFigures written to ${path}`);
}

async function measureBaseline(
  keys: BenchKeys,
  appSecret: string,
  pool: readonly FlowRequestItem[],
): Promise<EndpointFigures> {
  return withBaselineServer(keys, appSecret, (server, where) =>
    measureEndpoint(server, 'baseline', 1, where, pool, { halfRate: true, short: false }),
  );
}

/** Runs `fn` against the baseline endpoint (Meta's example in Express), stopped afterwards. */
export async function withBaselineServer<T>(
  keys: BenchKeys,
  appSecret: string,
  fn: (server: Child, where: { url: string; path: string }) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const server = await startChild({
    name: 'baseline (Meta example, Express)',
    script: 'bench/flows/baseline-express.ts',
    env: {
      BASELINE_APP_SECRET: appSecret,
      BASELINE_PRIVATE_KEY: keys.privatePem,
      BASELINE_PASSPHRASE: keys.passphrase,
      BASELINE_PORT: String(port),
    },
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  try {
    return await fn(server, { url: `http://127.0.0.1:${port}`, path: '/' });
  } finally {
    await stopAndShowLogs(server);
  }
}

/** Diagnostic: the ceiling's work behind bare node:http, one cluster process per core. */
async function measureBareHttp(keys: BenchKeys, pool: readonly FlowRequestItem[]): Promise<EndpointFigures> {
  const [port, readyPort] = [await freePort(), await freePort()];
  const server = await startChild({
    name: 'bare node:http + the ceiling work',
    script: 'bench/flows/bare-http-server.ts',
    env: {
      BARE_PRIVATE_KEY: keys.privatePkcs8,
      BARE_PORT: String(port),
      BENCH_READY_PORT: String(readyPort),
      BENCH_WORKERS: String(SETTINGS.workers),
    },
    readyUrl: `http://127.0.0.1:${readyPort}/`,
  });
  try {
    const where = { url: `http://127.0.0.1:${port}`, path: '/' };
    return await measureEndpoint(server, 'bare http', SETTINGS.workers, where, pool, { halfRate: false, short: true });
  } finally {
    await stopAndShowLogs(server);
  }
}

interface FlowgateRun {
  workers: number;
  /** Also the open-loop run at half the maximum. */
  halfRate: boolean;
  /** A shorter maximum-throughput run (singleProcessS after 1 s). */
  short: boolean;
  /** FLOWGATE_SQLITE_SYNC for a diagnostic run; default durability otherwise. */
  sqliteSync?: 'normal';
}

async function measureFlowgate(
  keys: BenchKeys,
  appSecret: string,
  tokens: readonly string[],
  pool: readonly FlowRequestItem[],
  runOptions: FlowgateRun,
): Promise<EndpointFigures> {
  const { workers, sqliteSync } = runOptions;
  const label = `flowgate ×${workers}${sqliteSync === undefined ? '' : ` sync=${sqliteSync}`}`;
  return withFlowgateServer(keys, appSecret, tokens, runOptions, (server, where) =>
    measureEndpoint(server, label, workers, where, pool, runOptions),
  );
}

/** Runs `fn` against Flowgate serving the bench flow from a fresh data directory, removed afterwards. */
export async function withFlowgateServer<T>(
  keys: BenchKeys,
  appSecret: string,
  tokens: readonly string[],
  { workers, sqliteSync }: { workers: number; sqliteSync?: 'normal' },
  fn: (server: Child, where: { url: string; path: string }) => Promise<T>,
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-bench-flows-'));
  const removeDataDir = (): void => {
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', removeDataDir);
  const tokensFile = join(dataDir, 'bench-tokens.json');
  writeFileSync(tokensFile, JSON.stringify(tokens));
  const [port, readyPort] = [await freePort(), await freePort()];
  try {
    const server = await startChild({
      name: `flowgate (${workers} process${workers === 1 ? '' : 'es'}${sqliteSync === undefined ? '' : `, sync ${sqliteSync}`})`,
      script: 'bench/flows/flowgate-server.ts',
      env: {
        FLOWGATE_APP_SECRET: appSecret,
        FLOWGATE_VERIFY_TOKEN: randomBytes(12).toString('hex'),
        FLOWGATE_ACCESS_TOKEN: `EAAbench${randomBytes(16).toString('hex')}`,
        FLOWGATE_MASTER_KEY: randomBytes(32).toString('base64'),
        FLOWGATE_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        FLOWGATE_PORT: String(port),
        FLOWGATE_HOST: '127.0.0.1',
        FLOWGATE_DATA_DIR: dataDir,
        FLOWGATE_LOG_LEVEL: 'warn',
        BENCH_PRIVATE_KEY: keys.privatePem,
        BENCH_KEY_PASSPHRASE: keys.passphrase,
        BENCH_TOKENS_FILE: tokensFile,
        BENCH_READY_PORT: String(readyPort),
        BENCH_WORKERS: String(workers),
        ...(sqliteSync === undefined ? {} : { FLOWGATE_SQLITE_SYNC: sqliteSync }),
      },
      nodeArgs: CPU_PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROFILE_DIR],
      readyUrl: `http://127.0.0.1:${readyPort}/`,
      readyTimeoutMs: 60_000,
    });
    try {
      return await fn(server, { url: `http://127.0.0.1:${port}`, path: `/flows/${FLOW_NAME}` });
    } finally {
      await stopAndShowLogs(server);
    }
  } finally {
    removeDataDir();
    process.off('exit', removeDataDir);
  }
}

async function measureEndpoint(
  server: Child,
  label: string,
  processes: number,
  where: { url: string; path: string },
  pool: readonly FlowRequestItem[],
  { halfRate, short }: { halfRate: boolean; short: boolean },
): Promise<EndpointFigures> {
  const probeItems = pool.slice(0, SETTINGS.probeRequests);
  const probeBefore = await probe(`${where.url}${where.path}`, probeItems);
  const target: LoadTarget = { ...where, feed: new PoolFeed(pool) };
  const max = await atSaturation(server, target, label, short);
  const half = halfRate ? await atHalfOf(server, target, label, max.result) : null;
  const probeAfter = await probe(`${where.url}${where.path}`, probeItems);
  return { label, processes, max, half, probeBefore, probeAfter };
}

/** Maximum throughput, closed loop (`short`: the shorter run after 1 s of warm-up). */
export function atSaturation(
  server: Child,
  target: LoadTarget,
  label: string,
  short = false,
): Promise<Measured<LoadResult>> {
  return measurePhase([server], (onStart) =>
    closedLoop(target, {
      label: `${label} max throughput`,
      connections: SETTINGS.connections,
      pipelining: SETTINGS.pipelining,
      durationS: short ? SETTINGS.singleProcessS : SETTINGS.durationS,
      warmupS: short ? 1 : SETTINGS.warmupS,
      onStart,
    }),
  );
}

/** One open-loop window at half of the rate `max` reached. */
export function atHalfOf(
  server: Child,
  target: LoadTarget,
  label: string,
  max: LoadResult,
): Promise<Measured<LoadResult>> {
  return measurePhase([server], (onStart) =>
    openLoop(target, {
      label: `${label} at half max`,
      rate: Math.max(1, Math.round(max.rps / 2)),
      durationS: SETTINGS.halfRateS,
      warmupS: SETTINGS.halfRateWarmupS,
      onStart,
    }),
  );
}

async function stopAndShowLogs(child: Child): Promise<void> {
  await child.stop();
  if (child.logLines() > 0) {
    console.log(`${child.name} wrote ${child.logLines()} log line(s); the last ones:`);
    for (const line of child.logTail().slice(-5)) console.log(`  ${line.slice(0, 300)}`);
  }
}
