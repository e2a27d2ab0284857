// Runs a flow author's TextInput `pattern` (Flow JSON 6.2+) against a customer's value with a hard
// time bound. JavaScript regexes backtrack: `^([A-Za-z]+\s?)+$` against 'a'×40 + '!' runs for days,
// and neither a length cap nor a static check catches every such pattern (`\d*\d*\d*x` is only
// polynomial, yet slow enough). V8's linear engine cannot help on Node 20: it refuses the `u` flag,
// counted repeats, lookarounds and backreferences. So the match runs on a worker thread, the caller
// blocks on a shared flag for at most the budget, and a worker still busy then is terminated (which
// interrupts the match) and replaced: the check fails closed instead of stalling the event loop.
import { Worker } from 'node:worker_threads';

/** `timeout`: the match ran past the budget. `unavailable`: no worker was up (starting, or being
 * replaced after a timeout). `failed`: the engine threw (regexp stack overflow). */
export type PatternVerdict = 'match' | 'mismatch' | 'timeout' | 'unavailable' | 'failed';

export interface PatternSandboxOptions {
  /** Longest a match may run once the worker has started it. */
  budgetMs?: number;
  /** Longest to wait for an idle worker to pick a job up; only a starved machine gets near it. */
  startWaitMs?: number;
  /** Longest the first check waits for the first worker to boot (~25 ms); once per sandbox. */
  bootWaitMs?: number;
}

// Int32 slots shared with the worker: the job state and the worker's ready flag.
const STATE = 0;
const READY = 1;
const IDLE = 0;
const PENDING = 1;
const STARTED = 2;
const MATCH = 3;
const MISMATCH = 4;
const FAILED = 5;

// CommonJS, evaluated in the worker: no loader, so it runs the same from src (tsx, vitest) and dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const state = new Int32Array(workerData);
const compiled = new Map();
parentPort.on('message', ({ source, flags, input }) => {
  Atomics.store(state, ${STATE}, ${STARTED});
  Atomics.notify(state, ${STATE});
  let verdict = ${FAILED};
  try {
    const key = flags + ':' + source;
    let re = compiled.get(key);
    if (re === undefined) {
      if (compiled.size > 500) compiled.clear();
      re = new RegExp(source, flags);
      compiled.set(key, re);
    }
    verdict = re.test(input) ? ${MATCH} : ${MISMATCH};
  } catch {}
  Atomics.store(state, ${STATE}, verdict);
  Atomics.notify(state, ${STATE});
});
Atomics.store(state, ${READY}, 1);
Atomics.notify(state, ${READY});
parentPort.postMessage('ready');
`;

interface Slot {
  worker: Worker;
  state: Int32Array;
  ready: Promise<boolean>;
}

export class PatternSandbox {
  private readonly budgetMs: number;
  private readonly startWaitMs: number;
  private readonly bootWaitMs: number;
  private slot: Slot | null = null;
  /** A second worker, booted ahead: after a timeout it takes over at once, so other customers' checks go on. */
  private spare: Slot | null = null;
  /** How many matches ran past the budget so far (a caller compares before and after its checks). */
  timeouts = 0;
  /** Until a worker has been up once, a check may wait for one to boot; never after (see test()). */
  private coldStart = true;

  constructor(options: PatternSandboxOptions = {}) {
    this.budgetMs = options.budgetMs ?? 5;
    this.startWaitMs = options.startWaitMs ?? 50;
    this.bootWaitMs = options.bootWaitMs ?? 2000;
  }

  /**
   * Whether `new RegExp(source, flags)` matches `input`, deciding within the budget. Blocks the calling
   * thread meanwhile (validation is synchronous). Only a check before any worker was ever up waits for
   * one to boot; after a timeout, checks answer `unavailable` at once until the replacement is up, so
   * repeated runaway inputs cost the caller one budget each and never a boot.
   */
  test(source: string, flags: string, input: string): PatternVerdict {
    if (this.slot === null) this.promoteSpare();
    const slot = this.current();
    if (slot === null) return 'unavailable';
    if (Atomics.load(slot.state, READY) !== 1) {
      if (!this.coldStart) return 'unavailable';
      this.coldStart = false;
      if (Atomics.wait(slot.state, READY, 0, this.bootWaitMs) === 'timed-out') return 'unavailable';
    }
    this.coldStart = false;
    Atomics.store(slot.state, STATE, PENDING);
    slot.worker.postMessage({ source, flags, input });
    Atomics.wait(slot.state, STATE, PENDING, this.startWaitMs);
    Atomics.wait(slot.state, STATE, STARTED, this.budgetMs);
    const state = Atomics.load(slot.state, STATE);
    if (state === MATCH || state === MISMATCH || state === FAILED) {
      Atomics.store(slot.state, STATE, IDLE);
      return state === MATCH ? 'match' : state === MISMATCH ? 'mismatch' : 'failed';
    }
    if (state === STARTED) this.timeouts += 1;
    this.discard(slot);
    // The spare (if up) takes over now; a new spare boots off this call (starting a worker costs the
    // calling thread ~2 ms).
    this.promoteSpare();
    setImmediate(() => {
      this.current();
      this.prepareSpare();
    });
    return state === STARTED ? 'timeout' : 'unavailable';
  }

  /**
   * Resolves once a worker and its spare are up (true), or the worker failed to start (false); starts
   * them if needed. Called when a flow with a pattern is registered, so no request waits for a boot.
   */
  whenReady(): Promise<boolean> {
    const ready = this.current()?.ready ?? Promise.resolve(false);
    this.prepareSpare();
    const spare = this.spare?.ready ?? Promise.resolve(true);
    return Promise.all([ready, spare]).then(([up]) => up);
  }

  /** Stops the workers; a later test() starts a new one. */
  async close(): Promise<void> {
    const slots = [this.slot, this.spare];
    this.slot = null;
    this.spare = null;
    await Promise.all(slots.flatMap((slot) => (slot === null ? [] : [slot.worker.terminate()])));
  }

  /** The spare becomes the worker, if it has booted. */
  private promoteSpare(): void {
    const spare = this.spare;
    if (spare === null || this.slot !== null || Atomics.load(spare.state, READY) !== 1) return;
    this.spare = null;
    this.slot = spare;
  }

  /** Boots a spare when there is none (only once a worker exists: a spare alone is no use). */
  private prepareSpare(): void {
    if (this.spare !== null || this.slot === null) return;
    try {
      this.spare = this.boot();
    } catch {
      this.spare = null;
    }
  }

  /** The live worker, or a newly started one; null if none can be started. */
  private current(): Slot | null {
    if (this.slot) return this.slot;
    try {
      return this.spawn();
    } catch {
      return null;
    }
  }

  private spawn(): Slot {
    const slot = this.boot();
    this.slot = slot;
    return slot;
  }

  private boot(): Slot {
    const shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: shared,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    worker.unref();
    const ready = new Promise<boolean>((resolve) => {
      worker.once('message', () => {
        this.coldStart = false;
        resolve(true);
      });
      worker.once('exit', () => {
        resolve(false);
      });
    });
    const slot: Slot = { worker, state: new Int32Array(shared), ready };
    // A worker that dies on its own (out of memory) is replaced on the next check.
    worker.on('error', () => {
      this.discard(slot);
    });
    worker.once('exit', () => {
      if (this.slot === slot) this.slot = null;
      if (this.spare === slot) this.spare = null;
    });
    return slot;
  }

  private discard(slot: Slot): void {
    if (this.slot === slot) this.slot = null;
    if (this.spare === slot) this.spare = null;
    void slot.worker.terminate();
  }
}
