// Maps the messages, media and business-key responses (SPEC D.1, D.2, D.5) to camelCase results.
// Fields a caller relies on are required (ShapeError otherwise); the rest default to null.

import { idText, isRecord, list, num, prop, str, text, type JsonRecord } from '../protocol/webhook/read.js';
import type { BusinessPublicKey, MediaInfo, SentMessage, UploadedMedia } from './types.js';

/** A 2xx body that is not the documented shape; the transport turns it into GraphUnexpectedResponseError. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

export function record(json: unknown): JsonRecord {
  if (!isRecord(json)) throw new ShapeError('the body is not a JSON object');
  return json;
}

export function requiredId(obj: JsonRecord, key: string): string {
  const value = idText(obj, key);
  if (value === null) throw new ShapeError(`"${key}" is missing`);
  return value;
}

/** `{"success": true}`, the answer of most mutations. */
export function expectSuccess(json: unknown): void {
  if (prop(record(json), 'success') !== true) throw new ShapeError('"success" is not true');
}

export function mapSentMessage(json: unknown): SentMessage {
  const body = record(json);
  const message = (list(body, 'messages') ?? []).find(isRecord);
  if (message === undefined) throw new ShapeError('"messages" holds no message');
  const contact = (list(body, 'contacts') ?? []).find(isRecord);
  return {
    wamid: requiredId(message, 'id'),
    waId: contact ? idText(contact, 'wa_id') : null,
    input: contact ? str(contact, 'input') : null,
    messageStatus: text(message, 'message_status'),
  };
}

export function mapUploadedMedia(json: unknown): UploadedMedia {
  return { id: requiredId(record(json), 'id') };
}

export function mapMediaInfo(json: unknown): MediaInfo {
  const body = record(json);
  const url = text(body, 'url');
  if (url === null) throw new ShapeError('"url" is missing');
  const fileSize = num(body, 'file_size');
  if (fileSize === null || !Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new ShapeError('"file_size" is not a byte count');
  }
  return {
    id: requiredId(body, 'id'),
    url,
    mimeType: str(body, 'mime_type') ?? 'application/octet-stream',
    sha256: str(body, 'sha256') ?? '',
    fileSize,
  };
}

/** Both documented shapes: `{"data":[{…}]}` (reference, Postman) and the flat object (guide). */
export function mapBusinessPublicKey(json: unknown): BusinessPublicKey {
  const body = record(json);
  const data = list(body, 'data');
  const entry: JsonRecord | null = data === null ? body : (data.find(isRecord) ?? null);
  return {
    publicKey: entry ? text(entry, 'business_public_key') : null,
    signatureStatus: entry ? text(entry, 'business_public_key_signature_status') : null,
  };
}
