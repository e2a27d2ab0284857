// `createApp`: the Flowgate app for TypeScript users — register handlers, then start it standalone
// (`listen`) or mount its `fetch` in another server.
import { serve, type ServerType } from '@hono/node-server';
import { withFastPaths } from './fast-paths.js';
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
import {
  FLOW_COMPLETION_HANDLER,
  FlowRegistry,
  FlowRuntime,
  createCompletionHandler,
  type FlowDefinition,
  type FlowKeySource,
  type FlowOptions,
  type SendFlowOptions,
  type SendFlowResult,
  type StoreItem,
  type ValidateInput,
} from '../flows/index.js';
import { validateSubmission } from '../flows/validate-input.js';
import { flowMediaOrigins, storeFlowMedia } from '../flows/flow-media.js';
import { FileBlobStore, type BlobStore, type SignedBlobSource } from '../blobs/index.js';
import type { MediaService } from '../media/index.js';
import { dataPath } from '../store/index.js';
import { randomBytes } from 'node:crypto';
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
  /** Private keys for the flow endpoint; default: the key ring (FLOWGATE_MASTER_KEY). */
  flowKeys?: FlowKeySource;
  /** Stores one PhotoPicker/DocumentPicker file; default: storeFlowMedia into `blobs`. */
  flowMedia?: StoreItem;
  /** Where flow picker files are stored; default: a FileBlobStore in <dataDir>/blobs. */
  blobs?: BlobStore;
  /** Server-side validation of submitted flow inputs; default: validateSubmission. */
  flowInputValidation?: ValidateInput | null;
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
  /** The flows registered with flow(); served at POST /flows/<name>. */
  readonly flows = new FlowRegistry();
  private flowRuntime: FlowRuntime | null = null;
  private blobStore: BlobStore | null = null;

  constructor(private readonly options: CreateAppOptions = {}) {
    this.config = isFullConfig(options.config) ? options.config : loadConfig({ overrides: options.config ?? {} });
    this.logger = options.logger ?? createLogger({ level: this.config.logLevel });
    this.http = createHttpApp({
      gateway: () => this.gatewayInstance,
      keys: () => this.keyService?.ring ?? null,
      phoneNumberId: this.config.phoneNumberId,
      adminToken: this.config.adminToken,
      flows: () => this.flowRuntime?.endpoint ?? null,
      media: () => this.gatewayInstance?.media ?? null,
      blobs: () => signedSource(this.blobs),
    });
    // Every nfm_reply to a token Flowgate issued becomes a submission, whether or not its flow is registered
    // here (`flowgate flows send` issues tokens for any flow name).
    this.router.on(
      'message.flow_reply',
      createCompletionHandler({
        registry: this.flows,
        store: () => this.gateway.store,
        now: this.options.now ?? Date.now,
        // Stopping: the handler fails and its retry, after a restart, deletes the files (they must not stay).
        keepOnlyMedia: (token, mediaIds) => {
          if (this.flowRuntime === null) return Promise.reject(new Error('the app is stopping'));
          return this.flowRuntime.keepOnlyMedia(token, mediaIds);
        },
        onSubmission: (trx, s) => this.gateway.media?.enqueueFlowMedia(trx, s.response, s) ?? Promise.resolve(0),
      }),
      { name: FLOW_COMPLETION_HANDLER },
    );
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

  /**
   * Registers a flow served at POST /flows/<name> (with its Flow JSON, screen handlers and onComplete), or
   * returns the registered one when called with the name only.
   */
  flow(name: string, options?: FlowOptions): FlowDefinition {
    if (options === undefined) return this.flows.require(name);
    return this.flows.define(name, options);
  }

  /** Issues a flow token and queues a Flow message carrying it (the 24-hour window applies). */
  async sendFlow(to: string, name: string, options: SendFlowOptions): Promise<SendFlowResult> {
    await this.start();
    if (this.flowRuntime === null) throw new Error('the app is stopping');
    return this.flowRuntime.sendFlow(to, name, options);
  }

  /** The Fetch-API handler: mount it in any server that speaks Request/Response. */
  readonly fetch = (request: Request): Response | Promise<Response> => this.http.fetch(request);

  /** The business encryption key ring (built at start when FLOWGATE_MASTER_KEY is set). */
  get keys(): KeyRing {
    if (this.keyService === null) throw new Error('no key ring: start() the app with FLOWGATE_MASTER_KEY set');
    return this.keyService.ring;
  }

  /** Downloaded media: rows by row id (`get`) or Graph media id (`byMediaId`), stored bytes (`open`). */
  get media(): MediaService {
    const media = this.gateway.media;
    if (media === null) throw new Error('media downloads are off: they need an access token (a Graph client)');
    return media;
  }

  get gateway(): Gateway {
    if (this.gatewayInstance === null) throw new Error('the app is not started: call start() or listen() first');
    return this.gatewayInstance;
  }

  /** Opens the store and starts the dispatcher and workers. */
  async start(): Promise<Gateway> {
    this.starting ??= (async () => {
      const ingestThread = this.options.ingestThread ?? this.options.now === undefined;
      // With the ingest thread, its connection writes nearly everything and keeps the WAL checkpointed.
      const store = await Store.open({ ...this.config, checkpoints: ingestThread ? 'elsewhere' : 'own' });
      const gateway = await Gateway.create({
        config: this.config,
        store,
        logger: this.logger,
        router: this.router,
        ...pick(this.options, ['now', 'random', 'fetch', 'retryBaseMs', 'pollMs']),
        ingestThread,
        blobs: this.blobs,
      });
      gateway.start();
      this.keyService = startKeyService({
        config: this.config,
        store,
        graph: gateway.graph,
        logger: this.logger,
        ...pick(this.options, ['now', 'random']),
      });
      this.flowRuntime = this.startFlows(gateway);
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
      const fastPath = withFastPaths({
        ingress: () => this.gatewayInstance?.ingress ?? null,
        flows: () => this.flowRuntime?.endpoint ?? null,
      });
      const s = serve({ fetch: this.http.fetch, port, hostname, createServer: fastPath }, () => {
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

  /** The blob store flow picker files go to (see CreateAppOptions.blobs). */
  get blobs(): BlobStore {
    // Its signed URLs are served at GET /blobs/* by this process, so a per-process secret is enough.
    this.blobStore ??=
      this.options.blobs ?? new FileBlobStore({ root: dataPath(this.config, 'blobs'), secret: randomBytes(32) });
    return this.blobStore;
  }

  private defaultFlowMedia(): StoreItem {
    const fetchFn = this.options.fetch ?? fetch;
    const max = this.config.flowMediaMaxBytes;
    const allowedOrigins = flowMediaOrigins(this.config);
    return (item, allowedMimeTypes, file, signal) =>
      storeFlowMedia(item, {
        fetch: fetchFn,
        blobs: this.blobs,
        token: file.token,
        allowedOrigins,
        maxBytes: Math.min(file.maxBytes ?? max, max),
        timeoutMs: 8_000,
        ...(allowedMimeTypes === undefined ? {} : { allowedMimeTypes }),
        ...(signal === undefined ? {} : { signal }),
      });
  }

  private startFlows(gateway: Gateway): FlowRuntime {
    const explicit = this.options.flowKeys;
    const keys: FlowKeySource = {
      decryptionKeys: (phoneNumberId, options) =>
        (explicit ?? this.keyService?.ring)?.decryptionKeys(phoneNumberId, options) ?? Promise.resolve([]),
    };
    const runtime = new FlowRuntime({
      registry: this.flows,
      gateway,
      config: this.config,
      keys,
      logger: this.logger,
      storeItem: this.options.flowMedia ?? this.defaultFlowMedia(),
      // Files no flow needs are deleted only where Flowgate stored them (not with a custom flowMedia store).
      deleteBlob: this.options.flowMedia === undefined ? (key) => this.blobs.delete(key) : null,
      validateInput:
        this.options.flowInputValidation === undefined ? validateSubmission : this.options.flowInputValidation,
      ...pick(this.options, ['now', 'pollMs']),
    });
    runtime.start();
    return runtime;
  }

  /** Stops serving, lets jobs in flight finish, and closes the store. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map(closeServer));
    this.servers = [];
    const gateway = this.gatewayInstance;
    this.gatewayInstance = null;
    this.starting = null;
    await this.flowRuntime?.stop();
    this.flowRuntime = null;
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

function signedSource(blobs: BlobStore): SignedBlobSource | null {
  return 'verifySignedUrl' in blobs && typeof blobs.verifySignedUrl === 'function' ? (blobs as SignedBlobSource) : null;
}
