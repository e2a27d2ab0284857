// PhotoPicker/DocumentPicker files in data_exchange payloads (SPEC B.2): found in the request data, then
// stored either before the handler runs (`awaitMedia: true`) or by a queued job after the answer. Every
// outcome lands in `flow_media`. The download/verify/decrypt/sniff/store step itself is storeFlowMedia
// (src/flows/flow-media.ts), passed in as `storeItem`.
import type { Kysely } from 'kysely';
import type { Job, Queue, QueueTables } from '../queue/index.js';
import type { Logger } from '../log/index.js';
import { Semaphore } from '../support/semaphore.js';
import { FLOW_MEDIA_USER_MESSAGES, FlowMediaError } from './flow-media-errors.js';
import type { FlowMediaRow, Store } from '../store/index.js';
import { pickerItem, type PickerItem } from './picker-item.js';
import type { StoredFlowMedia } from './types.js';

export type { PickerItem } from './picker-item.js';

export const FLOW_MEDIA_QUEUE = 'flow-media';

/** What the picker accepts for one file (from pickerLimits and the flow definition). */
export interface PickerFileLimits {
  allowedMimeTypes?: readonly string[];
  maxBytes?: number;
}

/** What a storer is told of one file besides the item: the picker's limits, and the flow token it came with. */
export interface PickerFileContext extends PickerFileLimits {
  /** A storer should keep each flow's file apart (storeFlowMedia's key includes it): see flowMediaBlobKey. */
  token: string;
}

/**
 * Stores one file; `allowedMimeTypes` repeats `file.allowedMimeTypes` (kept for two-argument callers).
 * `signal` aborts when a request awaiting the file is answered: a storer should give the download up then.
 */
export type StoreItem = (
  item: PickerItem,
  allowedMimeTypes: readonly string[] | undefined,
  file: PickerFileContext,
  signal?: AbortSignal,
) => Promise<StoredFlowMedia>;

export interface PickerFile {
  item: PickerItem;
  limits: PickerFileLimits;
}

export interface FlowMediaJob {
  flow: string;
  token: string;
  screen: string;
  files: PickerFile[];
}

/** A file that will not store on retry either (bad hash, wrong type, too large): dead-lettered at once. */
class PermanentMediaFailure extends Error {
  override readonly name = 'PermanentMediaFailure';
  readonly permanent = true;
}

/**
 * Picker files by top-level payload key of a data_exchange payload (pickers are only allowed there), under
 * the keys the screen's action payload fills from a PhotoPicker/DocumentPicker: `pickers` is pickerLimits'
 * answer. A picker-looking array under any other key is ordinary data: the cdn_url in it is never fetched.
 */
export function pickerItems(
  data: Record<string, unknown>,
  pickers: Readonly<Record<string, unknown>>,
): { key: string; item: PickerItem }[] {
  const items: { key: string; item: PickerItem }[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!Object.hasOwn(pickers, key)) continue;
    if (!Array.isArray(value) || value.length === 0) continue;
    const found = value.map(pickerItem);
    if (!found.every((item) => item !== null)) continue;
    // The same file listed twice for one picker is fetched once (under another picker, with that one's limits).
    for (const item of found)
      if (!items.some((seen) => seen.key === key && seen.item.media_id === item.media_id)) items.push({ key, item });
  }
  return items;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'flowgate.flow_media.failed';
}

/** A short message for the picker's per-file error-message (FlowMediaError.userMessage when there is one). */
function customerMessage(error: unknown): string {
  const message = (error as { userMessage?: unknown } | null)?.userMessage;
  return typeof message === 'string' ? message : 'The upload could not be received. Try again.';
}

function retryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable === true;
}

/** Picker files downloaded at once by one process's queued jobs. */
export const FLOW_MEDIA_CONCURRENCY = 8;

/**
 * Picker files downloaded at once by one process's requests that await them (`awaitMedia`). A bound of its
 * own: a backlog of queued jobs never holds up a request that must be answered within its budget.
 */
export const FLOW_MEDIA_AWAITED_CONCURRENCY = 16;

export class FlowMediaService {
  /** Every queued download takes a place: queued jobs cannot fetch without bound. */
  readonly #downloads: Semaphore;
  /** Every awaited download takes a place; a wait ends at the answer's deadline (storeNow). */
  readonly #awaited: Semaphore;

  constructor(
    private readonly deps: {
      store: Store;
      queue: Queue<Kysely<QueueTables>>;
      storeItem: StoreItem | null;
      /** Deletes a file storeItem stored (null: a custom store, whose files are its owner's). */
      deleteBlob?: ((key: string) => Promise<void>) | null;
      logger: Logger;
      now: () => number;
      onQueued?: () => void;
      concurrency?: number;
      awaitedConcurrency?: number;
    },
  ) {
    this.#downloads = new Semaphore(deps.concurrency ?? FLOW_MEDIA_CONCURRENCY);
    this.#awaited = new Semaphore(deps.awaitedConcurrency ?? FLOW_MEDIA_AWAITED_CONCURRENCY);
  }

  #store(storeItem: StoreItem, token: string, { item, limits }: PickerFile): Promise<StoredFlowMedia> {
    return this.#downloads.run(() => storeItem(item, limits.allowedMimeTypes, { ...limits, token }));
  }

  get available(): boolean {
    return this.deps.storeItem !== null;
  }

  /**
   * Stores every file now, in parallel within the awaited bound, within `deadlineMs` (the request must still
   * be answered in time). Failures are per media_id: recorded, and returned for the picker's error-message.
   * At the deadline a file still waiting for a place gives up its wait, and a download under way is given up
   * (through the storer's signal): both count as failed for this answer and are recorded as `deadline`. A file
   * past its download (decrypting, storing) finishes and is recorded as stored, though answered as too slow.
   */
  async storeNow(
    job: FlowMediaJob,
    deadlineMs: number,
  ): Promise<{ stored: StoredFlowMedia[]; errors: Record<string, string> }> {
    const stored: StoredFlowMedia[] = [];
    // By media id, which the client chose: no prototype, so "__proto__" is a key like any other.
    const errors = Object.create(null) as Record<string, string>;
    const storeItem = this.deps.storeItem;
    const settled = new Set<string>();
    const due = new AbortController();
    const work = job.files.map(async (file) => {
      const { item } = file;
      if (storeItem === null) {
        errors[item.media_id] = customerMessage(null);
        settled.add(item.media_id);
        return;
      }
      try {
        const media = await this.#awaited.run(
          () => storeItem(item, file.limits.allowedMimeTypes, { ...file.limits, token: job.token }, due.signal),
          due.signal,
        );
        const kept = await this.#settle(media, await this.record(job, item, media, null));
        if (!settled.has(item.media_id)) stored.push(kept);
      } catch (caught) {
        const error =
          caught === due.signal.reason
            ? new FlowMediaError('deadline', 'no download place came before the answer was due', item.media_id)
            : caught;
        const code = errorCode(error);
        if (!settled.has(item.media_id)) errors[item.media_id] = customerMessage(error);
        this.deps.logger.warn({ flow: job.flow, code }, 'flow picker file not stored');
        await this.record(job, item, null, code).catch(() => undefined);
      }
      settled.add(item.media_id);
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
      timer.unref();
    });
    await Promise.race([Promise.all(work), deadline]);
    clearTimeout(timer);
    for (const { item } of job.files) {
      if (settled.has(item.media_id)) continue;
      settled.add(item.media_id);
      errors[item.media_id] = FLOW_MEDIA_USER_MESSAGES.deadline;
    }
    // Files not begun will not be, and downloads under way are given up: their places go to requests that
    // still have time (a download may take 8 s an attempt, retried, long after this answer).
    due.abort(new Error('the answer was due'));
    return { stored, errors };
  }

  async enqueue(job: FlowMediaJob): Promise<void> {
    // The job key makes a re-sent request (the client retries after 421) queue each file once.
    const specs = job.files.map((file) => ({
      queue: FLOW_MEDIA_QUEUE,
      key: `fm:${job.token}:${file.item.media_id}`,
      payload: { ...job, files: [file] } satisfies FlowMediaJob,
    }));
    await this.deps.queue.enqueue(specs);
    this.deps.onQueued?.();
  }

  /** The queue processor: a failure is retried with backoff; the last failure is recorded. */
  processor(): (job: Job) => Promise<void> {
    return async (job: Job) => {
      const payload = job.payload as FlowMediaJob;
      const storeItem = this.deps.storeItem;
      if (storeItem === null) throw new Error('flow media storage is not configured');
      for (const file of payload.files) {
        const { item } = file;
        try {
          const media = await this.#store(storeItem, payload.token, file);
          await this.#settle(media, await this.record(payload, item, media, null));
        } catch (error) {
          const again = retryable(error) && job.attempts < job.maxAttempts;
          if (again) throw error;
          await this.record(payload, item, null, errorCode(error));
          throw new PermanentMediaFailure(`flow picker file not stored (${errorCode(error)})`, { cause: error });
        }
      }
    };
  }

  /**
   * The file as its row keeps it. A row that had this file stored already (the same media id sent again,
   * stored first under another key: by an earlier Flowgate, whose keys were the content's) keeps its file:
   * the handler is given that one, as the row describes it, and the copy just stored is deleted unless some
   * row names it (a storer whose keys are shared).
   */
  async #settle(media: StoredFlowMedia, row: FlowMediaRow | null): Promise<StoredFlowMedia> {
    if (row?.blob_key == null || row.blob_key === media.blobKey) return media;
    const deleteBlob = this.deps.deleteBlob ?? null;
    try {
      if (deleteBlob !== null && !(await this.deps.store.flows.blobReferenced(media.blobKey))) {
        await deleteBlob(media.blobKey);
      }
    } catch (error) {
      this.deps.logger.warn({ err: String(error) }, 'could not delete a second copy of a stored picker file');
    }
    return {
      mediaId: media.mediaId,
      fileName: row.file_name ?? media.fileName,
      blobKey: row.blob_key,
      mimeType: row.mime_type ?? media.mimeType,
      size: row.size ?? media.size,
      sha256: row.sha256 ?? media.sha256,
    };
  }

  private async record(
    job: FlowMediaJob,
    item: PickerItem,
    media: StoredFlowMedia | null,
    error: string | null,
  ): Promise<FlowMediaRow | null> {
    return this.deps.store.flows.recordMedia({
      flow: job.flow,
      token: job.token,
      screen: job.screen,
      media_id: item.media_id,
      file_name: media?.fileName ?? (typeof item.file_name === 'string' ? item.file_name : null),
      blob_key: media?.blobKey ?? null,
      mime_type: media?.mimeType ?? null,
      size: media?.size ?? null,
      sha256: media?.sha256 ?? null,
      error,
      created_at: this.deps.now(),
    });
  }
}
