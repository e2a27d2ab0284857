// Load generators: closed-loop maximum throughput (autocannon), and an open-loop generator that sends at a
// fixed rate on a uniform schedule. Every request takes its own body and headers from a feed.
import autocannon from 'autocannon';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder, StatusTally } from './stats.js';

export interface FeedItem {
  body: Buffer;
  headers: Record<string, string>;
}

export interface RequestFeed {
  next(): FeedItem;
}

export interface LoadTarget {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  path: string;
  feed: RequestFeed;
}

export interface LoadResult {
  label: string;
  durationS: number;
  /** Responses of any status per second of the measured run. */
  rps: number;
  responses: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Count per HTTP status, plus `error` (connection errors) and `timeout`. */
  status: Record<string, number>;
  /** Everything that was not a 200, warm-up included. */
  errors: number;
  errorExamples: string[];
  warmup: { durationS: number; responses: number; status: Record<string, number> };
  /**
   * Open loop only: how late the generator itself sent each request after it was due (its own event loop
   * or its process waiting for a core). That lateness is inside every latency figure above.
   */
  sendLagMs?: { p99: number; max: number };
}

export interface ClosedLoopOptions {
  label: string;
  connections: number;
  pipelining: number;
  durationS: number;
  warmupS: number;
  /** Called when the measured run starts (after the warm-up). */
  onStart?: () => void;
}

/** As many requests as `connections` can carry, each connection waiting for its response before the next. */
export async function closedLoop(target: LoadTarget, options: ClosedLoopOptions): Promise<LoadResult> {
  const tallies = { warmup: new StatusTally(), main: new StatusTally() };
  let phase: 'warmup' | 'main' = options.warmupS > 0 ? 'warmup' : 'main';
  const latency = new LatencyRecorder();
  const instance = autocannon({
    url: target.url,
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.durationS,
    ...(options.warmupS > 0 ? { warmup: { duration: options.warmupS } } : {}),
    requests: [
      {
        method: 'POST',
        path: target.path,
        setupRequest: (request) => {
          const item = target.feed.next();
          return { ...request, body: item.body, headers: { ...request.headers, ...item.headers } };
        },
        onResponse: (status, body) => {
          tallies[phase].add(status, body);
        },
      },
    ],
  });
  // Only the measured run's tracker emits these (the warm-up has its own).
  instance.on('start', () => {
    phase = 'main';
    options.onStart?.();
  });
  instance.on('response', (_client, _status, _bytes, ms) => {
    latency.record(ms);
  });
  instance.on('reqError', (error) => {
    tallies.main.add(error.message === 'request timed out' ? 'timeout' : 'error', error.message);
  });
  const result = await instance;
  const warm = result.warmup;
  if (warm !== undefined) {
    for (let i = 0; i < warm.errors - warm.timeouts; i++) tallies.warmup.add('error');
    for (let i = 0; i < warm.timeouts; i++) tallies.warmup.add('timeout');
  }
  return summarize(options.label, result.duration, latency, tallies, warm?.duration ?? 0);
}

export interface OpenLoopOptions {
  label: string;
  /** Requests per second, sent on a uniform schedule whatever the responses do. */
  rate: number;
  durationS: number;
  warmupS: number;
  timeoutMs?: number;
  /** Called when the measured run starts (after the warm-up). */
  onStart?: () => void;
}

/**
 * Sends at a fixed rate on a uniform schedule and measures each latency from the moment the request was
 * due, so a stalled server cannot hide its stall by delaying the requests behind it (no coordinated
 * omission). autocannon's `overallRate` is not used for this: each of its connections sends its share of
 * the second back to back and then idles, so the server sees bursts at full concurrency, not the rate.
 */
export async function openLoop(target: LoadTarget, options: OpenLoopOptions): Promise<LoadResult> {
  const url = new URL(target.path, target.url);
  // Idle sockets are closed by the client before Node's default 5 s server keep-alive timeout can close
  // them under a request being sent (which would show up as ECONNRESET, an error of the generator).
  const agent = new Agent({ keepAlive: true, maxSockets: 512, timeout: 4_000, scheduling: 'lifo' });
  const tallies = { warmup: new StatusTally(), main: new StatusTally() };
  const latency = new LatencyRecorder();
  const sendLag = new LatencyRecorder();
  const timeoutMs = options.timeoutMs ?? 10_000;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const send = (dueAt: number, phase: 'warmup' | 'main'): void => {
    const item = target.feed.next();
    if (phase === 'main') sendLag.record(performance.now() - dueAt);
    inFlight++;
    const done = (status: string | number, body?: string): void => {
      if (phase === 'main') latency.record(performance.now() - dueAt);
      tallies[phase].add(status, body);
      if (--inFlight === 0) drained?.();
    };
    const req = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...item.headers, 'content-length': String(item.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('request timed out')));
    req.on('error', (error) => {
      done(error.message === 'request timed out' ? 'timeout' : 'error', error.message);
    });
    req.end(item.body);
  };

  const schedule = async (durationS: number, phase: 'warmup' | 'main'): Promise<number> => {
    const total = Math.round(durationS * options.rate);
    const intervalMs = 1000 / options.rate;
    const start = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      for (; sent < due; sent++) send(start + sent * intervalMs, phase);
      await sleep(1);
    }
    return start;
  };

  try {
    const warmupStart = performance.now();
    if (options.warmupS > 0) await schedule(options.warmupS, 'warmup');
    options.onStart?.();
    const mainStart = await schedule(options.durationS, 'main');
    if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
    const durationS = (performance.now() - mainStart) / 1000;
    const [lagP99 = Number.NaN] = sendLag.percentiles([99]);
    return {
      ...summarize(options.label, durationS, latency, tallies, (mainStart - warmupStart) / 1000),
      sendLagMs: { p99: lagP99, max: sendLag.max() },
    };
  } finally {
    agent.destroy();
  }
}

function summarize(
  label: string,
  durationS: number,
  latency: LatencyRecorder,
  tallies: { warmup: StatusTally; main: StatusTally },
  warmupS: number,
): LoadResult {
  const [p50 = Number.NaN, p90 = Number.NaN, p99 = Number.NaN] = latency.percentiles([50, 90, 99]);
  const responses = [...tallies.main.counts].reduce((n, [status, count]) => n + (/^\d+$/.test(status) ? count : 0), 0);
  return {
    label,
    durationS,
    rps: responses / durationS,
    responses,
    latencyMs: { p50, p90, p99, max: latency.max() },
    status: tallies.main.toJSON(),
    errors: tallies.main.errors + tallies.warmup.errors,
    errorExamples: [...tallies.warmup.examples, ...tallies.main.examples].slice(0, 5),
    warmup: {
      durationS: warmupS,
      responses: [...tallies.warmup.counts].reduce((n, [s, c]) => n + (/^\d+$/.test(s) ? c : 0), 0),
      status: tallies.warmup.toJSON(),
    },
  };
}

export interface Responsiveness {
  requests: number;
  p50Ms: number;
  maxMs: number;
  failures: number;
}

/**
 * GETs `url` one request at a time, pausing `intervalMs` between them, until `stop()`: how long a
 * server keeps a trivial request waiting (its event loop is busy elsewhere) while something else runs.
 */
export function pollResponsiveness(url: string, intervalMs: number): { stop(): Promise<Responsiveness> } {
  const latency = new LatencyRecorder();
  let failures = 0;
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      const started = performance.now();
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      } catch {
        failures++;
      }
      latency.record(performance.now() - started);
      await sleep(intervalMs);
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await loop;
      const [p50 = Number.NaN] = latency.percentiles([50]);
      return { requests: latency.count, p50Ms: p50, maxMs: latency.max(), failures };
    },
  };
}
