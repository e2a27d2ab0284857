// Errors of the blob store. Messages never contain the key (keys may be derived from customer
// content); the key is kept in a field for the caller.

export type BlobErrorCode = 'flowgate.blobs.invalid_key' | 'flowgate.blobs.not_found' | 'flowgate.blobs.write_failed';

export class BlobError extends Error {
  override readonly name: string = 'BlobError';
  constructor(
    readonly code: BlobErrorCode,
    message: string,
    /** The key involved; not part of the message. */
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class BlobNotFoundError extends BlobError {
  override readonly name = 'BlobNotFoundError';
  readonly status = 404;
  constructor(key: string, options?: ErrorOptions) {
    super('flowgate.blobs.not_found', 'No blob is stored under this key.', key, options);
  }
}

export class InvalidBlobKeyError extends BlobError {
  override readonly name = 'InvalidBlobKeyError';
  readonly status = 400;
  constructor(key: string, reason: string) {
    super('flowgate.blobs.invalid_key', `Invalid blob key: ${reason}.`, key);
  }
}
