// `createApp`: the Flowgate app for TypeScript users — register handlers, then start it standalone
// (`listen`) or mount its `fetch` in another server.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { loadConfig, type ConfigInput, type FlowgateConfig } from '../config/index.js';
import {
  Gateway,
  HandlerRouter,
  type EventForPattern,
  type EventPattern,
  type Handler,
  type SendOptions,
  type SendResult,
} from '../gateway/index.js';
import type { OutboundMessage } from '../protocol/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { Store } from '../store/index.js';
import { startKeyService, type KeyRing, type KeyService } from '../keys/index.js';
import { createHttpApp } from './http.js';

export interface CreateAppOptions {
  /** A full config, or settings merged over the environment. */
  config?: FlowgateConfig | ConfigInput;
  logger?: Logger;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
  retryBaseMs?: number;
  pollMs?: number;
  /**
   * Commit webhooks and dispatch them in a worker thread (see GatewayOptions.ingestThread). Default: on,
   * unless a clock is injected (a fake clock cannot cross threads).
   */
  ingestThread?: boolean;
}

export interface Listening {
  port: number;
  url: string;
  close(): Promise<void>;
}

export class FlowgateApp {
  readonly config: FlowgateConfig;
  readonly logger: Logger;
  readonly router = new HandlerRouter();
  readonly http;
  private gatewayInstance: Gateway | null = null;
  private starting: Promise<Gateway> | null = null;
  private servers: ServerType[] = [];
  private keyService: KeyService | null = null;

  constructor(private readonly options: CreateAppOptions = {}) {
    this.config = isFullConfig(options.config) ? options.config : loadConfig({ overrides: options.config ?? {} });
    this.logger = options.logger ?? createLogger({ level: this.config.logLevel });
    this.http = createHttpApp({ gateway: () => this.gatewayInstance, keys: () => this.keyService?.ring ?? null, phoneNumberId: this.config.phoneNumberId, adminToken: this.config.adminToken });
  }

  /** Registers a handler for an event kind (`message.text`), a category (`status.*`) or everything (`*`). */
  on<P extends EventPattern>(pattern: P, fn: Handler<EventForPattern<P>>, options?: { name?: string }): this {
    this.router.on(pattern, fn, options);
    return this;
  }

  /**
   * Queues a message to a customer (E.164). Validated now (MessageValidationError), checked against the
   * 24-hour window (OutsideWindowError), then sent by the outbound worker within the rate limit.
   */
  async send(to: string, message: OutboundMessage, options?: SendOptions): Promise<SendResult> {
    const gateway = await this.start();
    return gateway.outbound.send(to, message, options);
  }

  /** The Fetch-API handler: mount it in any server that speaks Request/Response. */
  readonly fetch = (request: Request): Response | Promise<Response> => this.http.fetch(request);

  /** The business encryption key ring (built at start when FLOWGATE_MASTER_KEY is set). */
  get keys(): KeyRing {
    if (this.keyService === null) throw new Error('no key ring: start() the app with FLOWGATE_MASTER_KEY set');
    return this.keyService.ring;
  }

  get gateway(): Gateway {
    if (this.gatewayInstance === null) throw new Error('the app is not started: call start() or listen() first');
    return this.gatewayInstance;
  }

  /** Opens the store and starts the dispatcher and workers. */
  async start(): Promise<Gateway> {
    this.starting ??= (async () => {
      const store = await Store.open(this.config);
      const gateway = await Gateway.create({
        config: this.config,
        store,
        logger: this.logger,
        router: this.router,
        ...pick(this.options, ['now', 'random', 'fetch', 'retryBaseMs', 'pollMs']),
        ingestThread: this.options.ingestThread ?? this.options.now === undefined,
      });
      gateway.start();
      this.keyService = startKeyService({ config: this.config, store, graph: gateway.graph, logger: this.logger, ...pick(this.options, ['now', 'random']) });
      this.gatewayInstance = gateway;
      return gateway;
    })();
    return this.starting;
  }

  /** Starts the app and serves HTTP. */
  async listen(options: { port?: number; host?: string } = {}): Promise<Listening> {
    await this.start();
    const port = options.port ?? this.config.port;
    const hostname = options.host ?? this.config.host;
    const server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: this.http.fetch, port, hostname }, () => {
        resolve(s);
      });
      s.once('error', reject);
    });
    this.servers.push(server);
    const address = server.address() as AddressInfo;
    const shownHost = hostname === '0.0.0.0' ? '127.0.0.1' : hostname;
    return {
      port: address.port,
      url: `http://${shownHost}:${address.port}`,
      close: () => closeServer(server),
    };
  }

  /** Stops serving, lets jobs in flight finish, and closes the store. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map(closeServer));
    this.servers = [];
    const gateway = this.gatewayInstance;
    this.gatewayInstance = null;
    this.starting = null;
    await this.keyService?.stop();
    this.keyService = null;
    if (gateway !== null) {
      await gateway.stop();
      await gateway.store.close();
    }
  }
}

export function createApp(options: CreateAppOptions = {}): FlowgateApp {
  return new FlowgateApp(options);
}

function isFullConfig(config: CreateAppOptions['config']): config is FlowgateConfig {
  return config !== undefined && Object.isFrozen(config) && 'webhookMaxBytes' in config;
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
