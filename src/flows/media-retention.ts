// Picker files are deleted once nothing can use them. The endpoint stores a PhotoPicker/DocumentPicker file
// as soon as it arrives (before the customer confirms anything: a KYC flow has the ID images before
// consent), so files of a flow that was never completed must not stay forever. A week after such a token
// expired (the endpoint answers 427 by then, and a completion webhook Meta redelivers late has had its
// window) a sweep every few minutes deletes the blobs; the flow_media rows stay, marked "purged", as the
// record that a file came and went. A completed flow keeps every file unless its handler names the ones its
// record points at (ctx.keepOnlyMedia: a KYC front replaced by going back is not among them); the others are
// deleted then and their rows marked "superseded". storeFlowMedia gives every flow's file its own key
// (flowMediaBlobKey), so a delete takes nothing another flow holds, even one storing the same bytes at that
// moment. A key shared between rows (a file stored when keys were named by content alone, or by a custom
// storer that names them so) is kept while another row still needs it (a completed flow that kept it, an
// open token) and deleted once nothing does; for such keys the check right before the delete narrows, but
// cannot close, the window in which the same bytes stored again are lost.

import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { PeriodicSweep } from '../support/periodic.js';

/** What a retention sweep needs (this one and src/flows/draft-retention.ts). */
export interface RetentionSweepOptions {
  store: Store;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Between sweeps, ±10 % jitter. Default 15 minutes. */
  intervalMs?: number;
  /** Rows (here: files, per sweep and per supersede) deleted per sweep at most. Default 200. */
  batch?: number;
  /** How long after a token's expiry what it left is kept. Default SWEEP_GRACE_MS. */
  graceMs?: number;
}

export interface MediaRetentionOptions extends RetentionSweepOptions {
  deleteBlob: (key: string) => Promise<void>;
}

/** Meta redelivers webhooks for up to 7 days (SPEC C.2): a late completion of an expired token still has its files. */
export const SWEEP_GRACE_MS = 7 * 24 * 3_600_000;

export class FlowMediaRetention extends PeriodicSweep<number> {
  readonly #o: MediaRetentionOptions;

  constructor(options: MediaRetentionOptions) {
    super(options, (error) => {
      options.logger.error({ err: String(error) }, 'deleting picker files no flow needs failed');
    });
    this.#o = options;
  }

  /**
   * The completed flow `token` keeps only the files `keepMediaIds` names: the others it received are deleted
   * now (rows marked superseded), except one whose bytes another row still needs. A delete that fails is
   * logged and left to the sweep, which finds superseded rows that still have a file (as it does the files
   * past the batch). Returns how many files were deleted.
   */
  async supersede(token: string, keepMediaIds: readonly string[]): Promise<number> {
    const now = (this.#o.now ?? Date.now)();
    const keys = await this.#o.store.flows.supersedeMedia(token, keepMediaIds, this.#o.batch ?? 200, now);
    const deleted = await this.#delete(keys, this.#expiredBefore());
    if (deleted > 0) this.#o.logger.info({ deleted }, 'deleted picker files a completed flow did not keep');
    return deleted;
  }

  protected async run(): Promise<number> {
    // Releases named with a SUCCESS answer and cut short after it (the flow's record points at its files),
    // within the sweep's batch of deleted files (the rest next time).
    const batch = this.#o.batch ?? 200;
    let released = 0;
    for (const { token, keepMediaIds } of await this.#o.store.flows.unreleasedMedia(batch)) {
      if (released >= batch) break;
      try {
        released += await this.supersede(token, keepMediaIds);
      } catch (error) {
        this.#o.logger.warn({ err: String(error) }, 'could not release the files a finished flow did not keep');
      }
    }
    const expiredBefore = this.#expiredBefore();
    const keys = await this.#o.store.flows.abandonedBlobKeys(expiredBefore, batch);
    const deleted = await this.#delete(keys, expiredBefore);
    if (deleted > 0) this.#o.logger.info({ deleted }, 'deleted picker files no flow needs any more');
    return released + deleted;
  }

  /**
   * Tokens expired at least a grace period ago: a completion that arrives late (Meta redelivers webhooks for up
   * to 7 days, SPEC C.2) still finds its files.
   */
  #expiredBefore(): number {
    return (this.#o.now ?? Date.now)() - (this.#o.graceMs ?? SWEEP_GRACE_MS);
  }

  async #delete(keys: readonly string[], expiredBefore: number): Promise<number> {
    let deleted = 0;
    for (const key of keys) {
      try {
        // Checked again right before: a flow completed or a new upload of the same bytes since the query keeps it.
        if (await this.#o.store.flows.blobStillNeeded(key, expiredBefore)) continue;
        // The blob first: a crash in between leaves rows that the next sweep deletes again (idempotent).
        await this.#o.deleteBlob(key);
        await this.#o.store.flows.markBlobPurged(key);
        deleted += 1;
      } catch (error) {
        this.#o.logger.warn({ err: String(error) }, 'could not delete a picker file');
      }
    }
    return deleted;
  }
}
