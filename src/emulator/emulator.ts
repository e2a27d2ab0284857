// createEmulator: wires the state, the webhook dispatcher and the route modules into one Hono app
// that runs in-process (emulator.fetch) or on a socket (listen), and exposes the test handles
// (customers, sent messages, delivery attempts, fault knobs, idle).

import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { controlRoutes } from './control.js';
import { Customer } from './customers.js';
import { FlowCdn } from './flow-cdn.js';
import { FlowClientSession } from './flow-client.js';
import type { FlowClientOptions, FlowSession } from './flow-client-types.js';
import { graphError, graphGuard, VERSION } from './graph-common.js';
import { mountEncryption } from './graph-encryption.js';
import { mountFlows } from './graph-flows.js';
import { liveMedia, mountMedia, storeMedia, WEBHOOK_MEDIA_TTL_MS } from './graph-media.js';
import { mountMessages } from './graph-messages.js';
import { mountObjects } from './graph-objects.js';
import { Ids } from './ids.js';
import { Activity, EmulatorState, nonNegative, resolveConfig, Timers, type EmulatorContext } from './state.js';
import type {
  DeliveryRecord,
  Emulator,
  EmulatorOptions,
  Faults,
  KeyStatus,
  SentMessage,
  SimulatedCustomer,
} from './types.js';
import { WebhookDispatcher } from './webhooks.js';

function rate(value: number | undefined, name: string): number {
  const n = nonNegative(value, 0, name);
  if (n > 1) throw new TypeError(`${name} must be between 0 and 1`);
  return n;
}

function checkFaults(f: Partial<Faults>): void {
  if (f.serverErrorRate !== undefined) rate(f.serverErrorRate, 'serverErrorRate');
  if (f.latencyMs !== undefined) nonNegative(f.latencyMs, 0, 'latencyMs');
  if (f.throughputPerSecond !== undefined && f.throughputPerSecond !== null && !(f.throughputPerSecond >= 1)) {
    throw new TypeError('throughputPerSecond must be at least 1 or null');
  }
  const every = f.rateLimit?.every;
  if (every !== undefined && !(every >= 1)) throw new TypeError('rateLimit.every must be at least 1');
}

/** interactive.action.parameters.flow_token of a Flow message body, if any. */
function flowTokenOf(body: Record<string, unknown>): unknown {
  const interactive = body.interactive as { action?: { parameters?: { flow_token?: unknown } } } | undefined;
  return interactive?.action?.parameters?.flow_token;
}

function isFlowMessage(body: Record<string, unknown>): boolean {
  const interactive = body.interactive;
  return (
    typeof interactive === 'object' && interactive !== null && 'type' in interactive && interactive.type === 'flow'
  );
}

class EmulatorImpl implements Emulator {
  readonly fetch: (request: Request) => Promise<Response>;
  #graphBaseUrl: string | null = null;
  #server: ServerType | null = null;
  readonly #customers = new Map<string, Customer>();
  readonly #ctx: EmulatorContext;
  readonly #dispatcher: WebhookDispatcher;
  readonly #activity: Activity;
  readonly #cdn: FlowCdn;

  constructor(options: EmulatorOptions) {
    const config = resolveConfig(options);
    this.#activity = new Activity();
    this.#dispatcher = new WebhookDispatcher({
      appSecret: config.appSecret,
      wabaId: config.wabaId,
      url: options.webhookUrl ?? null,
      fetch: config.fetch,
      now: config.now,
      random: config.random,
      activity: this.#activity,
      retryBaseMs: nonNegative(options.retryBaseMs, 100, 'retryBaseMs'),
      maxAttempts: Math.max(1, Math.floor(nonNegative(options.maxDeliveryAttempts, 8, 'maxDeliveryAttempts'))),
      timeoutMs: nonNegative(options.deliveryTimeoutMs, 10_000, 'deliveryTimeoutMs'),
      duplicateRate: rate(options.duplicateRate, 'duplicateRate'),
      batchRate: rate(options.batchRate, 'batchRate'),
      batchWindowMs: nonNegative(options.batchWindowMs, 20, 'batchWindowMs'),
      concurrency: 1,
    });
    if (options.webhookUrl !== undefined && options.webhookUrl !== null) new URL(options.webhookUrl);
    const dispatcher = this.#dispatcher;
    this.#ctx = {
      config,
      state: new EmulatorState(),
      ids: new Ids(config.random),
      timers: new Timers(this.#activity),
      notify: (notification) => {
        dispatcher.notify(notification);
      },
    };

    const app = new Hono();
    const ctx = this.#ctx;
    this.#cdn = new FlowCdn(config.now);
    this.#cdn.mount(app);
    app.route('/_emulator', controlRoutes(ctx, this));
    app.use(`${VERSION}/*`, graphGuard(ctx));
    mountMessages(app, ctx);
    mountMedia(app, ctx);
    mountEncryption(app, ctx);
    mountFlows(app, ctx);
    mountObjects(app, ctx);
    app.notFound((c) =>
      c.json({ error: { message: `Unknown path ${c.req.path}`, type: 'OAuthException', code: 2500 } }, 404),
    );
    app.onError((error) => {
      console.error('flowgate emulator: unexpected error', error);
      return graphError(ctx, 500, { code: 1, message: 'An unknown error has occurred.', transient: true });
    });
    this.fetch = (request) => Promise.resolve(app.fetch(request));
  }

  get graphBaseUrl(): string | null {
    return this.#graphBaseUrl;
  }

  listen(port = 0, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
    if (this.#server !== null) return Promise.reject(new Error('the emulator is already listening'));
    return new Promise((resolve, reject) => {
      const server = serve({ fetch: (request) => this.fetch(request), port, hostname: host }, (info) => {
        const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
        const url = `http://${shown}:${info.port}`;
        this.#graphBaseUrl = url;
        resolve({ url, port: info.port });
      });
      server.once('error', reject);
      this.#server = server;
    });
  }

  async close(): Promise<void> {
    this.#ctx.timers.clear();
    await this.#dispatcher.close();
    const server = this.#server;
    this.#server = null;
    this.#graphBaseUrl = null;
    if (server === null) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
  }

  setWebhookUrl(url: string | null): void {
    this.#dispatcher.setUrl(url);
  }

  setFaults(f: Partial<Faults>): void {
    checkFaults(f);
    const state = this.#ctx.state;
    state.faults = { ...state.faults, ...f };
    if (f.throughputPerSecond !== undefined) state.recentSends = [];
    if (f.rateLimit !== undefined) state.sendAttempts = 0;
  }

  faults(): Faults {
    const { rateLimit, ...rest } = this.#ctx.state.faults;
    return { ...rest, rateLimit: rateLimit === null ? null : { ...rateLimit } };
  }

  setKeyStatus(status: KeyStatus): void {
    this.#ctx.state.keyStatus = status;
  }

  customer(waId: string, profileName?: string): SimulatedCustomer {
    let customer = this.#customers.get(waId);
    if (customer === undefined) {
      customer = new Customer(this.#ctx, waId, profileName ?? `Customer ${waId.slice(-4)}`);
      this.#customers.set(waId, customer);
    } else if (profileName !== undefined) {
      customer.profileName = profileName;
    }
    return customer;
  }

  sentMessages(): SentMessage[] {
    return this.#ctx.state.sent.map((m) => ({ ...m, body: structuredClone(m.body) }));
  }

  idle(): Promise<void> {
    return this.#activity.idle();
  }

  deliveries(): DeliveryRecord[] {
    return this.#dispatcher.records();
  }

  flowJson(flowId: string): string | null {
    return this.#ctx.state.flows.get(flowId)?.flowJson ?? null;
  }

  businessPublicKey(): string | null {
    return this.#ctx.state.businessKey;
  }

  media(mediaId: string): { bytes: Uint8Array; mimeType: string; sha256: string } | null {
    const media = liveMedia(this.#ctx, mediaId);
    return media === null ? null : { bytes: media.bytes.slice(), mimeType: media.mimeType, sha256: media.sha256 };
  }

  verifyWebhook(verifyToken: string): Promise<{ ok: boolean; status: number | null; body: string }> {
    return this.#dispatcher.verify(verifyToken, this.#ctx.ids.token(20));
  }

  flowClient(options: FlowClientOptions): FlowSession {
    const { config, state } = this.#ctx;
    return new FlowClientSession(
      {
        appSecret: config.appSecret,
        defaultPhoneNumberId: config.phoneNumberId,
        // Over HTTP like WhatsApp: the real socket once listening, else this app in-process.
        graphGet: (path, signal) => {
          const headers = { authorization: `Bearer ${config.accessToken}` };
          const base = this.#graphBaseUrl;
          return base === null
            ? this.fetch(new Request(`http://emulator.invalid${path}`, { headers, signal }))
            : fetch(`${base}${path}`, { headers, signal });
        },
        customer: (waId) => this.customer(waId),
        flowMessageTo: (waId, flowToken) => {
          const flows = state.sent.filter((m) => m.to === waId && m.type === 'interactive' && isFlowMessage(m.body));
          return (flows.findLast((m) => flowTokenOf(m.body) === flowToken) ?? flows.at(-1))?.wamid ?? null;
        },
        cdn: this.#cdn,
        storeMedia: (bytes, fileName, mimeType) => {
          const media = storeMedia(this.#ctx, bytes, mimeType, WEBHOOK_MEDIA_TTL_MS);
          return { file_name: fileName, mime_type: media.mimeType, sha256: media.sha256, id: media.id };
        },
        now: config.now,
        baseUrl: () => this.#graphBaseUrl ?? 'http://emulator.invalid',
        random: config.random,
      },
      options,
    );
  }
}

/** A faithful local Meta: Graph API routes, signed webhook deliveries, simulated customers. */
export function createEmulator(options: EmulatorOptions): Emulator {
  return new EmulatorImpl(options);
}
