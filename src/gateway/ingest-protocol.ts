// Messages between the main thread (HTTP, handlers) and the two ingest threads: the inbox thread (commits
// webhook bodies to the inbox file) and the dispatch thread (turns them into events, records and jobs).
import type { MessagePort } from 'node:worker_threads';
import type { DatabaseSettings } from '../store/index.js';
import type { DispatchResult } from './dispatcher.js';

export interface IngestThreadInit {
  database: DatabaseSettings;
  forwardUrls: readonly string[];
  patterns: readonly string[];
  jobMaxAttempts: number;
  pollMs: number;
  logLevel: string;
  /** DispatcherOptions.mediaDownloads. */
  mediaDownloads: boolean;
  /** The dispatch thread's nice value (config dispatchNice). */
  dispatchNice: number;
  /** The share of its pace a drain keeps while the HTTP thread waits for a core (config, 1: always full). */
  dispatchShareWhenContended: number;
}

export interface InboxThreadData {
  database: DatabaseSettings;
  /** Where the inbox thread tells the dispatch thread that bodies were committed. */
  committed: MessagePort;
}

export interface DispatchThreadData {
  init: IngestThreadInit;
  /** The other end of InboxThreadData.committed. */
  committed: MessagePort;
}

/** Inbox thread → dispatch thread, after each commit. */
export interface CommittedNotice {
  count: number;
}

/** One body to commit; `seq` pairs it with its answer. */
export interface AppendRequest {
  seq: number;
  body: Uint8Array;
  headers: Record<string, string>;
  receivedAt: number;
}

/**
 * Appends travel in batches both ways (those parsed in one turn of the HTTP thread's event loop, and the
 * answers to one such batch): a message between threads costs far more than the few bytes it carries.
 */
export type ToInboxThread = { type: 'append'; items: AppendRequest[] } | { type: 'stop' };

export type FromInboxThread =
  | { type: 'ready' }
  | { type: 'start_failed'; message: string }
  /** `ids[i]` is the inbox id of the body sent as `seqs[i]`. */
  | { type: 'appended'; seqs: number[]; ids: number[] }
  | { type: 'append_failed'; seqs: number[]; message: string }
  | { type: 'stopped' };

export type ToDispatchThread =
  { type: 'patterns'; patterns: readonly string[] } | { type: 'drain'; seq: number } | { type: 'stop' };

export type FromDispatchThread =
  | { type: 'ready' }
  | { type: 'start_failed'; message: string }
  | { type: 'drained'; seq: number; result: DispatchResult | null; message?: string }
  | { type: 'jobs'; queues: string[] }
  | { type: 'events'; claimed: number; duplicates: number }
  | { type: 'stopped' };
