// The media pipeline's read side and its wiring: rows by row id or media id, the stored bytes as a
// stream, short-lived signed URLs, and the enqueueing helper the flow completion uses.
import type { Kysely } from 'kysely';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/index.js';
import type { Queue, QueueTables } from '../queue/index.js';
import type { Database, Store } from '../store/index.js';
import { MediaNotFoundError } from './errors.js';
import { flowMediaJobs } from './jobs.js';
import { MediaRepository, type MediaRecord, type MediaStatus, type MediaTables } from './repository.js';

export class MediaService {
  readonly repo: MediaRepository;

  constructor(
    store: Store,
    private readonly blobs: BlobStore,
    private readonly queue: Queue<Kysely<QueueTables>>,
  ) {
    // The media table shares the store's database (like the jobs table), so a transaction covers both.
    this.repo = new MediaRepository(store.db as unknown as Kysely<MediaTables>);
  }

  /** A media row by its row id. */
  get(id: number): Promise<MediaRecord | null> {
    return this.repo.get(id);
  }

  /** A media row by the Graph media id. */
  byMediaId(mediaId: string): Promise<MediaRecord | null> {
    return this.repo.byMediaId(mediaId);
  }

  list(options: { status?: MediaStatus; limit?: number } = {}): Promise<MediaRecord[]> {
    return this.repo.list(options);
  }

  /** The stored bytes of a row; MediaNotFoundError unless the row is stored. */
  async open(id: number): Promise<{ record: MediaRecord; body: Readable }> {
    const record = await this.stored(id);
    return { record, body: await this.blobs.get(record.blobKey) };
  }

  /** A URL path serving the stored bytes for `ttlSeconds` (mounted at GET /blobs/*). */
  async signedUrl(id: number, ttlSeconds = 300): Promise<{ record: MediaRecord; url: string; expiresAt: number }> {
    const record = await this.stored(id);
    const url = this.blobs.signedUrl(record.blobKey, ttlSeconds);
    // The store's clock decides the expiry; read it back from the URL (`expires`, Unix seconds) when it says.
    const expires = Number(new URL(url, 'http://blob.invalid').searchParams.get('expires'));
    const expiresAt = Number.isSafeInteger(expires) && expires > 0 ? expires * 1000 : Date.now() + ttlSeconds * 1000;
    return { record, url, expiresAt };
  }

  /** Queues media jobs for the media descriptors of a Flow completion, inside the caller's transaction. */
  async enqueueFlowMedia(
    trx: Kysely<Database>,
    response: Record<string, unknown>,
    context: { eventId: number; waId: string; phoneNumberId: string | null },
  ): Promise<number> {
    const jobs = flowMediaJobs(response, context);
    if (jobs.length === 0) return 0;
    return this.queue.enqueue(jobs, trx as unknown as Kysely<QueueTables>);
  }

  private async stored(id: number): Promise<MediaRecord & { blobKey: string }> {
    const record = await this.repo.get(id);
    if (record?.status !== 'stored' || record.blobKey === null) {
      throw new MediaNotFoundError(`media row ${id} is not stored`);
    }
    return { ...record, blobKey: record.blobKey };
  }
}
