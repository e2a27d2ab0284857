// Webhook delivery like Meta's: each change wrapped in the SPEC C.3 envelope, serialized the way
// Meta does (non-ASCII as lower-case \uXXXX, "/" as "\/"), signed over those exact bytes, POSTed
// with a timeout, and retried on anything but 200 with exponential backoff and jitter for a bounded
// number of attempts. Optionally some deliveries are sent twice or held briefly and merged into one
// envelope with several entries/changes, as Meta may do.

import { signBody } from '../protocol/index.js';
import type { Activity, Notification } from './state.js';
import type { DeliveryRecord } from './types.js';

export interface WebhookDispatcherOptions {
  appSecret: string;
  wabaId: string;
  url: string | null;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  activity: Activity;
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
  duplicateRate: number;
  batchRate: number;
  batchWindowMs: number;
  concurrency: number;
}

interface Job {
  readonly body: string;
  readonly signature: string;
  attempt: number;
  readonly end: () => void;
}

/** Notifications kept while no webhook URL is set; flushed when one is. */
const MAX_HELD = 10_000;

/** JSON as Meta sends it: non-ASCII escaped per UTF-16 unit in lower-case hex, slashes escaped. */
export function serializeLikeMeta(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

interface WireEntryOut {
  id: string;
  time?: number;
  changes: { value: Record<string, unknown>; field: string }[];
}

export class WebhookDispatcher {
  readonly #options: WebhookDispatcherOptions;
  #url: string | null;
  readonly #queue: Job[] = [];
  #running = 0;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #retries = new Map<ReturnType<typeof setTimeout>, Job>();
  readonly #records: DeliveryRecord[] = [];
  #held: Notification[] = [];
  #batch: Notification[] = [];
  #batchTimer: { handle: ReturnType<typeof setTimeout>; end: () => void } | null = null;
  #closed = false;

  constructor(options: WebhookDispatcherOptions) {
    this.#options = options;
    this.#url = options.url;
  }

  get url(): string | null {
    return this.#url;
  }

  setUrl(url: string | null): void {
    if (url !== null) new URL(url); // throws on a malformed URL
    this.#url = url;
    if (url === null || this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    for (const notification of held) this.notify(notification);
  }

  records(): DeliveryRecord[] {
    return this.#records.map((record) => ({ ...record }));
  }

  notify(notification: Notification): void {
    if (this.#closed) return;
    if (this.#url === null) {
      this.#held.push(notification);
      if (this.#held.length > MAX_HELD) this.#held.shift();
      return;
    }
    const { batchRate, random } = this.#options;
    if (batchRate > 0 && random() < batchRate) {
      this.#hold(notification);
      return;
    }
    this.#send([notification]);
  }

  #hold(notification: Notification): void {
    this.#batch.push(notification);
    if (this.#batchTimer !== null) return;
    const end = this.#options.activity.begin();
    const handle = setTimeout(() => {
      this.#batchTimer = null;
      const batch = this.#batch;
      this.#batch = [];
      try {
        this.#send(batch);
      } finally {
        end();
      }
    }, this.#options.batchWindowMs);
    this.#batchTimer = { handle, end };
  }

  /** One envelope for the notifications: each starts a new entry or joins the previous one. */
  #envelope(notifications: readonly Notification[]): Record<string, unknown> {
    const entries: WireEntryOut[] = [];
    for (const { field, value, time } of notifications) {
      const change = { value, field };
      const last = entries.at(-1);
      // Only changes with the same entry.time share an entry (messages changes carry none).
      if (last !== undefined && last.time === time && this.#options.random() < 0.5) {
        last.changes.push(change);
      } else {
        entries.push(
          time === undefined
            ? { id: this.#options.wabaId, changes: [change] }
            : { id: this.#options.wabaId, time, changes: [change] },
        );
      }
    }
    return { object: 'whatsapp_business_account', entry: entries };
  }

  #send(notifications: readonly Notification[]): void {
    if (notifications.length === 0 || this.#closed) return;
    const body = serializeLikeMeta(this.#envelope(notifications));
    const signature = signBody(body, this.#options.appSecret);
    const { duplicateRate, random, activity } = this.#options;
    const copies = duplicateRate > 0 && random() < duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i += 1) this.#queue.push({ body, signature, attempt: 1, end: activity.begin() });
    this.#pump();
  }

  #pump(): void {
    while (!this.#closed && this.#running < this.#options.concurrency) {
      const job = this.#queue.shift();
      if (job === undefined) return;
      this.#running += 1;
      const run = this.#attempt(job).finally(() => {
        this.#running -= 1;
        this.#inFlight.delete(run);
        this.#pump();
      });
      this.#inFlight.add(run);
    }
  }

  async #attempt(job: Job): Promise<void> {
    const url = this.#url;
    if (url === null) {
      job.end(); // the URL was removed after queueing: Meta stops delivering too
      return;
    }
    const record: DeliveryRecord = {
      url,
      body: job.body,
      status: null,
      attempt: job.attempt,
      at: this.#options.now(),
      error: null,
    };
    this.#records.push(record);
    try {
      record.status = await this.#post(url, job);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    if (record.status === 200) {
      job.end();
      return;
    }
    this.#retry(job);
  }

  async #post(url: string, job: Job): Promise<number> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`timed out after ${this.#options.timeoutMs} ms`));
      }, this.#options.timeoutMs);
    });
    try {
      // Raced as well as signalled: an injected fetch may ignore the signal.
      const response = await Promise.race([
        this.#options.fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-hub-signature-256': job.signature,
            'user-agent': 'facebookexternalua',
          },
          body: job.body,
          signal: controller.signal,
        }),
        timeout,
      ]);
      await Promise.race([response.arrayBuffer().catch(() => undefined), timeout]);
      return response.status;
    } finally {
      clearTimeout(timer);
    }
  }

  #retry(job: Job): void {
    const { maxAttempts, retryBaseMs, random } = this.#options;
    if (this.#closed || job.attempt >= maxAttempts) {
      job.end();
      return;
    }
    const delay = retryBaseMs * 2 ** (job.attempt - 1) * (0.5 + random());
    const handle = setTimeout(() => {
      this.#retries.delete(handle);
      job.attempt += 1;
      this.#queue.push(job);
      this.#pump();
    }, delay);
    this.#retries.set(handle, job);
  }

  /** Meta's GET verification handshake against the current URL. */
  async verify(verifyToken: string, challenge: string): Promise<{ ok: boolean; status: number | null; body: string }> {
    if (this.#url === null) return { ok: false, status: null, body: '' };
    const target = new URL(this.#url);
    target.searchParams.set('hub.mode', 'subscribe');
    target.searchParams.set('hub.challenge', challenge);
    target.searchParams.set('hub.verify_token', verifyToken);
    try {
      const response = await this.#options.fetch(target.href, {
        method: 'GET',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      const body = await response.text();
      return { ok: response.status === 200 && body === challenge, status: response.status, body };
    } catch {
      return { ok: false, status: null, body: '' };
    }
  }

  /** Drops queued and scheduled work and waits for attempts already on the wire. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#batchTimer !== null) {
      clearTimeout(this.#batchTimer.handle);
      this.#batchTimer.end();
      this.#batchTimer = null;
    }
    for (const [handle, job] of this.#retries) {
      clearTimeout(handle);
      job.end();
    }
    this.#retries.clear();
    for (const job of this.#queue.splice(0)) job.end();
    this.#held = [];
    await Promise.allSettled([...this.#inFlight]);
  }
}
