// Media jobs on the `media` queue: one per Graph media id, from an inbound media message (enqueued by
// the dispatcher inside its transaction) or from the media descriptors of a Flow completion's
// response_json (SPEC B.4). The payload holds what the job needs to claim the `media` row.
import type { JobSpec } from '../queue/index.js';
import type { WebhookEvent } from '../protocol/index.js';
import { isMediaKind, mediaKindOfEvent, type MediaKind } from './limits.js';
import type { MediaSource } from './repository.js';

export const MEDIA_QUEUE = 'media';

export interface MediaJob {
  mediaId: string;
  source: MediaSource;
  /** Which per-type size limit applies. */
  kind: MediaKind;
  eventId: number | null;
  waId: string | null;
  /** The business number the media arrived on (sent as `phone_number_id` when resolving). */
  phoneNumberId: string | null;
  /** As declared in the webhook; Meta's GET /{id} answer is authoritative. */
  mimeType: string | null;
}

function jobSpec(job: MediaJob): JobSpec {
  return { queue: MEDIA_QUEUE, key: `media:${job.mediaId}`, payload: job };
}

/** The media job for an inbound media message event, or null for any other event. */
export function mediaJobForEvent(eventId: number, event: WebhookEvent): JobSpec | null {
  if (event.category !== 'message' || !('media' in event)) return null;
  const kind = mediaKindOfEvent(event.kind);
  if (kind === null || event.media.id === '') return null;
  return jobSpec({
    mediaId: event.media.id,
    source: 'message',
    kind,
    eventId,
    waId: event.fromWaId,
    phoneNumberId: event.phoneNumberId,
    mimeType: event.media.mimeType,
  });
}

/**
 * Media descriptors in a completion's response_json: every top-level array whose items look like
 * `{id, mime_type, sha256?, file_name?}` (PhotoPicker / DocumentPicker values, SPEC B.4).
 */
export function flowResponseMedia(response: Record<string, unknown>): { id: string; mimeType: string }[] {
  const found: { id: string; mimeType: string }[] = [];
  for (const value of Object.values(response)) {
    if (!Array.isArray(value)) continue;
    for (const item of value as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { id, mime_type: mimeType } = item as { id?: unknown; mime_type?: unknown };
      if (typeof id === 'string' && id !== '' && typeof mimeType === 'string') found.push({ id, mimeType });
    }
  }
  return found;
}

/** Media jobs for a Flow completion (picker media get the document limit, see limits.ts). */
export function flowMediaJobs(
  response: Record<string, unknown>,
  context: { eventId: number; waId: string; phoneNumberId: string | null },
): JobSpec[] {
  return flowResponseMedia(response).map(({ id, mimeType }) =>
    jobSpec({
      mediaId: id,
      source: 'flow',
      kind: 'document',
      eventId: context.eventId,
      waId: context.waId,
      phoneNumberId: context.phoneNumberId,
      mimeType,
    }),
  );
}

/** The payload of a reserved job, checked; null when it is not a media job's. */
export function readMediaJob(payload: unknown): MediaJob | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Partial<Record<keyof MediaJob, unknown>>;
  const nullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';
  const nullableNumber = (v: unknown): v is number | null => v === null || typeof v === 'number';
  if (typeof p.mediaId !== 'string' || p.mediaId === '') return null;
  if (p.source !== 'message' && p.source !== 'flow') return null;
  if (!isMediaKind(p.kind)) return null;
  const { eventId, waId, phoneNumberId, mimeType } = p;
  if (!nullableNumber(eventId) || !nullableString(waId)) return null;
  if (!nullableString(phoneNumberId) || !nullableString(mimeType)) return null;
  return { mediaId: p.mediaId, source: p.source, kind: p.kind, eventId, waId, phoneNumberId, mimeType };
}
