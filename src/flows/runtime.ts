// The flow runtime of a running gateway: the endpoint, the picker-media worker and sendFlow, wired from
// the gateway's store, queue, outbound service and metrics registry.
import { RsaUnwrapPool } from './rsa-pool.js';
import type { FlowgateConfig } from '../config/index.js';
import type { Gateway } from '../gateway/index.js';
import { JobWorker } from '../queue/index.js';
import type { Logger } from '../log/index.js';
import type { FlowRegistry } from './definition.js';
import { FlowEndpoint, type ValidateInput } from './endpoint.js';
import { FlowMetrics } from './metrics.js';
import { FLOW_MEDIA_QUEUE, FlowMediaService, type StoreItem } from './picker-media.js';
import { sendFlow } from './send.js';
import { FlowMediaRetention } from './media-retention.js';
import { AppDraftRetention } from './draft-retention.js';
import type { FlowKeySource, SendFlowOptions, SendFlowResult } from './types.js';

export interface FlowRuntimeOptions {
  registry: FlowRegistry;
  gateway: Gateway;
  config: FlowgateConfig;
  keys: FlowKeySource | null;
  logger: Logger;
  now?: () => number;
  /** Stores one picker file (storeFlowMedia bound to a blob store); null: picker files are not stored. */
  storeItem?: StoreItem | null;
  /**
   * Deletes a stored picker file (the blob store's delete): files of abandoned flows, and files a completed flow
   * did not keep, are removed.
   */
  deleteBlob?: ((key: string) => Promise<void>) | null;
  /** Server-side input validation (validateSubmission); null: none. */
  validateInput?: ValidateInput | null;
  pollMs?: number;
}

export class FlowRuntime {
  /** RSA unwrapping off the HTTP thread; its threads start with the first flow request. */
  private readonly rsa = new RsaUnwrapPool();
  readonly endpoint: FlowEndpoint;
  readonly media: FlowMediaService;
  readonly metrics: FlowMetrics;
  private readonly worker: JobWorker;
  private readonly now: () => number;
  private readonly retention: FlowMediaRetention | null;
  private readonly drafts: AppDraftRetention;

  constructor(private readonly options: FlowRuntimeOptions) {
    const { gateway, config, logger } = options;
    this.now = options.now ?? Date.now;
    this.metrics = new FlowMetrics(gateway.metrics.registry, () => this.rsa.inFlight());
    this.media = new FlowMediaService({
      store: gateway.store,
      queue: gateway.queue,
      storeItem: options.storeItem ?? null,
      deleteBlob: options.deleteBlob ?? null,
      logger,
      now: this.now,
      onQueued: () => {
        this.worker.notify();
      },
    });
    this.worker = new JobWorker({
      queue: gateway.queue,
      name: FLOW_MEDIA_QUEUE,
      process: this.media.processor(),
      concurrency: 4,
      logger,
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      onOutcome: (outcome) => {
        gateway.metrics.jobs.inc({ queue: FLOW_MEDIA_QUEUE, outcome });
      },
    });
    const deleteBlob = options.deleteBlob ?? null;
    this.retention =
      deleteBlob === null ? null : new FlowMediaRetention({ store: gateway.store, deleteBlob, logger, now: this.now });
    this.drafts = new AppDraftRetention({ store: gateway.store, logger, now: this.now });
    this.endpoint = new FlowEndpoint({
      registry: options.registry,
      store: gateway.store,
      keys: options.keys,
      appSecrets: [config.appSecret, config.appSecretPrevious].filter((s): s is string => s !== null),
      phoneNumberId: config.phoneNumberId,
      budgetMs: config.flowHandlerBudgetMs,
      logger,
      metrics: this.metrics,
      media: this.media,
      validateInput: options.validateInput ?? null,
      mediaMaxBytes: config.flowMediaMaxBytes,
      now: this.now,
      rsa: this.rsa,
      // Only where Flowgate deletes the files (not with a custom flowMedia store).
      ...(this.retention === null ? {} : { keepOnlyMedia: (token, mediaIds) => this.keepOnlyMedia(token, mediaIds) }),
    });
  }

  start(): void {
    if (this.media.available) this.worker.start();
    this.retention?.start();
    this.drafts.start();
  }

  async stop(): Promise<void> {
    await this.retention?.stop();
    await this.drafts.stop();
    await this.rsa.close();
    await this.worker.stop();
  }

  /**
   * The completed flow `token` keeps only these files (FlowCompletionContext.keepOnlyMedia); its other files
   * are deleted. Nothing is deleted where Flowgate does not store the files (a custom flowMedia store).
   */
  keepOnlyMedia(token: string, mediaIds: readonly string[]): Promise<number> {
    return this.retention?.supersede(token, mediaIds) ?? Promise.resolve(0);
  }

  sendFlow(to: string, name: string, options: SendFlowOptions): Promise<SendFlowResult> {
    const { gateway, config, registry } = this.options;
    return sendFlow(
      { store: gateway.store, outbound: gateway.outbound, now: this.now, phoneNumberId: config.phoneNumberId },
      registry.require(name),
      to,
      options,
    );
  }
}
