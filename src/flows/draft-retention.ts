// What the ready flows wrote for a flow never completed is deleted. A draft is saved screen by screen (a
// KYC draft has the document type and the ID images' records, a booking draft the name, email and notes),
// and a booking holds its slot before the contact confirms; a flow abandoned halfway leaves both behind. The
// same grace as the picker files (SWEEP_GRACE_MS after the token expired: a late completion still finds its
// draft) and the same timer convention apply, on a timer of its own: it runs whether or not Flowgate stores
// the picker files (a custom flowMedia store turns the file sweep off, not this one). Only the apps' own
// tables (SqlAppStorage) are swept; a custom AppStorage keeps its data where its owner decides.

import { PeriodicSweep } from '../support/periodic.js';
import { SWEEP_GRACE_MS, type RetentionSweepOptions } from './media-retention.js';

/** A batch is per table: at most that many drafts and that many held slots per sweep. */
export type DraftRetentionOptions = RetentionSweepOptions;

export class AppDraftRetention extends PeriodicSweep<{ drafts: number; holds: number }> {
  readonly #o: DraftRetentionOptions;

  constructor(options: DraftRetentionOptions) {
    super(options, (error) => {
      options.logger.error({ err: String(error) }, 'deleting drafts of abandoned flows failed');
    });
    this.#o = options;
  }

  protected async run(): Promise<{ drafts: number; holds: number }> {
    const expiredBefore = (this.#o.now ?? Date.now)() - (this.#o.graceMs ?? SWEEP_GRACE_MS);
    const deleted = await this.#o.store.appDrafts.deleteAbandoned(expiredBefore, this.#o.batch ?? 200);
    if (deleted.drafts + deleted.holds > 0) {
      this.#o.logger.info(deleted, 'deleted drafts and held slots of flows that expired uncompleted');
    }
    return deleted;
  }
}
