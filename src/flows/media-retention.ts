// Picker files of abandoned flows are deleted. The endpoint stores a PhotoPicker/DocumentPicker file
// as soon as it arrives (before the customer confirms anything: a KYC flow has the ID images before
// consent), so files of a flow that was never completed must not stay forever. Once such a token has
// expired nothing can use them (the endpoint answers 427), and every few minutes their blobs are
// deleted; the flow_media row stays, marked "purged", as the record that a file came and went.
// Files of completed flows are kept: what the flow's handler stored references them.

import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';

export interface MediaRetentionOptions {
  store: Store;
  deleteBlob: (key: string) => Promise<void>;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Between sweeps, ±10 % jitter. Default 15 minutes. */
  intervalMs?: number;
  /** Files deleted per sweep at most. Default 200. */
  batch?: number;
}

export class AbandonedMediaSweeper {
  readonly #o: MediaRetentionOptions;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;

  constructor(options: MediaRetentionOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#timer !== null) return;
    const schedule = (): void => {
      const jitter = 0.9 + 0.2 * (this.#o.random ?? Math.random)();
      this.#timer = setTimeout(
        () => {
          void this.sweep()
            .catch((error: unknown) => {
              this.#o.logger.error({ err: String(error) }, 'deleting picker files of abandoned flows failed');
            })
            .finally(() => {
              if (this.#timer !== null) schedule();
            });
        },
        (this.#o.intervalMs ?? 900_000) * jitter,
      );
      this.#timer.unref();
    };
    schedule();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** One sweep: deletes the files of expired, never-completed flows; returns how many. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #sweep(): Promise<number> {
    const now = (this.#o.now ?? Date.now)();
    const rows = await this.#o.store.flows.abandonedMedia(now, this.#o.batch ?? 200);
    let deleted = 0;
    for (const row of rows) {
      try {
        // The blob first: a crash in between leaves a row that the next sweep deletes again (idempotent).
        await this.#o.deleteBlob(row.blob_key);
        await this.#o.store.flows.markMediaPurged(row.id);
        deleted += 1;
      } catch (error) {
        this.#o.logger.warn({ mediaRow: row.id, err: String(error) }, 'could not delete an abandoned picker file');
      }
    }
    if (deleted > 0) this.#o.logger.info({ deleted }, 'deleted picker files of flows that expired uncompleted');
    return deleted;
  }
}
