// RSA-OAEP unwrapping of flow requests' AES keys in worker threads. RSA is the largest single cost of a
// flow request (~0.42 ms of ~0.67 ms of CPU on the bench machine), so the HTTP thread hands it off and
// serves other requests meanwhile; the AES-GCM half, the handler and the answer stay on the HTTP thread.
// One thread per core, not per other core: the HTTP thread needs about half a core at saturation, and with
// a single RSA thread that thread was the bottleneck (1,750–1,900 req/s on two cores; 2,100–2,540 with two).
// The unwraps of one event-loop turn go to a thread in one message; each answer comes back on its own.
// Threads fill in order: the next thread takes unwraps only once every earlier one has `spillAt` in flight.
// Below saturation this keeps a core free for the HTTP thread, which otherwise waited for a core behind
// two RSA threads woken for one request each. Flows bench, p99 at half max on two cores, 22 runs each,
// alternated: spreading to every thread at once, median 28.7 ms (5 under 20 ms); filling each to 3 first,
// median 18.3 ms (14 under 20 ms). The maximum throughput did not change (both threads fill at saturation).
// Filling each to 6 did better again: two Flowgate servers side by side, 10 alternated windows each, three
// runs: median p99 19.6 / 21.0 / 12.5 ms with 3 against 15.3 / 15.0 / 12.3 ms with 6 (21 against 27 of 30
// windows under 20 ms), p50 1.74 against 1.78 ms; 12 was no better than 6 (9.6 against 8.7 ms).
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TurnBatch } from '../support/turn-batch.js';

/**
 * The thread: the same unwrap as the protocol's decryptFlowRequest (RSA-OAEP, SHA-256 for the hash and
 * MGF1, each key in order). Keys arrive once (KeyObjects clone across threads) and are kept by id.
 */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { privateDecrypt, constants } = require('node:crypto');
const keys = new Map();
function unwrap(m) {
  for (const [id, key] of m.add) keys.set(id, key);
  for (const id of m.drop) keys.delete(id);
  for (let i = 0; i < m.keyIds.length; i++) {
    const key = keys.get(m.keyIds[i]);
    if (key === undefined) continue;
    try {
      const aesKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, m.wrapped);
      return { id: m.id, aesKey, keyIndex: i };
    } catch {}
  }
  return { id: m.id, aesKey: null, keyIndex: -1 };
}
// A batch, in order; each answer goes back as soon as it is ready.
parentPort.on('message', (batch) => {
  for (const m of batch) parentPort.postMessage(unwrap(m));
});
`;

interface Request {
  id: number;
  wrapped: Uint8Array;
  keyIds: number[];
  add: [number, KeyObject][];
  drop: number[];
}

interface Reply {
  id: number;
  aesKey: Uint8Array | null;
  keyIndex: number;
}

interface Lane {
  worker: Worker;
  known: Map<KeyObject, number>;
  pending: Map<number, (reply: Reply) => void>;
  /** Requests of this event-loop turn, posted together when it ends (one message, one wake-up). */
  outbox: TurnBatch<Request>;
}

/** How many keys a lane keeps before it forgets the oldest (rotations add keys over time). */
const MAX_KEYS_PER_LANE = 16;

export class RsaUnwrapPool {
  private lanes: Lane[] | null = null;
  private seq = 0;
  private readonly keyIds = new WeakMap<KeyObject, number>();
  private nextKeyId = 0;

  /**
   * `size` threads; a thread's queue holds up to `spillAt` unwraps before the next thread is used (the
   * wait this can add is spillAt − 1 unwraps, ~1.5 ms at 0.3 ms each).
   */
  constructor(
    private readonly size = availableParallelism(),
    private readonly spillAt = 6,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`RsaUnwrapPool size must be ≥ 1, got ${size}`);
    if (!Number.isInteger(spillAt) || spillAt < 1)
      throw new RangeError(`RsaUnwrapPool spillAt must be ≥ 1, got ${spillAt}`);
  }

  /** Unwraps in flight per thread (asked but not answered yet), in the order threads are filled. */
  inFlight(): number[] {
    return (this.lanes ?? []).map((lane) => lane.pending.size);
  }

  /** The AES key and which private key unwrapped it, or null when none could. */
  async unwrap(wrapped: Uint8Array, keys: readonly KeyObject[]): Promise<{ aesKey: Buffer; keyIndex: number } | null> {
    const lane = this.lane();
    const id = ++this.seq;
    const add: [number, KeyObject][] = [];
    const keyIds = keys.map((key) => {
      let keyId = this.keyIds.get(key);
      if (keyId === undefined) {
        keyId = ++this.nextKeyId;
        this.keyIds.set(key, keyId);
      }
      if (!lane.known.has(key)) {
        lane.known.set(key, keyId);
        add.push([keyId, key]);
      }
      return keyId;
    });
    const drop: number[] = [];
    for (const [key, keyId] of lane.known) {
      if (lane.known.size - drop.length <= MAX_KEYS_PER_LANE) break;
      if (keys.includes(key)) continue;
      lane.known.delete(key);
      drop.push(keyId);
    }
    // A copy of exactly its bytes: a Buffer decoded from base64 is a view on an 8 KB pool slab, and
    // posting a view copies the whole slab.
    const request: Request = { id, wrapped: new Uint8Array(wrapped), keyIds, add, drop };
    const reply = await new Promise<Reply>((resolve) => {
      lane.pending.set(id, resolve);
      lane.outbox.add(request);
    });
    return reply.aesKey === null ? null : { aesKey: Buffer.from(reply.aesKey), keyIndex: reply.keyIndex };
  }

  async close(): Promise<void> {
    const lanes = this.lanes ?? [];
    this.lanes = null;
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }

  /**
   * The first lane with fewer than spillAt in flight; when every lane has that many, the one with the
   * fewest (the first of those).
   */
  private lane(): Lane {
    this.lanes ??= Array.from({ length: this.size }, () => this.startLane());
    let best: Lane | undefined;
    for (const lane of this.lanes) {
      if (lane.pending.size < this.spillAt) return lane;
      if (best === undefined || lane.pending.size < best.pending.size) best = lane;
    }
    if (best === undefined) throw new Error('RsaUnwrapPool has no threads');
    return best;
  }

  private startLane(): Lane {
    const worker = new Worker(THREAD_SOURCE, { eval: true });
    worker.unref();
    const outbox = new TurnBatch<Request>((batch) => {
      worker.postMessage(batch);
    });
    const lane: Lane = { worker, known: new Map(), pending: new Map(), outbox };
    worker.on('message', (reply: Reply) => {
      const resolve = lane.pending.get(reply.id);
      lane.pending.delete(reply.id);
      resolve?.(reply);
    });
    const fail = (): void => {
      // A lane that died answers "not unwrapped" (421: WhatsApp retries) and is replaced on next use.
      for (const resolve of lane.pending.values()) resolve({ id: 0, aesKey: null, keyIndex: -1 });
      lane.pending.clear();
      lane.outbox.clear();
      if (this.lanes !== null) this.lanes = this.lanes.map((l) => (l === lane ? this.startLane() : l));
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    return lane;
  }
}
