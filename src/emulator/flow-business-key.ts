// How the Flow client gets the business public key: GET /{phone-number-id}/whatsapp_business_encryption
// from the (emulated) Graph API, as WhatsApp does before encrypting a request (SPEC D.5). Both
// documented answer shapes are read: the reference's {"data":[{…}]} and the guide's flat object.
// No key → public-key-missing, MISMATCH → public-key-signature-verification, anything else that
// stops the fetch (HTTP error, timeout, unusable PEM) → public-key-fetch-error.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { FlowClientError } from './flow-client-errors.js';
import { isRecord } from './graph-common.js';
import { isTimeout, timedRead } from './timed-read.js';

/** GETs a Graph path (with the access token) from the Graph API the client talks to. */
export type GraphGet = (path: string, signal: AbortSignal) => Promise<Response>;

export const GRAPH_VERSION = 'v24.0';

function fetchError(message: string, options: { status?: number; cause?: unknown } = {}): FlowClientError {
  return new FlowClientError('public-key-fetch-error', message, options);
}

/** The key entry of either answer shape, or null when none is uploaded. */
export function keyEntry(body: unknown): { pem: string; status: string } | null {
  const entry = isRecord(body) && Array.isArray(body.data) ? (body.data[0] as unknown) : body;
  if (!isRecord(entry) || typeof entry.business_public_key !== 'string' || entry.business_public_key === '')
    return null;
  const status = entry.business_public_key_signature_status;
  return { pem: entry.business_public_key, status: typeof status === 'string' ? status : 'VALID' };
}

/** The answer's status and body, both within `timeoutMs`. */
async function get(graph: GraphGet, path: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  try {
    return await timedRead((signal) => graph(path, signal), timeoutMs);
  } catch (error) {
    throw fetchError(
      isTimeout(error)
        ? `The Graph API did not answer the public key request within ${timeoutMs} ms.`
        : 'The Graph API could not be reached for the public key.',
      { cause: error },
    );
  }
}

export async function fetchBusinessKey(graph: GraphGet, phoneNumberId: string, timeoutMs: number): Promise<KeyObject> {
  const fields = 'business_public_key,business_public_key_signature_status';
  const path = `/${GRAPH_VERSION}/${encodeURIComponent(phoneNumberId)}/whatsapp_business_encryption?fields=${fields}`;
  const response = await get(graph, path, timeoutMs);
  const text = response.text;
  if (response.status !== 200)
    throw fetchError(`The Graph API answered the public key request with HTTP ${response.status}.`, {
      status: response.status,
    });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw fetchError('The public key answer is not JSON.', { status: 200, cause: error });
  }
  const entry = keyEntry(body);
  if (entry === null)
    throw new FlowClientError('public-key-missing', 'No business public key is uploaded for this phone number.');
  if (entry.status !== 'VALID')
    throw new FlowClientError(
      'public-key-signature-verification',
      `The business public key's signature status is ${entry.status}.`,
    );
  try {
    return createPublicKey(entry.pem);
  } catch (error) {
    throw fetchError('The business public key is not a usable PEM.', { status: 200, cause: error });
  }
}
