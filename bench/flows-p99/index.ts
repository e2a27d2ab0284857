// The flows bench's p99 at half max, as a distribution. One 8 s window is one sample of a tail that moves by
// tens of milliseconds on a shared 2-core machine (CPU steal, the load generator on the same cores), so
// this runs Flowgate's endpoint and the Express baseline each at its own maximum once, then alternates
// half-max windows between them and prints every window, the medians and how many windows met the target.
// `FLOWGATE_BENCH_WINDOWS` sets the windows per server (default 6). Servers, load and keys are the flows
// bench's (bench/flows/).
import { randomBytes } from 'node:crypto';
import { newFlowToken } from '../../src/flows/index.js';
import type { Child } from '../lib/child.js';
import type { LoadResult, LoadTarget } from '../lib/load.js';
import type { Measured } from '../lib/phase.js';
import { fmt, printTable, writeResults, type Row } from '../lib/report.js';
import { atHalfOf, atSaturation, withBaselineServer, withFlowgateServer } from '../flows/index.js';
import { mainThreadWait } from '../flows/report.js';
import { generateBenchKeys } from '../flows/keys.js';
import { PoolFeed, requestPool } from '../flows/requests.js';
import { SETTINGS, TARGETS } from '../flows/settings.js';

const WINDOWS = positiveInteger(process.env['FLOWGATE_BENCH_WINDOWS'] ?? '6', 'FLOWGATE_BENCH_WINDOWS');

interface Server {
  label: string;
  child: Child;
  target: LoadTarget;
  max: Measured<LoadResult>;
  windows: Measured<LoadResult>[];
}

export async function run(): Promise<void> {
  const appSecret = randomBytes(16).toString('hex');
  const keys = generateBenchKeys();
  const tokens = Array.from({ length: SETTINGS.tokens }, () => newFlowToken());
  const pool = requestPool(SETTINGS.poolSize, keys.publicKey, appSecret, tokens);
  console.log(
    `p99 at half max in ${WINDOWS} windows of ${SETTINGS.halfRateS} s per server, Flowgate's and the baseline's ` +
      'windows alternated; both servers run throughout, the idle one between its windows.',
  );

  const servers = await withFlowgateServer(keys, appSecret, tokens, { workers: 1 }, (flowgateChild, fgWhere) =>
    withBaselineServer(keys, appSecret, async (baselineChild, baseWhere) => {
      const flowgate = await atMax('Flowgate (1 process)', flowgateChild, { ...fgWhere, feed: new PoolFeed(pool) });
      const baseline = await atMax('baseline (Express)', baselineChild, { ...baseWhere, feed: new PoolFeed(pool) });
      for (let i = 0; i < WINDOWS; i++) {
        for (const server of [flowgate, baseline]) server.windows.push(await halfMaxWindow(server, i));
      }
      return [flowgate, baseline];
    }),
  );

  const rows: Row[] = [];
  for (const server of servers) {
    rows.push({ metric: `${server.label}: req/s at saturation`, value: fmt.int(server.max.result.rps) });
    for (const [i, w] of server.windows.entries()) {
      rows.push({
        metric:
          `  window ${i + 1} (${fmt.int(w.result.rps)} req/s): p50 / p99; generator lag p99; ` +
          `main thread waiting ${mainThreadWait(w)}; others ${w.cores.others?.toFixed(2) ?? 'n/a'} cores`,
        value: `${fmt.ms(w.result.latencyMs.p50)} / ${fmt.ms(w.result.latencyMs.p99)}; ${fmt.ms(w.result.sendLagMs?.p99 ?? Number.NaN)}`,
      });
    }
    const p99s = server.windows.map((w) => w.result.latencyMs.p99);
    const under = p99s.filter((p) => p < TARGETS.p99AtHalfMaxMs).length;
    rows.push(
      { metric: '  median p99 over the windows', value: fmt.ms(median(p99s)) },
      {
        metric: `  windows with p99 < ${TARGETS.p99AtHalfMaxMs} ms`,
        value: `${under} / ${p99s.length}`,
        ...(server === servers[0] ? { target: 'all', pass: under === p99s.length } : {}),
      },
    );
  }
  printTable('Flows: p99 at half max, window by window', rows);
  const path = writeResults('flows-p99', {
    settings: { windows: WINDOWS, windowS: SETTINGS.halfRateS, warmupS: SETTINGS.halfRateWarmupS },
    targets: { p99AtHalfMaxMs: TARGETS.p99AtHalfMaxMs },
    servers: servers.map(({ label, max, windows }) => ({ label, max, windows })),
  });
  console.log(`\nFigures written to ${path}`);
}

async function atMax(label: string, child: Child, target: LoadTarget): Promise<Server> {
  const max = await atSaturation(child, target, label);
  console.log(`${label}: ${Math.round(max.result.rps)} req/s at saturation.`);
  return { label, child, target, max, windows: [] };
}

async function halfMaxWindow(server: Server, i: number): Promise<Measured<LoadResult>> {
  const window = await atHalfOf(server.child, server.target, `${server.label}, window ${i + 1}`, server.max.result);
  console.log(`${server.label}, window ${i + 1}: p99 ${fmt.ms(window.result.latencyMs.p99)}.`);
  return window;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function positiveInteger(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, got ${JSON.stringify(text)}`);
  return n;
}
