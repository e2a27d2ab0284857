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
import { describeCores, measurePhase, type Measured } from '../lib/phase.js';
import { fmt, printTable, writeResults, type Row } from '../lib/report.js';
import { LatencyRecorder, StatusTally } from '../lib/stats.js';
import { benchMessage, wireBody } from './messages.js';
import { busiestWindow, EmulatorProbe, windowRate, type Receipts } from './receipts.js';

const PHONE_NUMBER_ID = '106540352242922';

const SETTINGS = {
  defaultRate: 80,
  /** The measured window of the throttled run starts this long after the first message arrives. */
  throttledWarmupS: 2,
  throttledS: 30,
  unthrottledRate: 10_000,
  /** How long the baseline POSTs. */
  baselineS: 6,
  /** Flowgate unthrottled sends this many seconds' worth of the baseline's rate, queued at once (a bulk send). */
  bulkSecondsOfBaseline: 5,
  bulkMin: 2_000,
  bulkMax: 30_000,
  /** The unthrottled run gives up waiting for the emulator to have every message after this long. */
  drainTimeoutS: 40,
  /** The send worker's concurrency (src/gateway/runtime.ts); the producers and the baseline use the same. */
  concurrency: 16,
  bodyPool: 10_000,
} as const;

const TARGETS = { rateTolerance: 0.05 } as const;

interface ThrottledFigures {
  queued: number;
  receipts: Receipts;
  achievedRate: number;
  windowCount: number;
  /** The most sends the emulator accepted in any 1 s, and when that second began (s after the first). */
  busiest1s: { count: number; offsetS: number };
  /** The same, counted when the Graph client called fetch (the limiter's own view). */
  busiest1sAtSender: { count: number; offsetS: number };
  /** At the emulator, within the measured 30 s only (after the warm-up). */
  busiest1sInWindow: { count: number; offsetS: number };
  /** This process's (Flowgate's) event loop: a late loop fires the limiter's timers late. */
  eventLoopDelayMs: { p99: number; max: number };
  /** Outbound rows in a state other than `accepted` once the emulator had them all, by state. */
  notAccepted: Record<string, number>;
}

interface FlowgateUnthrottled {
  sent: number;
  enqueueRate: number;
  received: number;
  /** Every queued message reached the emulator within drainTimeoutS. */
  drained: boolean;
  /** From the first app.send call to the emulator's last acceptance. */
  seconds: number;
  rate: number;
  sendLatencyMs: { p50: number; p99: number };
  notAccepted: Record<string, number>;
}

interface BaselineFigures {
  ok: number;
  seconds: number;
  rate: number;
  status: Record<string, number>;
  latencyMs: { p50: number; p99: number };
}

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

function report(
  throttled: Measured<ThrottledFigures>,
  baseline: Measured<BaselineFigures>,
  unthrottled: Measured<FlowgateUnthrottled>,
): void {
  const t = throttled.result;
  const b = baseline.result;
  const u = unthrottled.result;
  const rate = SETTINGS.defaultRate;
  const deviation = Math.abs(t.achievedRate - rate) / rate;
  const ratio = u.rate / b.rate;
  const rows: Row[] = [
    {
      metric: `throttled (${rate}/s): messages queued / received`,
      value: `${fmt.int(t.queued)} / ${fmt.int(t.receipts.times.length)}`,
    },
    {
      metric: `  achieved rate over ${SETTINGS.throttledS} s (after ${SETTINGS.throttledWarmupS} s)`,
      value: `${t.achievedRate.toFixed(2)}/s (${fmt.int(t.windowCount)})`,
      target: `${rate} ± ${TARGETS.rateTolerance * 100} %`,
      pass: deviation <= TARGETS.rateTolerance,
    },
    {
      metric: '  busiest 1 s window at the emulator',
      value: `${fmt.int(t.busiest1s.count)} (at +${t.busiest1s.offsetS.toFixed(1)} s)`,
      target: `≤ ${rate}`,
      pass: t.busiest1s.count <= rate,
    },
    {
      metric: '    leaving Flowgate (Graph client calls fetch)',
      value: `${fmt.int(t.busiest1sAtSender.count)} (at +${t.busiest1sAtSender.offsetS.toFixed(1)} s)`,
      target: `≤ ${rate}`,
      pass: t.busiest1sAtSender.count <= rate,
    },
    {
      metric: `    at the emulator, within the measured ${SETTINGS.throttledS} s`,
      value: `${fmt.int(t.busiest1sInWindow.count)} (at +${t.busiest1sInWindow.offsetS.toFixed(1)} s)`,
    },
    {
      metric: '  refused by the emulator / not accepted in store',
      value: `${t.receipts.refused} / ${describeStates(t.notAccepted)}`,
      target: '0 / 0',
      pass: t.receipts.refused === 0 && Object.keys(t.notAccepted).length === 0,
    },
    { metric: '  CPU cores: emulator + bench + others', value: describeCores(throttled.cores) },
    {
      metric: '  Flowgate event-loop delay p99 / max',
      value: `${fmt.ms(t.eventLoopDelayMs.p99)} / ${fmt.ms(t.eventLoopDelayMs.max)}`,
    },
    { metric: `baseline (fetch loop, ${SETTINGS.concurrency} concurrent): msg/s`, value: fmt.int(b.rate) },
    { metric: '  p50 / p99 per POST', value: `${fmt.ms(b.latencyMs.p50)} / ${fmt.ms(b.latencyMs.p99)}` },
    { metric: '  non-200 / errors', value: fmt.int(notOk(b.status)), target: '0', pass: notOk(b.status) === 0 },
    { metric: '  CPU cores: emulator + bench + others', value: describeCores(baseline.cores) },
    {
      metric: `Flowgate unthrottled (${fmt.int(SETTINGS.unthrottledRate)}/s): msg/s end to end`,
      value: fmt.int(u.rate),
    },
    { metric: '  app.send calls/s (queued while sending)', value: fmt.int(u.enqueueRate) },
    { metric: '  app.send p50 / p99', value: `${fmt.ms(u.sendLatencyMs.p50)} / ${fmt.ms(u.sendLatencyMs.p99)}` },
    {
      metric: `  bulk queued / received${u.drained ? '' : ` (gave up after ${SETTINGS.drainTimeoutS} s)`}`,
      value: `${fmt.int(u.sent)} / ${fmt.int(u.received)}`,
      pass: u.sent === u.received,
    },
    {
      metric: '  not accepted in store',
      value: describeStates(u.notAccepted),
      target: '0',
      pass: Object.keys(u.notAccepted).length === 0,
    },
    { metric: '  CPU cores: emulator + bench + others', value: describeCores(unthrottled.cores) },
    { metric: 'Flowgate / baseline (unthrottled)', value: fmt.ratio(ratio) },
  ];
  printTable(
    `Outbound: template messages through app.send → SQLite outbox (synchronous=full) → send worker ` +
      `(${SETTINGS.concurrency} concurrent) → limiter → Graph client → emulator (child process); rates are ` +
      'counted where the emulator accepted each send. CPU cores are of the machine’s, shared.',
    rows,
  );
  const busiestOthers = Math.max(...[throttled, baseline, unthrottled].map((p) => p.cores.others ?? 0));
  if (busiestOthers > 0.35) {
    console.log(
      `\nWARNING: other processes used up to ${busiestOthers.toFixed(2)} CPU cores during a run; the figures above ` +
        'are depressed by that (and the limiter sees a late event loop). Re-run on a quiet machine.',
    );
  }
  const path = writeResults('outbound', {
    settings: SETTINGS,
    targets: TARGETS,
    note: 'Flowgate and the baseline run in the bench process; the emulator in a child process on the same machine.',
    summary: {
      achievedRate: t.achievedRate,
      busiest1s: t.busiest1s.count,
      busiest1sAtSender: t.busiest1sAtSender.count,
      baselineRate: b.rate,
      flowgateUnthrottledRate: u.rate,
      ratio,
      pass: { rate: deviation <= TARGETS.rateTolerance, busiest1s: t.busiest1s.count <= rate },
    },
    throttled: {
      ...throttled,
      result: { ...t, receipts: { count: t.receipts.times.length, refused: t.receipts.refused } },
    },
    baseline,
    unthrottled,
  });
  console.log(`\nFigures written to ${path}`);
}

function describeStates(states: Record<string, number>): string {
  const entries = Object.entries(states);
  return entries.length === 0 ? '0' : entries.map(([state, n]) => `${fmt.int(n)} ${state}`).join(', ');
}

function notOk(status: Record<string, number>): number {
  return Object.entries(status).reduce((n, [s, c]) => n + (s === '200' ? 0 : c), 0);
}

function showLogs(child: Child): void {
  if (child.logLines() === 0) return;
  console.log(`${child.name} wrote ${child.logLines()} log line(s); the last ones:`);
  for (const line of child.logTail().slice(-5)) console.log(`  ${line.slice(0, 300)}`);
}
