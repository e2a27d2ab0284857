// Child process entry for the flows bench baseline: a flow endpoint written the way Meta's Node.js example
// (WhatsApp-Flows-Tools examples/endpoint/nodejs/basic) does it. Express with express.json keeping the raw
// body for the X-Hub-Signature-256 check (432 when it does not match), then the example's decryptRequest —
// createPrivateKey({ key, passphrase }) for every request, privateDecrypt with RSA_PKCS1_OAEP_PADDING and
// oaepHash sha256, aes-128-gcm with the tag split off the end — its getNextScreen (ping, error
// notifications, the screen answer) and its encryptResponse (flipped IV, ciphertext ‖ tag, base64).
// Like the example: one process, no flow token check (a TODO there). Unlike it: the two console.log
// lines per request are left out, which only makes the baseline faster.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  privateDecrypt,
  timingSafeEqual,
} from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express from 'express';
import { answerStatsRequests } from '../lib/child-stats.js';
import { confirmScreen } from './flow-json.js';

const APP_SECRET = process.env['BASELINE_APP_SECRET'] ?? '';
const PRIVATE_KEY = process.env['BASELINE_PRIVATE_KEY'] ?? '';
const PASSPHRASE = process.env['BASELINE_PASSPHRASE'] ?? '';
const PORT = Number(process.env['BASELINE_PORT'] ?? '3000');
if (APP_SECRET === '' || PRIVATE_KEY === '')
  throw new Error('BASELINE_APP_SECRET and BASELINE_PRIVATE_KEY are required');

interface EncryptedBody {
  encrypted_aes_key: string;
  encrypted_flow_data: string;
  initial_vector: string;
}

interface DecryptedBody {
  action?: string;
  screen?: string;
  data?: Record<string, unknown>;
  flow_token?: string;
}

type RawRequest = IncomingMessage & { rawBody?: string };

function decryptRequest(body: EncryptedBody, privatePem: string, passphrase: string) {
  const decryptedAesKey = privateDecrypt(
    {
      key: createPrivateKey({ key: privatePem, passphrase }),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
    },
    Buffer.from(body.encrypted_aes_key, 'base64'),
  );
  const flowDataBuffer = Buffer.from(body.encrypted_flow_data, 'base64');
  const initialVectorBuffer = Buffer.from(body.initial_vector, 'base64');
  const TAG_LENGTH = 16;
  const decipher = createDecipheriv('aes-128-gcm', decryptedAesKey, initialVectorBuffer);
  decipher.setAuthTag(flowDataBuffer.subarray(-TAG_LENGTH));
  const decryptedJSONString = Buffer.concat([
    decipher.update(flowDataBuffer.subarray(0, -TAG_LENGTH)),
    decipher.final(),
  ]).toString('utf-8');
  return {
    decryptedBody: JSON.parse(decryptedJSONString) as DecryptedBody,
    aesKeyBuffer: decryptedAesKey,
    initialVectorBuffer,
  };
}

function encryptResponse(response: unknown, aesKeyBuffer: Buffer, initialVectorBuffer: Buffer): string {
  const flippedIv: number[] = [];
  for (const [, byte] of initialVectorBuffer.entries()) flippedIv.push(~byte);
  const cipher = createCipheriv('aes-128-gcm', aesKeyBuffer, Buffer.from(flippedIv));
  return Buffer.concat([
    cipher.update(JSON.stringify(response), 'utf-8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]).toString('base64');
}

let orders = 0;

function getNextScreen(decryptedBody: DecryptedBody): unknown {
  const { action, data } = decryptedBody;
  if (action === 'ping') return { data: { status: 'active' } };
  if (data?.['error'] !== undefined) return { data: { acknowledged: true } };
  if (action === 'data_exchange' && decryptedBody.screen === 'DETAILS') return confirmScreen(data ?? {}, ++orders);
  throw new Error('Unhandled endpoint request. Make sure you handle the request action & screen logged above.');
}

function isRequestSignatureValid(req: express.Request): boolean {
  const signatureHeader = req.get('x-hub-signature-256') ?? '';
  const signatureBuffer = Buffer.from(signatureHeader.replace('sha256=', ''), 'utf-8');
  const digestString = createHmac('sha256', APP_SECRET)
    .update((req as unknown as RawRequest).rawBody ?? '')
    .digest('hex');
  const digestBuffer = Buffer.from(digestString, 'utf-8');
  // The example calls timingSafeEqual directly (it throws on a length mismatch); checked first here.
  return digestBuffer.length === signatureBuffer.length && timingSafeEqual(digestBuffer, signatureBuffer);
}

const app = express();
app.use(
  express.json({
    verify: (req, _res, buf, encoding) => {
      (req as RawRequest).rawBody = buf.toString((encoding || 'utf8') as BufferEncoding);
    },
  }),
);

app.post('/', (req, res) => {
  if (!isRequestSignatureValid(req)) {
    res.status(432).send();
    return;
  }
  const { decryptedBody, aesKeyBuffer, initialVectorBuffer } = decryptRequest(
    req.body as EncryptedBody,
    PRIVATE_KEY,
    PASSPHRASE,
  );
  res.send(encryptResponse(getNextScreen(decryptedBody), aesKeyBuffer, initialVectorBuffer));
});

app.get('/', (_req, res) => {
  res.send('<pre>Nothing to see here.\nCheckout README.md to start.</pre>');
});

answerStatsRequests();
const server = app.listen(PORT, '127.0.0.1');
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
