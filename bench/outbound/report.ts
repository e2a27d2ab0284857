// The outbound bench's table and results file: the 80/s run against its targets, the baseline, the
// unthrottled run and the ratio, CPU use per phase.
import { describeCores, type Measured } from '../lib/phase.js';
import { fmt, printTable, writeResults, type Row } from '../lib/report.js';
import {
  SETTINGS,
  TARGETS,
  type BaselineFigures,
  type FlowgateUnthrottled,
  type ThrottledFigures,
} from './settings.js';

export function report(
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
      value: fmt.p99Max(t.eventLoopDelayMs),
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
