// Public API of the blob store module. Re-exports only.

export type { BlobInfo, BlobMeta, BlobStore, SignedUrlCheck } from './types.js';
export { FileBlobStore, type FileBlobStoreOptions } from './file-store.js';
export { BlobError, BlobNotFoundError, InvalidBlobKeyError, type BlobErrorCode } from './errors.js';
export { blobKeySegments, isValidBlobKey, MAX_KEY_LENGTH } from './keys.js';
export { signBlobUrl, verifyBlobUrl } from './signed-url.js';
export { signedBlobHandler, type SignedBlobSource } from './http.js';
