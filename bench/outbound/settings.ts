// Settings, targets and the figures' shape of the outbound bench (shared by index.ts and report.ts).
import type { Receipts } from './receipts.js';

export const SETTINGS = {
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

export const TARGETS = { rateTolerance: 0.05 } as const;

export interface ThrottledFigures {
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

export interface FlowgateUnthrottled {
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

export interface BaselineFigures {
  ok: number;
  seconds: number;
  rate: number;
  status: Record<string, number>;
  latencyMs: { p50: number; p99: number };
}
