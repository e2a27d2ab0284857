// The main thread's side of the ingest threads: an InboxSink whose appends resolve once the inbox thread
// has committed the body, a drain() for tests and tools, and the relay of the dispatch thread's notices.
import { MessageChannel, Worker, type Transferable } from 'node:worker_threads';
import type { DispatchResult } from './dispatcher.js';
import { TurnBatch } from '../support/turn-batch.js';
import type {
  AppendRequest,
  FromDispatchThread,
  FromInboxThread,
  IngestThreadInit,
  ToDispatchThread,
  ToInboxThread,
} from './ingest-protocol.js';
import type { InboxSink } from './ingress.js';
import type { InboxAppend } from '../store/index.js';

export interface IngestThreadOptions {
  init: IngestThreadInit;
  onJobs: (queues: readonly string[]) => void;
  onEvents: (claimed: number, duplicates: number) => void;
  /** The thread died (it is not restarted: appends then fail with 503 and Meta retries). */
  onExit: (error: Error) => void;
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export class IngestThreadError extends Error {
  override readonly name = 'IngestThreadError';
  readonly code = 'flowgate.gateway.ingest_thread';
}

/**
 * The main thread's side of the ingest threads: the inbox thread (webhook commits) and the dispatch thread
 * (events, records, jobs), joined by a MessageChannel over which the first wakes the second.
 */
export class IngestThread implements InboxSink {
  private seq = 0;
  private readonly appends = new Map<number, Waiter<number>>();
  /** Appends made in this turn of the event loop, posted together (ingest-protocol.ts). */
  private readonly outbox = new TurnBatch<AppendRequest>((items) => {
    if (this.exited === null) this.toInbox({ type: 'append', items });
  });
  private readonly drains = new Map<number, Waiter<DispatchResult>>();
  private stopped: Promise<void> | null = null;
  private exited: Error | null = null;

  private constructor(
    private readonly inboxThread: Worker,
    private readonly dispatchThread: Worker,
    private readonly options: IngestThreadOptions,
  ) {
    inboxThread.on('message', (message: FromInboxThread) => {
      this.fromInbox(message);
    });
    dispatchThread.on('message', (message: FromDispatchThread) => {
      this.fromDispatch(message);
    });
    for (const [name, worker] of [
      ['inbox', inboxThread],
      ['dispatch', dispatchThread],
    ] as const) {
      worker.on('error', (error) => {
        this.fail(new IngestThreadError(`the ${name} thread failed: ${error.message}`, { cause: error }));
      });
      worker.on('exit', (code) => {
        this.fail(new IngestThreadError(`the ${name} thread exited (code ${code})`));
      });
    }
  }

  /** Starts both threads and resolves once their databases are open. */
  static async start(options: IngestThreadOptions): Promise<IngestThread> {
    const { port1, port2 } = new MessageChannel();
    // The dispatch thread opens the main database (and runs its migrations) before the inbox thread starts.
    const dispatchThread = spawnWorker('./dispatch-thread', { init: options.init, committed: port2 }, [port2]);
    try {
      await ready(dispatchThread, 'dispatch');
    } catch (error) {
      port1.close();
      throw error;
    }
    const inboxThread = spawnWorker('./ingest-thread', { database: options.init.database, committed: port1 }, [port1]);
    try {
      await ready(inboxThread, 'inbox');
    } catch (error) {
      await dispatchThread.terminate();
      throw error;
    }
    return new IngestThread(inboxThread, dispatchThread, options);
  }

  append(item: InboxAppend): Promise<number> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const seq = ++this.seq;
    return new Promise<number>((resolve, reject) => {
      this.appends.set(seq, { resolve, reject });
      this.outbox.add({ seq, ...item });
    });
  }

  /** Dispatches everything pending in the inbox now (tests, tools). */
  drain(): Promise<DispatchResult> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const seq = ++this.seq;
    return new Promise<DispatchResult>((resolve, reject) => {
      this.drains.set(seq, { resolve, reject });
      this.toDispatch({ type: 'drain', seq });
    });
  }

  setPatterns(patterns: readonly string[]): void {
    if (this.exited === null) this.toDispatch({ type: 'patterns', patterns });
  }

  /** Lets pending commits and then the current dispatch finish, and closes the threads' databases. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.exited !== null) return;
      await stopWorker(this.inboxThread, () => {
        this.outbox.flush();
        this.toInbox({ type: 'stop' });
      });
      await stopWorker(this.dispatchThread, () => {
        this.toDispatch({ type: 'stop' });
      });
    })();
    return this.stopped;
  }

  private toInbox(message: ToInboxThread): void {
    this.inboxThread.postMessage(message);
  }

  private toDispatch(message: ToDispatchThread): void {
    this.dispatchThread.postMessage(message);
  }

  private fromInbox(message: FromInboxThread): void {
    switch (message.type) {
      case 'appended':
        message.seqs.forEach((seq, i) => {
          settle(this.appends, seq)?.resolve(message.ids[i] ?? -1);
        });
        return;
      case 'append_failed': {
        const error = new IngestThreadError(`inbox commit failed: ${message.message}`);
        for (const seq of message.seqs) settle(this.appends, seq)?.reject(error);
        return;
      }
      case 'ready':
      case 'start_failed':
      case 'stopped':
        return;
    }
  }

  private fromDispatch(message: FromDispatchThread): void {
    switch (message.type) {
      case 'drained': {
        const waiter = settle(this.drains, message.seq);
        if (message.result === null) waiter?.reject(new IngestThreadError(`dispatch failed: ${message.message ?? ''}`));
        else waiter?.resolve(message.result);
        return;
      }
      case 'jobs':
        this.options.onJobs(message.queues);
        return;
      case 'events':
        this.options.onEvents(message.claimed, message.duplicates);
        return;
      case 'ready':
      case 'start_failed':
      case 'stopped':
        return;
    }
  }

  private fail(error: Error): void {
    if (this.exited !== null) return;
    this.exited = error;
    for (const waiter of [...this.appends.values(), ...this.drains.values()]) waiter.reject(error);
    this.appends.clear();
    this.drains.clear();
    this.outbox.clear();
    if (this.stopped === null) this.options.onExit(error);
  }
}

function settle<T>(waiters: Map<number, Waiter<T>>, seq: number): Waiter<T> | undefined {
  const waiter = waiters.get(seq);
  waiters.delete(seq);
  return waiter;
}

function ready(worker: Worker, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string; message?: string }): void => {
      if (message.type === 'ready') {
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve();
      } else if (message.type === 'start_failed') {
        void worker.terminate();
        reject(new IngestThreadError(`the ${name} thread could not start: ${message.message ?? ''}`));
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

function stopWorker(worker: Worker, askToStop: () => void): Promise<void> {
  return new Promise((resolve) => {
    worker.once('exit', () => {
      resolve();
    });
    askToStop();
  });
}

/**
 * Compiled, a thread is `<name>.js` beside this file. Run from the TypeScript sources (tests, benchmarks,
 * `node --import tsx`), a worker does not inherit the loader, so it registers tsx first.
 */
function spawnWorker(name: string, workerData: unknown, transferList: Transferable[]): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`${name}${fromSources ? '.ts' : '.js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData, transferList });
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, transferList });
}
