// The handler router: `app.on('message.text', fn)`, `app.on('message.*', fn)`, `app.on('*', fn)`, typed by kind.
import type { Kysely } from 'kysely';
import type { WebhookEvent } from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import type { Database } from '../store/index.js';
import type { OutboundMessage } from '../protocol/index.js';
import type { SendOptions, SendResult } from './outbound.js';

type Category = WebhookEvent['category'];
export type EventPattern = WebhookEvent['kind'] | `${Category}.*` | '*';

/** The events a pattern matches, as a type. */
export type EventForPattern<P extends EventPattern> = P extends '*'
  ? WebhookEvent
  : P extends `${infer C}.*`
    ? Extract<WebhookEvent, { category: C }>
    : Extract<WebhookEvent, { kind: P }>;

export interface HandlerContext<E extends WebhookEvent = WebhookEvent> {
  event: E;
  /** Flowgate's id of the stored event. */
  eventId: number;
  /** 1 on the first try, more on retries. */
  attempt: number;
  /** Stable across retries of this handler for this event: pass it to external systems for idempotency. */
  idempotencyKey: string;
  log: Logger;
  /**
   * Runs database writes exactly once for this event and handler, even across retries and crashes:
   * the writes and the record that they happened commit in one transaction.
   */
  once<T>(name: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<{ ran: boolean; value?: T }>;
  /**
   * Sends a message through the outbound queue. Its idempotency key derives from this handler's, so a
   * retried handler does not send the same message twice.
   */
  send(to: string, message: OutboundMessage, options?: Omit<SendOptions, 'idempotencyKey'>): Promise<SendResult>;
  /** Replies to the customer who sent this message event, quoting it. Throws for events that are not messages. */
  reply(message: OutboundMessage, options?: { quote?: boolean }): Promise<SendResult>;
}

export type Handler<E extends WebhookEvent = WebhookEvent> = (ctx: HandlerContext<E>) => void | Promise<void>;

export interface RegisteredHandler {
  name: string;
  pattern: EventPattern;
  fn: Handler;
}

export class HandlerRouter {
  private readonly handlers: RegisteredHandler[] = [];

  /**
   * Registers a handler. Its name (default `<pattern>#<n>`) identifies it across restarts, so completed
   * handlers are not run again when a job is retried.
   */
  on<P extends EventPattern>(pattern: P, fn: Handler<EventForPattern<P>>, options: { name?: string } = {}): void {
    validatePattern(pattern);
    const name = options.name ?? `${pattern}#${this.handlers.filter((h) => h.pattern === pattern).length}`;
    if (this.handlers.some((h) => h.name === name)) throw new Error(`a handler named "${name}" is already registered`);
    this.handlers.push({ name, pattern, fn: fn as Handler });
    this.onChange?.();
  }

  match(kind: string): RegisteredHandler[] {
    return this.handlers.filter((h) => patternMatches(h.pattern, kind));
  }

  handles(kind: string): boolean {
    return this.handlers.some((h) => patternMatches(h.pattern, kind));
  }

  /** The registered patterns, for a dispatcher that runs in another thread. */
  get patterns(): EventPattern[] {
    return [...new Set(this.handlers.map((h) => h.pattern))];
  }

  /** Called after each registration (the ingest thread keeps a copy of the patterns). */
  onChange: (() => void) | null = null;

  get size(): number {
    return this.handlers.length;
  }
}

/** A fixed set of patterns: what the ingest thread knows of the main thread's router. */
export class PatternSet {
  constructor(private patterns: readonly string[]) {}

  replace(patterns: readonly string[]): void {
    this.patterns = patterns;
  }

  handles(kind: string): boolean {
    return this.patterns.some((p) => patternMatches(p, kind));
  }
}

export function patternMatches(pattern: string, kind: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return kind.startsWith(pattern.slice(0, -1)) || kind === pattern.slice(0, -2);
  return pattern === kind;
}

function validatePattern(pattern: string): void {
  if (pattern === '*' || /^[a-z_]+(\.[a-z_]+|\.\*)?$/.test(pattern)) return;
  throw new Error(
    `invalid event pattern "${pattern}": use a kind like "message.text", a category like "status.*", or "*"`,
  );
}
