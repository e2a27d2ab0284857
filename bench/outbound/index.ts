// Outbound benchmark: messages sent through Flowgate's real outbound path (app.send → outbox row and job
// in one SQLite transaction → send worker → per-number sliding-window limiter → Graph client) to the
// emulator, a local Meta running as a child process (its own event loop, like Meta to a real gateway).
// (a) At the default 80/s: the rate the emulator saw over 30 s, and the busiest 1 s window.
// (b) Unthrottled: messages/s end to end, next to a plain fetch loop POSTing the same bodies straight to
// the emulator with the same concurrency.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { createApp, type FlowgateApp } from '../../src/server/app.js';
import { freePort, startChild, type Child } from '../lib/child.js';
import { measurePhase } from '../lib/phase.js';
import { LatencyRecorder, StatusTally } from '../lib/stats.js';
import { benchMessage, wireBody } from './messages.js';
import { report } from './report.js';
import { SETTINGS, type BaselineFigures, type FlowgateUnthrottled, type ThrottledFigures } from './settings.js';
import { busiestWindow, EmulatorProbe, windowRate } from './receipts.js';

const PHONE_NUMBER_ID = '106540352242922';

export async function run(): Promise<void> {
  const appSecret = randomBytes(16).toString('hex');
  const accessToken = `EAAbench${randomBytes(24).toString('base64url')}`;
  console.log(
    `Outbound benchmark on ${cpus().length} CPU cores: Flowgate runs in this process (app.send is called here), ` +
      'the emulator in a child process. Status webhooks are not delivered (no webhook URL), in every run.',
  );
  const port = await freePort();
  const emulator = await startChild({
    name: 'emulator',
    script: 'bench/outbound/emulator-server.ts',
    env: { BENCH_APP_SECRET: appSecret, BENCH_ACCESS_TOKEN: accessToken, BENCH_PORT: String(port) },
    readyUrl: `http://127.0.0.1:${port}/_emulator/health`,
  });
  const graphUrl = `http://127.0.0.1:${port}`;
  const probe = new EmulatorProbe(graphUrl);
  try {
    const sendTimes: number[] = [];
    const throttled = await measurePhase([emulator], () =>
      withApp(graphUrl, accessToken, SETTINGS.defaultRate, (app) => measureThrottled(app, probe, sendTimes), sendTimes),
    );
    await probe.reset();
    const bodies = Array.from({ length: SETTINGS.bodyPool }, (_, n) => wireBody(n));
    const baseline = await measurePhase([emulator], () => measureBaseline(graphUrl, accessToken, bodies));
    await probe.reset();
    const bulk = Math.round(
      Math.min(SETTINGS.bulkMax, Math.max(SETTINGS.bulkMin, baseline.result.rate * SETTINGS.bulkSecondsOfBaseline)),
    );
    const unthrottled = await measurePhase([emulator], () =>
      withApp(graphUrl, accessToken, SETTINGS.unthrottledRate, (app) => measureUnthrottled(app, probe, bulk)),
    );
    report(throttled, baseline, unthrottled);
  } finally {
    await emulator.stop();
    showLogs(emulator);
  }
}

async function withApp<T>(
  graphUrl: string,
  accessToken: string,
  outboundRate: number,
  fn: (app: FlowgateApp) => Promise<T>,
  sendTimes?: number[],
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-bench-outbound-'));
  const removeDataDir = (): void => {
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', removeDataDir);
  // Default durability (synchronous=full); nothing from this shell's FLOWGATE_* environment.
  const config = loadConfig({
    env: {},
    overrides: { accessToken, phoneNumberId: PHONE_NUMBER_ID, graphUrl, dataDir, outboundRate, logLevel: 'warn' },
  });
  const app = createApp({
    config,
    logger: silentLogger(),
    ...(sendTimes === undefined ? {} : { fetch: recordingFetch(sendTimes) }),
  });
  try {
    await app.start();
    return await fn(app);
  } finally {
    await app.stop();
    removeDataDir();
    process.off('exit', removeDataDir);
  }
}

/** The Graph client's fetch, noting when each message send leaves Flowgate (epoch ms, high resolution). */
function recordingFetch(times: number[]): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (init?.method === 'POST' && url.endsWith('/messages')) times.push(performance.timeOrigin + performance.now());
    return fetch(input, init);
  };
}

/** Calls app.send from `concurrency` loops until `more()` says stop; returns how many were queued. */
async function produce(
  app: FlowgateApp,
  more: (queued: number) => boolean,
  latency?: LatencyRecorder,
): Promise<number> {
  let next = 0;
  const loop = async (): Promise<void> => {
    while (more(next)) {
      const { to, message } = benchMessage(next++);
      const started = performance.now();
      await app.send(to, message);
      latency?.record(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: SETTINGS.concurrency }, loop));
  return next;
}

async function measureThrottled(
  app: FlowgateApp,
  probe: EmulatorProbe,
  sendTimes: readonly number[],
): Promise<ThrottledFigures> {
  const { defaultRate, throttledWarmupS, throttledS } = SETTINGS;
  // A backlog for the whole run plus a second, queued at once (as a bulk send would): the limiter alone
  // sets the pace.
  const total = defaultRate * (throttledWarmupS + throttledS + 1);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const queued = await produce(app, (n) => n < total);
  await probe.waitFor(queued, (throttledWarmupS + throttledS + 15) * 1000);
  delay.disable();
  const receipts = await probe.receipts();
  const from = (receipts.times[0] ?? Number.NaN) + throttledWarmupS * 1000;
  const to = from + throttledS * 1000;
  const windowCount = windowRate(receipts.times, from, to);
  const first = receipts.times[0] ?? Number.NaN;
  const sent = [...sendTimes].sort((a, b) => a - b);
  const busiest = (times: readonly number[]): { count: number; offsetS: number } => {
    const b = busiestWindow(times, 1000);
    return { count: b.count, offsetS: (b.startsAt - first) / 1000 };
  };
  return {
    queued,
    receipts,
    achievedRate: windowCount / throttledS,
    windowCount,
    busiest1s: busiest(receipts.times),
    busiest1sAtSender: busiest(sent),
    busiest1sInWindow: busiest(receipts.times.filter((t) => t >= from && t < to)),
    notAccepted: await notAccepted(app),
    eventLoopDelayMs: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
  };
}

async function measureUnthrottled(app: FlowgateApp, probe: EmulatorProbe, total: number): Promise<FlowgateUnthrottled> {
  const latency = new LatencyRecorder();
  const startedAt = performance.timeOrigin + performance.now();
  const sent = await produce(app, (n) => n < total, latency);
  const enqueueSeconds = (performance.timeOrigin + performance.now() - startedAt) / 1000;
  const drained = await probe.waitFor(sent, SETTINGS.drainTimeoutS * 1000);
  const receipts = await probe.receipts();
  const last = receipts.times.at(-1) ?? Number.NaN;
  const seconds = (last - startedAt) / 1000;
  const [p50 = Number.NaN, p99 = Number.NaN] = latency.percentiles([50, 99]);
  return {
    sent,
    enqueueRate: sent / enqueueSeconds,
    received: receipts.times.length,
    drained,
    seconds,
    rate: receipts.times.length / seconds,
    sendLatencyMs: { p50, p99 },
    notAccepted: await notAccepted(app),
  };
}

async function notAccepted(app: FlowgateApp): Promise<Record<string, number>> {
  const rows = await app.gateway.store.db
    .selectFrom('messages')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('direction', '=', 'out')
    .where('state', '!=', 'accepted')
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [String(r.state), r.n]));
}

/** The baseline: `concurrency` plain fetch loops POSTing the same wire bodies straight to the emulator. */
async function measureBaseline(
  graphUrl: string,
  accessToken: string,
  bodies: readonly string[],
): Promise<BaselineFigures> {
  const url = `${graphUrl}/v24.0/${PHONE_NUMBER_ID}/messages`;
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const tally = new StatusTally();
  const latency = new LatencyRecorder();
  let next = 0;
  const started = performance.now();
  const stopAt = started + SETTINGS.baselineS * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const body = bodies[next++ % bodies.length] ?? '';
      const sentAt = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        tally.add(res.status, text);
      } catch (error) {
        tally.add('error', error instanceof Error ? error.message : String(error));
      }
      latency.record(performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: SETTINGS.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  const [p50 = Number.NaN, p99 = Number.NaN] = latency.percentiles([50, 99]);
  return { ok: tally.ok, seconds, rate: tally.ok / seconds, status: tally.toJSON(), latencyMs: { p50, p99 } };
}

function showLogs(child: Child): void {
  if (child.logLines() === 0) return;
  console.log(`${child.name} wrote ${child.logLines()} log line(s); the last ones:`);
  for (const line of child.logTail().slice(-5)) console.log(`  ${line.slice(0, 300)}`);
}
