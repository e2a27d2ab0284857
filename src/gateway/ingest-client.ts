// The main thread's side of the ingest thread: an InboxSink whose appends resolve once the ingest thread
// has committed the body, a drain() for tests and tools, and the relay of its job and event notices.
import { Worker } from 'node:worker_threads';
import type { DispatchResult } from './dispatcher.js';
import type { FromIngestThread, IngestThreadInit, ToIngestThread } from './ingest-protocol.js';
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

export class IngestThread implements InboxSink {
  private seq = 0;
  private readonly appends = new Map<number, Waiter<number>>();
  private readonly drains = new Map<number, Waiter<DispatchResult>>();
  private stopped: Promise<void> | null = null;
  private exited: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly options: IngestThreadOptions,
  ) {
    worker.on('message', (message: FromIngestThread) => {
      this.receive(message);
    });
    worker.on('error', (error) => {
      this.fail(new IngestThreadError(`the ingest thread failed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      this.fail(new IngestThreadError(`the ingest thread exited (code ${code})`));
    });
  }

  /** Starts the thread and resolves once its store is open. */
  static start(options: IngestThreadOptions): Promise<IngestThread> {
    const worker = spawnWorker(options.init);
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromIngestThread): void => {
        if (message.type === 'ready') {
          worker.off('message', onMessage);
          worker.off('error', reject);
          resolve(new IngestThread(worker, options));
        } else if (message.type === 'start_failed') {
          void worker.terminate();
          reject(new IngestThreadError(`the ingest thread could not start: ${message.message}`));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  append(item: InboxAppend): Promise<number> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const seq = ++this.seq;
    return new Promise<number>((resolve, reject) => {
      this.appends.set(seq, { resolve, reject });
      this.post({ type: 'append', seq, ...item });
    });
  }

  /** Dispatches everything pending in the inbox now (tests, tools). */
  drain(): Promise<DispatchResult> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const seq = ++this.seq;
    return new Promise<DispatchResult>((resolve, reject) => {
      this.drains.set(seq, { resolve, reject });
      this.post({ type: 'drain', seq });
    });
  }

  setPatterns(patterns: readonly string[]): void {
    if (this.exited === null) this.post({ type: 'patterns', patterns });
  }

  /** Lets pending commits and the current dispatch finish, then closes the thread's store. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited !== null) {
        resolve();
        return;
      }
      this.worker.once('exit', () => {
        resolve();
      });
      this.post({ type: 'stop' });
    });
    return this.stopped;
  }

  private post(message: ToIngestThread): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromIngestThread): void {
    switch (message.type) {
      case 'appended':
        settle(this.appends, message.seq)?.resolve(message.id);
        return;
      case 'append_failed':
        settle(this.appends, message.seq)?.reject(new IngestThreadError(`inbox commit failed: ${message.message}`));
        return;
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
    if (this.stopped === null) this.options.onExit(error);
  }
}

function settle<T>(waiters: Map<number, Waiter<T>>, seq: number): Waiter<T> | undefined {
  const waiter = waiters.get(seq);
  waiters.delete(seq);
  return waiter;
}

/**
 * Compiled, the thread is `ingest-thread.js` beside this file. Run from the TypeScript sources (tests,
 * benchmarks, `node --import tsx`), a worker does not inherit the loader, so it registers tsx first.
 */
function spawnWorker(init: IngestThreadInit): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './ingest-thread.ts' : './ingest-thread.js', import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData: init });
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}
