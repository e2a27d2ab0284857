// Messages between the main thread (HTTP, handlers) and the ingest thread (inbox commits, dispatch).
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
}

export type ToIngestThread =
  | { type: 'append'; seq: number; body: Uint8Array; headers: Record<string, string>; receivedAt: number }
  | { type: 'patterns'; patterns: readonly string[] }
  | { type: 'drain'; seq: number }
  | { type: 'stop' };

export type FromIngestThread =
  | { type: 'ready' }
  | { type: 'start_failed'; message: string }
  | { type: 'appended'; seq: number; id: number }
  | { type: 'append_failed'; seq: number; message: string }
  | { type: 'drained'; seq: number; result: DispatchResult | null; message?: string }
  | { type: 'jobs'; queues: string[] }
  | { type: 'events'; claimed: number; duplicates: number }
  | { type: 'stopped' };
