// Public types of the emulator: its options, the Emulator handle, simulated customers and the
// records tests inspect (sent messages, webhook delivery attempts).

import type { FlowClientOptions, FlowSession } from './flow-client-types.js';

export interface EmulatorOptions {
  /** Signs webhook deliveries (X-Hub-Signature-256). */
  appSecret: string;
  /** Bearer token the Graph endpoints require (else 401 with Graph error code 190). */
  accessToken: string;
  /** Where to deliver webhooks; settable later with setWebhookUrl. */
  webhookUrl?: string | null;
  /** Default '106540352242922'. */
  phoneNumberId?: string;
  /** Default '15550783881'. */
  displayPhoneNumber?: string;
  /** Default '102290129340398'. */
  wabaId?: string;
  /** Injected clock (ms): message timestamps, the 24-hour window, media URL expiry, throughput. */
  now?: () => number;
  /** Delivers webhooks and health checks; inject an app.fetch-based fetch for in-process tests. */
  fetch?: typeof fetch;
  /** In [0, 1): ids, jitter, duplicate/batch/server-error decisions. */
  random?: () => number;
  /** Real-time delay between sent → delivered → read status webhooks. Default 50. */
  statusDelayMs?: number;
  /** First webhook redelivery delay (doubles per attempt, with jitter). Default 100. */
  retryBaseMs?: number;
  /** Attempts per webhook delivery, the first included. Default 8. */
  maxDeliveryAttempts?: number;
  /** Per-attempt timeout of a webhook POST. Default 10 000. */
  deliveryTimeoutMs?: number;
  /** Share of deliveries also delivered a second time. Default 0. */
  duplicateRate?: number;
  /** Share of webhooks held briefly and batched with others into one POST. Default 0. */
  batchRate?: number;
  /** How long a batched webhook is held. Default 20. */
  batchWindowMs?: number;
  /** Also send `flows` field webhooks (FLOW_STATUS_CHANGE) like an app subscribed to them. Default false. */
  flowWebhooks?: boolean;
  /**
   * Publishing a flow with an endpoint first sends Meta's health check (an encrypted, signed ping) to its
   * endpoint_uri and refuses with 139002 unless it is answered {"data":{"status":"active"}}, encrypted
   * (SPEC A.7). Default true; false publishes flows whose endpoint is not running.
   */
  flowHealthCheck?: boolean;
}

export interface RateLimitFault {
  /** Every N-th send is answered 429 (default 1: every send). */
  every?: number;
  /** Retry-After header value. Default 1. */
  retryAfterSeconds?: number;
}

export interface Faults {
  rateLimit: RateLimitFault | null;
  /** Share of Graph calls answered HTTP 500 (code 131000). */
  serverErrorRate: number;
  /** Added to every Graph answer. */
  latencyMs: number;
  /** Sends above this many per sliding second get 130429. */
  throughputPerSecond: number | null;
}

export type KeyStatus = 'VALID' | 'MISMATCH';

export type SentMessageStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/** One message the business sent through POST /{phone-number-id}/messages and Meta accepted. */
export interface SentMessage {
  wamid: string;
  /** Recipient wa_id (digits). */
  to: string;
  type: string;
  /** The request body as sent (wire JSON). */
  body: Record<string, unknown>;
  /** Acceptance time on the injected clock (ms). */
  at: number;
  /** Latest status the emulator has emitted for it. */
  status: SentMessageStatus;
}

/** One webhook POST attempt. */
export interface DeliveryRecord {
  url: string;
  /** The exact bytes sent (as text). */
  body: string;
  /** HTTP status, or null on a network error or timeout. */
  status: number | null;
  /** 1-based attempt number of this delivery. */
  attempt: number;
  /** Injected-clock time of the attempt (ms). */
  at: number;
  /** Why the attempt failed at the network level. */
  error: string | null;
}

export interface LocationInput {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

export interface SimulatedCustomer {
  readonly waId: string;
  readonly profileName: string;
  sendText(body: string, opts?: { replyTo?: string }): Promise<string>;
  sendImage(bytes: Uint8Array, opts?: { mimeType?: string; caption?: string }): Promise<string>;
  sendDocument(bytes: Uint8Array, filename: string, mimeType?: string, opts?: { caption?: string }): Promise<string>;
  sendAudio(bytes: Uint8Array, opts?: { mimeType?: string; voice?: boolean }): Promise<string>;
  sendVideo(bytes: Uint8Array, opts?: { mimeType?: string; caption?: string }): Promise<string>;
  sendSticker(bytes: Uint8Array, opts?: { mimeType?: string; animated?: boolean }): Promise<string>;
  sendLocation(loc: LocationInput): Promise<string>;
  sendContacts(cards: unknown[]): Promise<string>;
  /** '' removes the reaction. */
  react(messageId: string, emoji: string): Promise<string>;
  tapButton(reply: { id: string; title: string }, contextMessageId: string): Promise<string>;
  selectListItem(row: { id: string; title: string; description?: string }, contextMessageId: string): Promise<string>;
  /** Template quick-reply button (type "button"). */
  tapTemplateButton(text: string, payload: string, contextMessageId: string): Promise<string>;
  /** Flow completion (interactive nfm_reply); response_json is stringified. */
  sendFlowReply(responseJson: Record<string, unknown>, contextMessageId: string): Promise<string>;
  /** Any Cloud-API-shaped message object; id, from and timestamp are filled in when absent. */
  sendRaw(message: Record<string, unknown>): Promise<string>;
}

export interface Emulator {
  /** The Hono app's fetch: Graph routes, the media download route and /_emulator control routes. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** e.g. http://127.0.0.1:41234, set after listen(). */
  readonly graphBaseUrl: string | null;
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Stops timers, drops queued webhooks, waits for in-flight deliveries, closes the server. */
  close(): Promise<void>;
  setWebhookUrl(url: string | null): void;
  setFaults(f: Partial<Faults>): void;
  faults(): Faults;
  setKeyStatus(status: KeyStatus): void;
  customer(waId: string, profileName?: string): SimulatedCustomer;
  sentMessages(): SentMessage[];
  /** Resolves when no webhook delivery, batch or status timer is pending. */
  idle(): Promise<void>;
  deliveries(): DeliveryRecord[];
  /** The Flow JSON last uploaded for a flow, or null. */
  flowJson(flowId: string): string | null;
  /** The business public key PEM uploaded for the phone number, or null. */
  businessPublicKey(): string | null;
  /** Stored media bytes (uploaded by the business or sent by a customer), or null. */
  media(mediaId: string): { bytes: Uint8Array; mimeType: string; sha256: string } | null;
  /**
   * Meta's verification handshake (SPEC C.1): GET webhookUrl?hub.mode=subscribe&hub.challenge=…
   * &hub.verify_token=…; ok when the answer is 200 with the challenge as body.
   */
  verifyWebhook(verifyToken: string): Promise<{ ok: boolean; status: number | null; body: string }>;
  /** Opens a flow the way WhatsApp's client does: encrypted, signed endpoint requests, checked answers. */
  flowClient(options: FlowClientOptions): FlowSession;
}
