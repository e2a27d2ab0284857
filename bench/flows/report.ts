// The flows bench's table: the crypto ceiling, the bare-HTTP diagnostic, the baseline and Flowgate (cluster
// and one process), the three ratios against their targets, CPU use per phase, and the correctness probes.
import type { LoadResult } from '../lib/load.js';
import { describeCores, type Measured } from '../lib/phase.js';
import { fmt, printTable, type Row } from '../lib/report.js';
import type { Ceiling } from './ceiling.js';
import { bestCeiling, SETTINGS, TARGETS, type EndpointFigures, type FlowsFigures } from './settings.js';

function latency(r: LoadResult): string {
  return `${fmt.ms(r.latencyMs.p50)} / ${fmt.ms(r.latencyMs.p99)}`;
}

/** Server CPU time per answered request over the measured run (all its processes). */
export function cpuMsPerRequest(m: Measured<LoadResult>): number {
  const stats = Object.values(m.cores.children)[0];
  if (stats === undefined || stats === null || m.result.responses === 0) return Number.NaN;
  return ((stats.cpuSeconds / stats.wallSeconds) * m.cores.seconds * 1000) / m.result.responses;
}

function ceilingCores(c: Ceiling): string {
  return `${c.cores.toFixed(2)} + ${c.otherCores === null ? 'n/a' : c.otherCores.toFixed(2)}`;
}

/** A run of the ceiling on every core: its rate (per thread too), cores, and CPU per request. */
function ceilingAllRows(c: Ceiling, title: string, indent: string): Row[] {
  return [
    { metric: title, value: `${fmt.int(c.opsPerSecond)} (${c.perThread.map((n) => fmt.int(n)).join(' + ')})` },
    { metric: `${indent}  CPU cores: threads + others`, value: ceilingCores(c) },
    { metric: `${indent}  CPU per request (the loop, every thread)`, value: fmt.ms(c.cpuMsPerOp) },
  ];
}

function loopDelay(m: Measured<LoadResult>): string {
  return fmt.p99Max(Object.values(m.cores.children)[0]?.eventLoopDelayMs);
}

/** How long the server's main thread waited for a core during `m`, as a share of the time. */
export function mainThreadWait(m: Measured<LoadResult>): string {
  return fmt.share(Object.values(m.cores.children)[0]?.mainThreadWaitShare);
}

function endpointRows(e: EndpointFigures, what: string): Row[] {
  const rows: Row[] = [
    { metric: `${what}: req/s at saturation`, value: fmt.int(e.max.result.rps) },
    { metric: '  p50 / p99 at saturation', value: latency(e.max.result) },
    { metric: '  CPU cores: server + load gen + others', value: describeCores(e.max.cores) },
    { metric: '  server CPU per request', value: fmt.ms(cpuMsPerRequest(e.max)) },
  ];
  if (e.half !== null) {
    rows.push(
      {
        metric: `  at half max (${fmt.int(e.half.result.rps)} req/s, open loop): p50 / p99`,
        value: latency(e.half.result),
      },
      { metric: '    CPU cores: server + load gen + others', value: describeCores(e.half.cores) },
      { metric: '    server event-loop delay p99 / max', value: loopDelay(e.half) },
      { metric: '    server main thread ready to run but waiting for a core', value: mainThreadWait(e.half) },
      {
        metric: '    of which the generator sent late (its own lag) p99 / max',
        value: fmt.p99Max(e.half.result.sendLagMs),
      },
    );
  }
  const errors = e.max.result.errors + (e.half?.result.errors ?? 0);
  const probes = e.probeBefore.correct + e.probeAfter.correct;
  const sent = e.probeBefore.sent + e.probeAfter.sent;
  rows.push(
    { metric: '  non-200 responses (warm-up included)', value: fmt.int(errors), target: '0', pass: errors === 0 },
    { metric: '  probe answers decrypted to CONFIRM', value: `${probes} / ${sent}`, pass: probes === sent },
  );
  return rows;
}

export function report(f: FlowsFigures): void {
  const gate = f.flowgate.max.result.rps;
  const ceiling = bestCeiling(f);
  const ofCeiling = gate / ceiling.opsPerSecond;
  const ofBaseline = gate / f.baseline.max.result.rps;
  const p99 = f.flowgate.half?.result.latencyMs.p99 ?? Number.NaN;
  const rows: Row[] = [
    { metric: 'crypto ceiling, 1 thread: requests/s', value: fmt.int(f.ceilingOne.opsPerSecond) },
    { metric: '  CPU cores: threads + others', value: ceilingCores(f.ceilingOne) },
    ...ceilingAllRows(f.ceilingAll, `crypto ceiling, ${f.ceilingAll.threads} threads: requests/s`, ''),
    ...ceilingAllRows(f.ceilingAllAfter, '  again after the endpoints: requests/s', '  '),
    {
      metric: `  the ceiling the ratios below use (the better run, ${ceiling === f.ceilingAll ? 'the first' : 'the second'})`,
      value: fmt.int(ceiling.opsPerSecond),
    },
    ...endpointRows(
      f.bareHttp,
      `the ceiling's work behind bare node:http, ${f.bareHttp.processes} processes (diagnostic: the most an HTTP endpoint does here)`,
    ),
    ...endpointRows(f.baseline, 'baseline (Meta Node example, Express, 1 process)'),
    ...endpointRows(f.flowgate, 'Flowgate, 1 process (RSA in a worker-thread pool)'),
    ...endpointRows(f.flowgateCluster, `Flowgate, ${f.flowgateCluster.processes} cluster workers (diagnostic)`),
    ...endpointRows(
      f.flowgateNormalSync,
      `Flowgate, ${f.flowgateNormalSync.processes} cluster workers, FLOWGATE_SQLITE_SYNC=normal (diagnostic)`,
    ),
    {
      metric: `Flowgate (${f.flowgate.processes} process) / crypto ceiling ×${ceiling.threads}`,
      value: `${(ofCeiling * 100).toFixed(1)} %`,
      target: `≥ ${TARGETS.ofCeiling * 100} %`,
      pass: ofCeiling >= TARGETS.ofCeiling,
    },
    {
      metric: `Flowgate (${f.flowgate.processes} process) / baseline`,
      value: fmt.ratio(ofBaseline),
      target: `≥ ${TARGETS.ofBaseline.toFixed(1)}×`,
      pass: ofBaseline >= TARGETS.ofBaseline,
    },
    {
      metric: `Flowgate (${f.flowgate.processes} process) p99 at half max`,
      value: fmt.ms(p99),
      target: `< ${TARGETS.p99AtHalfMaxMs} ms`,
      pass: p99 < TARGETS.p99AtHalfMaxMs,
    },
    {
      metric: `Flowgate ×${f.flowgateCluster.processes} cluster / baseline`,
      value: fmt.ratio(f.flowgateCluster.max.result.rps / f.baseline.max.result.rps),
    },
    {
      metric: 'bare node:http / crypto ceiling (what HTTP and the load generator leave of the ceiling)',
      value: `${((f.bareHttp.max.result.rps / ceiling.opsPerSecond) * 100).toFixed(1)} %`,
    },
    {
      metric: 'Flowgate (1 process) / bare node:http',
      value: `${((gate / f.bareHttp.max.result.rps) * 100).toFixed(1)} %`,
    },
    {
      metric: 'ceiling CPU per request / Flowgate CPU per request (share of the ceiling on dedicated cores)',
      value: `${((ceiling.cpuMsPerOp / cpuMsPerRequest(f.flowgate.max)) * 100).toFixed(1)} %`,
    },
    {
      metric: 'Flowgate 1 process / crypto ceiling 1 thread',
      value: `${((f.flowgate.max.result.rps / f.ceilingOne.opsPerSecond) * 100).toFixed(1)} %`,
    },
  ];
  printTable(
    `Flows: signed, encrypted data_exchange requests (pool of ${SETTINGS.poolSize}, RSA-OAEP-2048-SHA256 + ` +
      `AES-128-GCM); saturation with autocannon, ${SETTINGS.connections} connections, ${SETTINGS.durationS} s ` +
      `after ${SETTINGS.warmupS} s; half max open loop for ${SETTINGS.halfRateS} s (latency from each ` +
      'request’s scheduled send). The ceiling runs with nothing else of ours on the cores; the servers share ' +
      'them with the load generator.',
    rows,
  );
  const endpoints = [f.bareHttp, f.baseline, f.flowgate, f.flowgateCluster, f.flowgateNormalSync];
  for (const e of endpoints) {
    for (const p of [...e.probeBefore.problems, ...e.probeAfter.problems]) console.log(`  ${e.label} probe: ${p}`);
    for (const r of [e.max, e.half].filter((m): m is Measured<LoadResult> => m !== null)) {
      if (r.result.errors > 0) {
        console.log(`\n${r.result.label}: status ${JSON.stringify(r.result.status)}`);
        for (const example of r.result.errorExamples) console.log(`  ${example}`);
      }
    }
  }
  const phases = endpoints.flatMap((e) => [e.max, e.half]);
  const busiest = Math.max(
    f.ceilingOne.otherCores ?? 0,
    f.ceilingAll.otherCores ?? 0,
    f.ceilingAllAfter.otherCores ?? 0,
    ...phases.map((p) => p?.cores.others ?? 0),
  );
  if (busiest > 0.35) {
    console.log(
      `\nWARNING: other processes used up to ${busiest.toFixed(2)} CPU cores during a run; the figures above are ` +
        'depressed by that. Re-run on a quiet machine.',
    );
  }
}
