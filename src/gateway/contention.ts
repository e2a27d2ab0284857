// Whether the threads people wait on are short of CPU. Linux keeps, per thread, the time it spent runnable
// but waiting for a core (/proc/<pid>/task/<tid>/schedstat, second field, in ns). When the HTTP thread
// (the process's main thread: its tid is the pid) waits a noticeable share of wall time, the cores are
// oversubscribed, and every core-second the dispatcher takes is one the webhook answers lack. The nice value
// of the dispatch thread alone does not settle this: each core has its own run queue, so a low-priority
// thread alone on one core runs flat out while the HTTP thread queues on the other.
import { readFileSync } from 'node:fs';

/** The runqueue wait (ns) in a schedstat line ("<run ns> <wait ns> <timeslices>"), or null. */
export function parseSchedstatWait(line: string): number | null {
  const wait = Number(line.trim().split(/\s+/)[1]);
  return Number.isFinite(wait) && wait >= 0 ? wait : null;
}

export interface ContentionGaugeOptions {
  /** The thread's cumulative runqueue wait in ns, or null when unknown (default: the main thread's, Linux). */
  readWaitNs?: () => number | null;
  /** Monotonic clock in ms (default performance.now). */
  now?: () => number;
  /** Shortest interval between two readings; a reading in between answers with the last verdict. */
  sampleMs?: number;
  /** Runqueue wait per wall time at or above which the cores count as contended... */
  onAbove?: number;
  /**
   * ...in this many readings in a row (default 2): one reading over 50 ms is a few milliseconds of waiting,
   * which a short burst of work on a busy machine gives, and each false alarm costs the dispatcher a rest.
   */
  onAfter?: number;
  /** ...until it drops below this (hysteresis: one quiet interval does not end a busy spell). */
  offBelow?: number;
}

export class ContentionGauge {
  private readonly readWaitNs: () => number | null;
  private readonly now: () => number;
  private readonly sampleMs: number;
  private readonly onAbove: number;
  private readonly offBelow: number;
  private readonly onAfter: number;
  private last: { at: number; waitNs: number } | null = null;
  private busy = false;
  /** Readings in a row at or above onAbove while not busy. */
  private above = 0;

  constructor(options: ContentionGaugeOptions = {}) {
    this.readWaitNs = options.readWaitNs ?? mainThreadWaitNs;
    this.now = options.now ?? (() => performance.now());
    this.sampleMs = options.sampleMs ?? 50;
    this.onAbove = options.onAbove ?? 0.1;
    this.offBelow = options.offBelow ?? 0.05;
    this.onAfter = options.onAfter ?? 2;
  }

  /**
   * True once the watched thread has waited for a core at least `onAbove` of the time in `onAfter` readings
   * in a row, until a reading below `offBelow` (false when unknown).
   */
  contended(): boolean {
    const at = this.now();
    if (this.last !== null && at - this.last.at < this.sampleMs) return this.busy;
    const waitNs = this.readWaitNs();
    if (waitNs === null) {
      this.last = null;
      this.busy = false;
      this.above = 0;
      return false;
    }
    if (this.last !== null) {
      const share = (waitNs - this.last.waitNs) / 1e6 / (at - this.last.at);
      if (this.busy) {
        this.busy = share >= this.offBelow;
      } else {
        this.above = share >= this.onAbove ? this.above + 1 : 0;
        this.busy = this.above >= this.onAfter;
        if (this.busy) this.above = 0;
      }
    }
    this.last = { at, waitNs };
    return this.busy;
  }
}

/** The longest pause between two batches, whatever the share (a slow batch must not stop dispatch). */
const MAX_PAUSE_MS = 250;

/**
 * The dispatcher's pace (DispatcherOptions.pace): while the gauge says the cores are contended, a drain rests
 * after each batch so that it keeps `share` of its own pace. A batch that took t ms is followed by
 * t·(1/share − 1) ms of rest (at most MAX_PAUSE_MS), the cores go to the webhook answers, and the backlog,
 * durable in the inbox, is worked off once the spell ends. `share` 1: no pacing.
 */
export function contentionPacer(
  share: number,
  gauge: Pick<ContentionGauge, 'contended'>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): ((batchMs: number) => Promise<void>) | undefined {
  if (share >= 1) return undefined;
  return async (batchMs) => {
    if (gauge.contended()) await sleep(Math.min(MAX_PAUSE_MS, batchMs * (1 / share - 1)));
  };
}

const MAIN_THREAD_SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;

/** The main thread's cumulative runqueue wait in ns (Linux schedstat), or null where there is none. */
export function mainThreadWaitNs(): number | null {
  try {
    return parseSchedstatWait(readFileSync(MAIN_THREAD_SCHEDSTAT, 'utf8'));
  } catch {
    return null; // not Linux, or no schedstat (CONFIG_SCHED_INFO off)
  }
}
