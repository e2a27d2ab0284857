// Public API of the media pipeline (ARCHITECTURE "media/"). Re-exports only.
export { MediaService } from './service.js';
export { createMediaProcessor, decodeSha256, type MediaProcessorDeps } from './processor.js';
export { MEDIA_QUEUE, mediaJobForEvent, flowMediaJobs, flowResponseMedia, type MediaJob } from './jobs.js';
export { MEDIA_LIMITS, mediaKindOfEvent, type MediaKind } from './limits.js';
export { MediaError, MediaNotFoundError, type MediaErrorCode } from './errors.js';
export type { MediaRecord, MediaSource, MediaStatus } from './repository.js';
