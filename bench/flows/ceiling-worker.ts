// Worker thread of the crypto ceiling: what one core can do per second of the work no flow endpoint can
// skip, with no HTTP. Per request: parse the envelope JSON, base64-decode it, RSA-OAEP-SHA-256 unwrap the
// AES key (2048-bit key parsed once), AES-128-GCM decrypt and JSON.parse the payload, build and
// JSON.stringify the answer, AES-128-GCM encrypt it under the flipped IV, base64. node:crypto only.
import { constants, createCipheriv, createDecipheriv, createPrivateKey, privateDecrypt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export interface CeilingWorkerData {
  privatePkcs8: string;
  bodies: readonly string[];
  durationMs: number;
}

export interface CeilingWorkerResult {
  ops: number;
  seconds: number;
  /** Sum of the answers' lengths, so nothing is optimized away (and a sanity figure). */
  bytesOut: number;
}

const TAG = 16;

function once(body: string, key: ReturnType<typeof createPrivateKey>): string {
  const envelope = JSON.parse(body) as {
    encrypted_flow_data: string;
    encrypted_aes_key: string;
    initial_vector: string;
  };
  const aesKey = privateDecrypt(
    { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(envelope.encrypted_aes_key, 'base64'),
  );
  const iv = Buffer.from(envelope.initial_vector, 'base64');
  const sealed = Buffer.from(envelope.encrypted_flow_data, 'base64');
  const decipher = createDecipheriv('aes-128-gcm', aesKey, iv);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
  const request = JSON.parse(plain.toString('utf8')) as { data: Record<string, unknown> };
  const answer = JSON.stringify({
    screen: 'CONFIRM',
    data: { summary: `${String(request.data['quantity'])} × order`, order_id: 'ORD-1' },
  });
  const flipped = Buffer.from(iv.map((b) => b ^ 0xff));
  const cipher = createCipheriv('aes-128-gcm', aesKey, flipped);
  return Buffer.concat([cipher.update(answer, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

const data = workerData as CeilingWorkerData;
const key = createPrivateKey(data.privatePkcs8);
parentPort?.once('message', () => {
  let ops = 0;
  let bytesOut = 0;
  const started = performance.now();
  const until = started + data.durationMs;
  while (performance.now() < until) {
    bytesOut += once(data.bodies[ops % data.bodies.length] ?? '', key).length;
    ops++;
  }
  const result: CeilingWorkerResult = { ops, seconds: (performance.now() - started) / 1000, bytesOut };
  parentPort?.postMessage(result);
});
parentPort?.postMessage('ready');
