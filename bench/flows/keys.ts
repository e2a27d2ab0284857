// The business key pair for the flows bench, made the way Meta's Node example's key generator does:
// RSA-2048, the public key as SPKI PEM, the private key as PKCS#1 PEM encrypted with des-ede3-cbc under a
// passphrase. The ceiling's worker threads get the same key unencrypted (PKCS#8), parsed once each.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

export interface BenchKeys {
  publicKey: KeyObject;
  /** PKCS#1, des-ede3-cbc, as Meta's keyGenerator.js writes it. */
  privatePem: string;
  passphrase: string;
  /** The same key, unencrypted PKCS#8. */
  privatePkcs8: string;
}

export function generateBenchKeys(): BenchKeys {
  const passphrase = randomBytes(12).toString('base64url');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem', cipher: 'des-ede3-cbc', passphrase },
  });
  const privatePkcs8 = createPrivateKey({ key: privateKey, passphrase })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return { publicKey: createPublicKey(publicKey), privatePem: privateKey, passphrase, privatePkcs8 };
}
