// Flow crypto: the endpoint request/response encryption (SPEC A.2, A.3), the business private key,
// PhotoPicker/DocumentPicker CDN media (SPEC B.3) and the 4.0 flow_token_signature. Re-exports only.

export { FlowCryptoError, type FlowCryptoCode, type FlowCryptoReason } from './errors.js';
export { clearPrivateKeyCache, fingerprint, loadPrivateKey, MIN_RSA_BITS, publicKeyPem } from './keys.js';
export { flipIv } from './gcm.js';
export {
  decodeFlowEnvelope,
  decryptFlowRequest,
  encryptFlowResponse,
  openFlowRequest,
  unwrapFailed,
  type FlowRequestEnvelope,
  encryptFlowResponseRaw,
  type DecryptedFlowRequest,
  type WireFlowEndpointRequest,
} from './endpoint.js';
export {
  decryptFlowResponse,
  encryptFlowRequest,
  type EncryptedFlowRequest,
  type EncryptFlowRequestOptions,
} from './client.js';
export {
  decryptFlowMedia,
  encryptFlowMedia,
  type EncryptFlowMediaOptions,
  type WireFlowMediaEncryptionMetadata,
} from './media.js';
export { signFlowToken, verifyFlowTokenSignature } from './flow-token.js';
