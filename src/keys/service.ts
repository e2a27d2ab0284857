// The key ring as part of a running app: built when FLOWGATE_MASTER_KEY is set, with the scheduler
// (grace-window retirement, optional rotation every FLOWGATE_KEY_ROTATION_DAYS) running beside it.

import type { FlowgateConfig } from '../config/index.js';
import type { GraphClient } from '../graph/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { KeyRing } from './key-ring.js';
import { KeyScheduler } from './scheduler.js';

export interface KeyService {
  readonly ring: KeyRing;
  readonly scheduler: KeyScheduler;
  stop(): Promise<void>;
}

export interface KeyServiceOptions {
  config: Pick<FlowgateConfig, 'masterKey' | 'keyGraceHours' | 'keyRotationDays' | 'phoneNumberId'>;
  store: Store;
  graph: GraphClient | null;
  logger?: Logger;
  now?: () => number;
  random?: () => number;
  /** Start the scheduler (default true). */
  schedule?: boolean;
}

/** Null without a master key: nothing can be sealed or opened then. */
export function startKeyService(options: KeyServiceOptions): KeyService | null {
  const { config, store } = options;
  if (config.masterKey === null) return null;
  const ring = new KeyRing({
    keys: store.keys,
    masterKey: config.masterKey,
    graph: options.graph,
    graceHours: config.keyGraceHours,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const scheduler = new KeyScheduler({
    ring,
    keys: store.keys,
    rotationDays: options.graph === null ? null : config.keyRotationDays,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  if (options.schedule !== false) scheduler.start();
  const phoneNumberId = config.phoneNumberId;
  if (phoneNumberId !== null && options.logger !== undefined) {
    const logger = options.logger;
    // Without an active key every Flow request gets 421; say so once, with the fix.
    void ring.activePublicKey(phoneNumberId).then(
      (pem) => {
        if (pem === null)
          logger.warn(
            'no active business encryption key: Flow requests will fail until you run `flowgate keys rotate`',
          );
      },
      () => undefined,
    );
  }
  return { ring, scheduler, stop: () => scheduler.stop() };
}
