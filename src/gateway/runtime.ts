// The gateway runtime: wires store, queue, ingress, dispatcher, handler router, forwarder and workers,
// and runs the background loops. It knows nothing of HTTP frameworks; `server/` mounts it.
import type { Kysely } from 'kysely';
import type { FlowgateConfig } from '../config/index.js';
import { SqlQueue, type Job, type QueueTables } from '../queue/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { Dispatcher, FORWARD_QUEUE, HANDLER_QUEUE, type DispatchResult } from './dispatcher.js';
import { DispatchLoop } from './dispatch-loop.js';
import { IngestThread } from './ingest-client.js';
import { createForwardProcessor } from './forwarder.js';
import { GroupCommitter } from './group-commit.js';
import { createHandlerProcessor } from './handle-job.js';
import { WebhookIngress } from './ingress.js';
import { GatewayMetrics } from './metrics.js';
import { HandlerRouter } from './router.js';
import { JobWorker } from '../queue/index.js';
import { GraphClient } from '../graph/index.js';
import { OUTBOUND_QUEUE, OutboundService, createOutboundProcessor } from './outbound.js';
import { SlidingWindowLimiter } from './rate-limiter.js';
import type { BlobStore } from '../blobs/index.js';
import { MEDIA_QUEUE, MediaService, createMediaProcessor } from '../media/index.js';

export interface GatewayOptions {
  config: FlowgateConfig;
  store: Store;
  logger: Logger;
  router?: HandlerRouter;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
  /** Backoff base for job retries (tests shorten it). */
  retryBaseMs?: number;
  /** How often the dispatcher and workers look for work nobody told them about. */
  pollMs?: number;
  metrics?: GatewayMetrics;
  /** The Graph API client; by default one is built from the config when an access token is set. */
  graph?: GraphClient | null;
  /**
   * Commit the inbox and dispatch in a worker thread with its own database connection (the default for
   * `flowgate start`), so the HTTP thread only verifies and answers. Needs a database file, and uses the
   * real clock there (an injected `now` applies to everything else).
   */
  ingestThread?: boolean;
  /** Where inbound media are stored; with a Graph client, media messages are downloaded (`media` queue). */
  blobs?: BlobStore;
}

/** What tests and tools may ask of the dispatcher, wherever it runs. */
export interface DispatcherHandle {
  drain(): Promise<DispatchResult>;
}

export class Gateway {
  readonly router: HandlerRouter;
  readonly queue: SqlQueue;
  readonly ingress: WebhookIngress | null;
  readonly dispatcher: DispatcherHandle;
  readonly metrics: GatewayMetrics;
  readonly outbound: OutboundService;
  readonly graph: GraphClient | null;
  /** The media pipeline's read API; null without a Graph client or a blob store. */
  readonly media: MediaService | null;
  private readonly workers: Map<string, JobWorker> = new Map();
  /** Dispatches on this thread; null when the ingest thread dispatches. */
  private readonly dispatchLoop: DispatchLoop | null;
  private running = false;
  private readonly now: () => number;
  private readonly pollMs: number;

  private constructor(
    private readonly options: GatewayOptions,
    queueDb: Kysely<QueueTables>,
    private readonly ingestThread: IngestThread | null,
  ) {
    const { config, store, logger } = options;
    this.now = options.now ?? Date.now;
    this.pollMs = options.pollMs ?? 500;
    this.router = options.router ?? new HandlerRouter();
    this.metrics = options.metrics ?? new GatewayMetrics();
    this.queue = new SqlQueue(queueDb, {
      now: this.now,
      ...(options.random === undefined ? {} : { random: options.random }),
      backoff: { baseMs: options.retryBaseMs ?? 1_000, maxMs: 60 * 60 * 1_000 },
      defaultMaxAttempts: config.jobMaxAttempts,
    });

    const secrets = [config.appSecret, config.appSecretPrevious].filter((s): s is string => s !== null);
    this.ingress =
      secrets.length > 0 && config.verifyToken !== null
        ? new WebhookIngress({
            appSecrets: secrets,
            verifyToken: config.verifyToken,
            maxBytes: config.webhookMaxBytes,
            inbox: ingestThread ?? new GroupCommitter((items) => store.inbox.append(items)),
            logger,
            now: this.now,
            onCommitted: () => {
              this.wakeDispatcher();
            },
            onOutcome: (o) => {
              this.metrics.ingress(o);
            },
          })
        : null;

    this.dispatcher =
      ingestThread ??
      new Dispatcher({
        store,
        queue: this.queue,
        router: this.router,
        forwardUrls: config.forwardUrls,
        mediaDownloads: mediaDownloads(options),
        logger,
        now: this.now,
        onJobs: (queues) => {
          for (const q of queues) this.workers.get(q)?.notify();
        },
        onEvents: (claimed, duplicates) => {
          this.metrics.events.inc({ result: 'claimed' }, claimed);
          this.metrics.events.inc({ result: 'duplicate' }, duplicates);
        },
      });
    const dispatcher = this.dispatcher;
    this.dispatchLoop =
      ingestThread === null ? new DispatchLoop(() => dispatcher.drain(), { pollMs: this.pollMs }, logger) : null;

    this.graph =
      options.graph !== undefined
        ? options.graph
        : config.accessToken === null
          ? null
          : new GraphClient({
              baseUrl: config.graphUrl,
              version: config.graphVersion,
              accessToken: config.accessToken,
              ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
            });
    this.outbound = new OutboundService({
      store,
      queue: this.queue,
      phoneNumberId: config.phoneNumberId,
      now: this.now,
      onQueued: () => this.workers.get(OUTBOUND_QUEUE)?.notify(),
    });
    if (this.graph !== null) {
      const limiter = new SlidingWindowLimiter({
        rate: config.outboundRate,
        // Its own sub-millisecond clock unless one is injected: whole-millisecond times let a send slip in early.
        ...(options.now === undefined ? {} : { now: options.now }),
      });
      this.addWorker(OUTBOUND_QUEUE, createOutboundProcessor({ store, graph: this.graph, limiter, logger }), 16);
    }
    this.media = null;
    if (this.graph !== null && options.blobs !== undefined) {
      this.media = new MediaService(store, options.blobs, this.queue);
      const graph = options.graph === undefined ? (mediaGraphClient(options) ?? this.graph) : this.graph;
      const media = createMediaProcessor({ repo: this.media.repo, graph, blobs: options.blobs, logger, now: this.now });
      // The lease outlasts a whole download (120 s timeout by default), so no second worker takes the job meanwhile.
      this.addWorker(MEDIA_QUEUE, media, 4, MEDIA_LEASE_MS);
    }
    this.addWorker(
      HANDLER_QUEUE,
      createHandlerProcessor({ store, router: this.router, logger, now: this.now, outbound: this.outbound }),
    );
    if (config.forwardUrls.length > 0 && config.forwardSecret !== null) {
      this.addWorker(
        FORWARD_QUEUE,
        createForwardProcessor({
          store,
          secret: config.forwardSecret,
          timeoutMs: config.forwardTimeoutMs,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        }),
      );
    }
  }

  static async create(options: GatewayOptions): Promise<Gateway> {
    // The jobs table shares the store's database: that is what lets dispatch enqueue transactionally.
    const queueDb = options.store.db as unknown as Kysely<QueueTables>;
    await SqlQueue.migrate(queueDb, options.store.opened.dialect);
    if (options.ingestThread !== true || options.store.opened.path === ':memory:') {
      return new Gateway(options, queueDb, null);
    }
    const { config } = options;
    const router = options.router ?? new HandlerRouter();
    let gateway: Gateway | null = null;
    const thread = await IngestThread.start({
      init: {
        database: {
          databaseUrl: config.databaseUrl,
          dataDir: config.dataDir,
          sqliteSynchronous: config.sqliteSynchronous,
        },
        forwardUrls: config.forwardUrls,
        patterns: router.patterns,
        jobMaxAttempts: config.jobMaxAttempts,
        pollMs: options.pollMs ?? 500,
        logLevel: config.logLevel,
        mediaDownloads: mediaDownloads(options),
        dispatchNice: config.dispatchNice,
        dispatchShareWhenContended: config.dispatchShareWhenContended,
      },
      onJobs: (queues) => {
        for (const q of queues) gateway?.workers.get(q)?.notify();
      },
      onEvents: (claimed, duplicates) => {
        gateway?.metrics.events.inc({ result: 'claimed' }, claimed);
        gateway?.metrics.events.inc({ result: 'duplicate' }, duplicates);
      },
      onExit: (error) => {
        options.logger.fatal({ err: error }, 'the ingest thread stopped: webhooks are answered 503 until a restart');
      },
    });
    router.onChange = () => {
      thread.setPatterns(router.patterns);
    };
    gateway = new Gateway({ ...options, router }, queueDb, thread);
    return gateway;
  }

  get store(): Store {
    return this.options.store;
  }

  private addWorker(queue: string, process: (job: Job) => Promise<void>, concurrency = 8, leaseMs?: number): void {
    this.workers.set(
      queue,
      new JobWorker({
        queue: this.queue,
        name: queue,
        process,
        concurrency,
        ...(leaseMs === undefined ? {} : { leaseMs }),
        logger: this.options.logger,
        pollMs: this.pollMs,
        onOutcome: (outcome) => {
          this.metrics.jobs.inc({ queue, outcome });
        },
      }),
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.dispatchLoop?.start();
    for (const worker of this.workers.values()) worker.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.dispatchLoop?.stop();
    await this.ingestThread?.stop();
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
  }

  wakeDispatcher(): void {
    this.dispatchLoop?.wake();
  }
}

const MEDIA_LEASE_MS = 5 * 60_000;

/** Whether media messages get download jobs: a Graph client (given or configured) and a blob store. */
function mediaDownloads(options: GatewayOptions): boolean {
  const graph = options.graph !== undefined ? options.graph !== null : options.config.accessToken !== null;
  return graph && options.blobs !== undefined;
}

/**
 * The configured Graph client without retries of its own: a media job's 429 or 5xx goes back to the queue,
 * which waits the Retry-After (however long) and keeps the attempt count.
 */
function mediaGraphClient(options: GatewayOptions): GraphClient | null {
  const { config } = options;
  if (config.accessToken === null) return null;
  return new GraphClient({
    baseUrl: config.graphUrl,
    version: config.graphVersion,
    accessToken: config.accessToken,
    maxRetries: 0,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}
