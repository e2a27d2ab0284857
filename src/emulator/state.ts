// The emulator's in-memory world (media, flows, sent messages, customers' last inbound time, the
// business key, fault knobs), its resolved configuration, and the bookkeeping that lets idle()
// know when no timer or delivery is pending.

import type { Ids } from './ids.js';
import type { EmulatorOptions, Faults, KeyStatus, SentMessage } from './types.js';

export interface EmulatorConfig {
  readonly appSecret: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  readonly wabaId: string;
  readonly appId: string;
  readonly now: () => number;
  readonly random: () => number;
  readonly statusDelayMs: number;
  readonly flowWebhooks: boolean;
  /** Publishing an endpoint flow runs Meta's health check against its endpoint_uri. */
  readonly flowHealthCheck: boolean;
  /** How the emulator calls the business: webhook deliveries and the health check. */
  readonly fetch: typeof fetch;
}

export function resolveConfig(options: EmulatorOptions): EmulatorConfig {
  if (options.appSecret === '') throw new TypeError('appSecret must not be empty');
  if (options.accessToken === '') throw new TypeError('accessToken must not be empty');
  return Object.freeze({
    appSecret: options.appSecret,
    accessToken: options.accessToken,
    phoneNumberId: options.phoneNumberId ?? '106540352242922',
    displayPhoneNumber: options.displayPhoneNumber ?? '15550783881',
    wabaId: options.wabaId ?? '102290129340398',
    appId: '1234567890123456',
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    statusDelayMs: nonNegative(options.statusDelayMs, 50, 'statusDelayMs'),
    flowWebhooks: options.flowWebhooks ?? false,
    flowHealthCheck: options.flowHealthCheck ?? true,
    fetch: options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => fetch(input, init)),
  });
}

export function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number`);
  return value;
}

export interface StoredMedia {
  readonly id: string;
  readonly bytes: Uint8Array;
  readonly mimeType: string;
  /** base64 of the SHA-256 digest, as Meta reports it. */
  readonly sha256: string;
  readonly phoneNumberId: string;
  /** Upload ids live 30 days, ids received in webhooks 7 days. */
  readonly expiresAt: number;
}

export interface FlowValidationError {
  error: string;
  error_type: string;
  message: string;
  line_start: number;
  line_end: number;
  column_start: number;
  column_end: number;
  pointers: {
    line_start: number;
    line_end: number;
    column_start: number;
    column_end: number;
    path: string;
  }[];
}

export type FlowStatus = 'DRAFT' | 'PUBLISHED' | 'DEPRECATED';

export interface StoredFlow {
  readonly id: string;
  name: string;
  categories: string[];
  status: FlowStatus;
  flowJson: string | null;
  validationErrors: FlowValidationError[];
  jsonVersion: string | null;
  dataApiVersion: string | null;
  endpointUri: string | null;
  applicationId: string | null;
  preview: { token: string; expiresAt: number } | null;
  readonly createdAt: number;
}

export const DEFAULT_FAULTS: Faults = Object.freeze({
  rateLimit: null,
  serverErrorRate: 0,
  latencyMs: 0,
  throughputPerSecond: null,
});

export class EmulatorState {
  readonly media = new Map<string, StoredMedia>();
  /** Issued download URL hash → media id and expiry. */
  readonly mediaUrls = new Map<string, { mediaId: string; expiresAt: number }>();
  readonly flows = new Map<string, StoredFlow>();
  readonly sent: SentMessage[] = [];
  readonly sentById = new Map<string, SentMessage>();
  /** wa_id → injected-clock ms of the customer's last message (opens the 24-hour window). */
  readonly lastInbound = new Map<string, number>();
  businessKey: string | null = null;
  keyStatus: KeyStatus = 'VALID';
  faults: Faults = { ...DEFAULT_FAULTS };
  /** Send attempts seen (for rateLimit.every). */
  sendAttempts = 0;
  /** Injected-clock times of accepted sends in the last second (throughput). */
  recentSends: number[] = [];
}

/** Counts pending work; idle() waiters resolve when it drops to zero. */
export class Activity {
  #pending = 0;
  #waiters: (() => void)[] = [];

  begin(): () => void {
    this.#pending += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#pending -= 1;
      if (this.#pending === 0) this.#release();
    };
  }

  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Real-time timers that count as pending activity until they fire or are cleared. */
export class Timers {
  readonly #handles = new Map<ReturnType<typeof setTimeout>, () => void>();
  readonly #activity: Activity;
  #closed = false;

  constructor(activity: Activity) {
    this.#activity = activity;
  }

  after(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const end = this.#activity.begin();
    const handle = setTimeout(() => {
      this.#handles.delete(handle);
      try {
        fn();
      } finally {
        end();
      }
    }, ms);
    this.#handles.set(handle, end);
  }

  clear(): void {
    this.#closed = true;
    for (const [handle, end] of this.#handles) {
      clearTimeout(handle);
      end();
    }
    this.#handles.clear();
  }
}

/** What every route module gets. */
export interface EmulatorContext {
  readonly config: EmulatorConfig;
  readonly state: EmulatorState;
  readonly ids: Ids;
  readonly timers: Timers;
  /** Queues a webhook change (field + value) for delivery. */
  readonly notify: (notification: Notification) => void;
}

export interface Notification {
  field: 'messages' | 'flows';
  value: Record<string, unknown>;
  /** entry.time (Unix seconds); Meta sets it on non-messages fields. */
  time?: number;
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** value of a `messages` change: messaging_product, metadata, then the items. */
export function messagesValue(config: EmulatorConfig, items: Record<string, unknown>): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: config.displayPhoneNumber, phone_number_id: config.phoneNumberId },
    ...items,
  };
}
