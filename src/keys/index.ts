// Public surface of the key ring module. Re-exports only.
export { KeyRing, type Actor, type KeyRingOptions, type RotateOptions, type UploadResult } from './key-ring.js';
export type { KeyInfo } from './key-info.js';
export { KeyScheduler, ROTATION_LEASE, type KeySchedulerOptions, type TickResult } from './scheduler.js';
export {
  KeyGraphError,
  KeyImportError,
  KeyRingError,
  KeyVerificationError,
  type KeyRingErrorCode,
  type KeyVerificationCode,
} from './errors.js';
export { KEY_SIZES, isEncryptedPem, type KeySize } from './material.js';
export type { RemoteKeyStatus } from './remote.js';
export { startKeyService, type KeyService, type KeyServiceOptions } from './service.js';
