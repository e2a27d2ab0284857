// The load of the flows bench: encrypted data_exchange requests as WhatsApp's client sends them (a fresh
// AES-128 key and IV per request, wrapped with RSA-OAEP-SHA-256 to the business public key; Flowgate's own
// client-side encryptFlowRequest), signed with X-Hub-Signature-256. Encrypting costs the client as much
// as a small fraction of what decrypting costs the server, so the pool is made before anything is timed
// and replayed in order.
import type { KeyObject } from 'node:crypto';
import { encryptFlowRequest, signBody } from '../../src/protocol/index.js';
import type { FeedItem, RequestFeed } from '../lib/load.js';
import { dataExchangePayload } from './flow-json.js';

export interface FlowRequestItem extends FeedItem {
  /** Kept to decrypt the answer (the correctness probe). */
  aesKey: Buffer;
  iv: Buffer;
}

export function requestPool(
  size: number,
  publicKey: KeyObject,
  appSecret: string,
  tokens: readonly string[],
): FlowRequestItem[] {
  return Array.from({ length: size }, (_, n) => {
    const token = tokens[n % tokens.length] ?? 'unused';
    const { body, aesKey, iv } = encryptFlowRequest(dataExchangePayload(n, token), publicKey);
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    return {
      aesKey,
      iv,
      body: bytes,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'facebookexternalua',
        'x-hub-signature-256': signBody(bytes, appSecret),
      },
    };
  });
}

/** Replays the pool in order, round and round. */
export class PoolFeed implements RequestFeed {
  private n = 0;

  constructor(private readonly pool: readonly FeedItem[]) {
    if (pool.length === 0) throw new Error('empty request pool');
  }

  next(): FeedItem {
    const item = this.pool[this.n++ % this.pool.length];
    if (item === undefined) throw new Error('request pool index out of range');
    return item;
  }
}
