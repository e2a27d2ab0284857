// Blob keys: slash-separated segments of letters, digits, `.`, `_` and `-`, none starting with a
// dot. That rules out `..`, absolute paths, backslashes, NUL and hidden files, so a key can never
// name a path outside the store's root, whatever the platform.

import { InvalidBlobKeyError } from './errors.js';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
export const MAX_KEY_LENGTH = 512;

/** Throws InvalidBlobKeyError unless `key` is safe; returns its segments. */
export function blobKeySegments(key: string): string[] {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new InvalidBlobKeyError(key, `must be 1 to ${MAX_KEY_LENGTH} characters`);
  }
  const segments = key.split('/');
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      throw new InvalidBlobKeyError(key, 'segments must be 1-128 of A-Z a-z 0-9 . _ - and must not start with a dot');
    }
  }
  return segments;
}

export function isValidBlobKey(key: string): boolean {
  try {
    blobKeySegments(key);
    return true;
  } catch {
    return false;
  }
}
