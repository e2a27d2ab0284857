// Business public key for Flows (SPEC D.5): POST /{phone-number-id}/whatsapp_business_encryption
// (urlencoded or multipart `business_public_key`, an RSA public key PEM of 2048+ bits, else code
// 100) and GET in the reference's {"data":[…]} shape. The signature status is VALID unless the
// MISMATCH knob is set.

import { createPublicKey } from 'node:crypto';
import type { Hono } from 'hono';
import { graphError, missingParameter, readParams, unknownObject, VERSION } from './graph-common.js';
import type { EmulatorContext } from './state.js';

const PATH = `${VERSION}/:phoneNumberId/whatsapp_business_encryption`;

/** Why the PEM is not an acceptable key, or null when it is. */
export function publicKeyProblem(pem: string): string | null {
  if (!pem.includes('-----BEGIN')) return 'business_public_key must be a PEM-encoded RSA public key.';
  try {
    const key = createPublicKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa')
      return `business_public_key must be an RSA key, got ${String(key.asymmetricKeyType)}.`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) return `business_public_key must be at least 2048 bits, got ${bits}.`;
    return null;
  } catch {
    return 'business_public_key could not be parsed as an RSA public key.';
  }
}

export function mountEncryption(app: Hono, ctx: EmulatorContext): void {
  app.post(PATH, async (c) => {
    const phoneNumberId = c.req.param('phoneNumberId');
    if (phoneNumberId !== ctx.config.phoneNumberId) return unknownObject(ctx, 'POST', phoneNumberId);
    const params = await readParams(c);
    const raw = typeof params === 'string' ? undefined : params.business_public_key;
    const pem = raw instanceof File ? await raw.text() : raw;
    if (pem === undefined || pem === null || pem === '') return missingParameter(ctx, 'business_public_key');
    const problem = typeof pem === 'string' ? publicKeyProblem(pem) : 'business_public_key must be a string.';
    if (typeof pem !== 'string' || problem !== null) {
      return graphError(ctx, 400, {
        code: 100,
        message: '(#100) Invalid parameter',
        details: `Invalid 2048-bit RSA public key: ${problem}`,
        userTitle: 'Invalid public key',
        userMessage: 'The business public key must be a valid 2048-bit RSA public key in PEM format.',
      });
    }
    ctx.state.businessKey = pem;
    return c.json({ success: true });
  });

  app.get(PATH, (c) => {
    const phoneNumberId = c.req.param('phoneNumberId');
    if (phoneNumberId !== ctx.config.phoneNumberId) return unknownObject(ctx, 'GET', phoneNumberId);
    const key = ctx.state.businessKey;
    if (key === null) return c.json({ data: [] });
    return c.json({
      data: [{ business_public_key: key, business_public_key_signature_status: ctx.state.keyStatus }],
    });
  });
}
