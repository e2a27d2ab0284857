// The work no flow endpoint can skip, for one request: parse the envelope JSON, base64-decode it,
// RSA-OAEP-SHA-256 unwrap the AES key (a 2048-bit key parsed once), AES-128-GCM decrypt and JSON.parse the
// payload, build and JSON.stringify the answer, AES-128-GCM encrypt it under the flipped IV, base64.
// node:crypto only. The crypto ceiling runs it in a loop; bare-http-server.ts behind node:http.
import { constants, createCipheriv, createDecipheriv, privateDecrypt, type KeyObject } from 'node:crypto';

const TAG = 16;

export function ceilingWork(body: string, key: KeyObject): string {
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
