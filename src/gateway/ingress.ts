// Webhook ingress: Meta's GET challenge, and POST → size limit → signature → durable inbox → 200.
// Nothing else runs on the request path; parsing and processing happen in the dispatcher.
import { timingSafeEqual } from 'node:crypto';
import { verifyWebhookSignature } from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import type { InboxAppend } from '../store/index.js';
import { BodyTooLargeError, readBodyLimited, type BodySource } from '../support/body.js';

export interface IngressResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface InboxSink {
  /** Resolves once the body is committed; rejects when it could not be. */
  append(item: InboxAppend): Promise<number>;
}

export interface IngressOptions {
  /** Current app secret first, the previous one (during rotation) second. */
  appSecrets: readonly string[];
  verifyToken: string;
  maxBytes: number;
  inbox: InboxSink;
  logger: Logger;
  now?: () => number;
  /** Called after a body is committed (wakes the dispatcher). */
  onCommitted?: () => void;
  /** Counters for /metrics. */
  onOutcome?: (outcome: IngressOutcome) => void;
}

export type IngressOutcome =
  'accepted' | 'too_large' | 'signature_missing' | 'signature_malformed' | 'signature_mismatch' | 'unavailable';

/** Request headers kept with the body, for people inspecting the inbox. */
const KEPT_HEADERS = ['content-type', 'user-agent', 'x-hub-signature-256'] as const;

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

export class WebhookIngress {
  private readonly now: () => number;

  constructor(private readonly options: IngressOptions) {
    if (options.appSecrets.length === 0) throw new Error('WebhookIngress needs at least one app secret');
    this.now = options.now ?? Date.now;
  }

  /** GET /webhook: answers Meta's subscription challenge. */
  challenge(query: URLSearchParams): IngressResponse {
    const mode = query.get('hub.mode');
    const token = query.get('hub.verify_token');
    const challenge = query.get('hub.challenge');
    if (mode === null || token === null || challenge === null) {
      return reply(400, 'missing hub.mode, hub.verify_token or hub.challenge');
    }
    if (mode !== 'subscribe' || !constantTimeEqual(token, this.options.verifyToken)) {
      return reply(403, 'verification failed');
    }
    return reply(200, challenge);
  }

  /** POST /webhook: verifies and durably stores one delivery. */
  async receive(body: BodySource, headers: { get(name: string): string | null }): Promise<IngressResponse> {
    let raw: Uint8Array;
    try {
      raw = await readBodyLimited(body, this.options.maxBytes, headers.get('content-length'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        this.options.onOutcome?.('too_large');
        return { ...reply(413, error.message), headers: { ...TEXT, connection: 'close' } };
      }
      throw error;
    }

    const check = verifyWebhookSignature(raw, headers.get('x-hub-signature-256'), this.options.appSecrets);
    if (!check.ok) {
      this.options.onOutcome?.(`signature_${check.reason}`);
      this.options.logger.warn({ reason: check.reason, bytes: raw.byteLength }, 'webhook rejected: bad signature');
      return reply(401, SIGNATURE_MESSAGES[check.reason]);
    }

    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = headers.get(name);
      if (value !== null) kept[name] = value;
    }
    try {
      await this.options.inbox.append({ body: raw, headers: kept, receivedAt: this.now() });
    } catch (error) {
      this.options.onOutcome?.('unavailable');
      this.options.logger.error({ err: error }, 'webhook not stored: inbox unavailable, answering 503 so Meta retries');
      return reply(503, 'storage unavailable, retry later');
    }
    this.options.onOutcome?.('accepted');
    this.options.onCommitted?.();
    return reply(200, 'ok');
  }
}

const SIGNATURE_MESSAGES = {
  missing: 'missing X-Hub-Signature-256 header',
  malformed: 'malformed X-Hub-Signature-256 header: expected sha256=<64 lowercase hex digits>',
  mismatch: 'X-Hub-Signature-256 does not match the body',
} as const;

function reply(status: number, body: string): IngressResponse {
  return { status, body, headers: { ...TEXT } };
}

/** Constant-time string comparison that does not leak which prefix matched, nor (beyond a hash) the length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare equal-length buffers always, so the timing does not depend on where they differ.
  const padded = Buffer.alloc(right.length);
  left.copy(padded, 0, 0, Math.min(left.length, right.length));
  return timingSafeEqual(padded, right) && left.length === right.length;
}
