// PhotoPicker/DocumentPicker files in data_exchange payloads (SPEC B.2): found in the request data, then
// stored either before the handler runs (`awaitMedia: true`) or by a queued job after the answer. Every
// outcome lands in `flow_media`. The download/verify/decrypt/sniff/store step itself is storeFlowMedia
// (src/flows/flow-media.ts), passed in as `storeItem`.
import type { Kysely } from 'kysely';
import type { Job, Queue, QueueTables } from '../queue/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { StoredFlowMedia } from './types.js';

export const FLOW_MEDIA_QUEUE = 'flow-media';

/** SPEC B.2: one picker file as the endpoint receives it. */
export interface PickerItem {
  media_id: string;
  cdn_url: string;
  file_name: string;
  encryption_metadata: {
    encrypted_hash: string;
    iv: string;
    encryption_key: string;
    hmac_key: string;
    plaintext_hash: string;
  };
}

export type StoreItem = (item: PickerItem, allowedMimeTypes: readonly string[] | undefined) => Promise<StoredFlowMedia>;

export interface FlowMediaJob {
  flow: string;
  token: string;
  screen: string;
  items: PickerItem[];
  allowedMimeTypes?: readonly string[];
}

function isPickerItem(value: unknown): value is PickerItem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const meta = v.encryption_metadata;
  return (
    typeof v.media_id === 'string' &&
    typeof v.cdn_url === 'string' &&
    typeof meta === 'object' &&
    meta !== null &&
    ['encrypted_hash', 'iv', 'encryption_key', 'hmac_key', 'plaintext_hash'].every(
      (k) => typeof (meta as Record<string, unknown>)[k] === 'string',
    )
  );
}

/** Picker files anywhere at the top level of a data_exchange payload (pickers are only allowed there). */
export function pickerItems(data: Record<string, unknown>): PickerItem[] {
  const items: PickerItem[] = [];
  for (const value of Object.values(data)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isPickerItem)) items.push(...value);
  }
  return items;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'flowgate.flow_media.failed';
}

/** A short message for the picker's per-file error-message. */
function customerMessage(code: string): string {
  if (code.includes('too_large') || code.includes('size')) return 'This file is too large.';
  if (code.includes('mime') || code.includes('type')) return 'This type of file is not allowed.';
  return 'This file could not be received. Please upload it again.';
}

export class FlowMediaService {
  constructor(
    private readonly deps: {
      store: Store;
      queue: Queue<Kysely<QueueTables>>;
      storeItem: StoreItem | null;
      logger: Logger;
      now: () => number;
      onQueued?: () => void;
    },
  ) {}

  get available(): boolean {
    return this.deps.storeItem !== null;
  }

  /** Stores every file now; failures are per media_id (recorded, and returned for the picker's error-message). */
  async storeNow(job: FlowMediaJob): Promise<{ stored: StoredFlowMedia[]; errors: Record<string, string> }> {
    const stored: StoredFlowMedia[] = [];
    const errors: Record<string, string> = {};
    const storeItem = this.deps.storeItem;
    for (const item of job.items) {
      if (storeItem === null) {
        errors[item.media_id] = customerMessage('unavailable');
        continue;
      }
      try {
        const media = await storeItem(item, job.allowedMimeTypes);
        stored.push(media);
        await this.record(job, item, media, null);
      } catch (error) {
        const code = errorCode(error);
        errors[item.media_id] = customerMessage(code);
        this.deps.logger.warn({ flow: job.flow, code }, 'flow picker file not stored');
        await this.record(job, item, null, code);
      }
    }
    return { stored, errors };
  }

  async enqueue(job: FlowMediaJob): Promise<void> {
    // The job key makes a re-sent request (the client retries after 421) queue each file once.
    const specs = job.items.map((item) => ({
      queue: FLOW_MEDIA_QUEUE,
      key: `fm:${job.token}:${item.media_id}`,
      payload: { ...job, items: [item] } satisfies FlowMediaJob,
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
      for (const item of payload.items) {
        try {
          const media = await storeItem(item, payload.allowedMimeTypes);
          await this.record(payload, item, media, null);
        } catch (error) {
          const permanent = (error as { permanent?: unknown }).permanent === true;
          if (permanent || job.attempts >= job.maxAttempts) await this.record(payload, item, null, errorCode(error));
          throw error;
        }
      }
    };
  }

  private async record(job: FlowMediaJob, item: PickerItem, media: StoredFlowMedia | null, error: string | null) {
    await this.deps.store.flows.recordMedia({
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
