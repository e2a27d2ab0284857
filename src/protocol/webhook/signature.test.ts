// X-Hub-Signature-256 verification against pywa's real vector, malformed headers, secret rotation
// and the raw-bytes rule for \u-escaped bodies.

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signBody, verifyWebhookSignature } from './signature.js';

interface SignatureVector {
  app_secret: string;
  raw_request_body_utf8: string;
  x_hub_signature_256_header: string;
}

const vector = JSON.parse(
  readFileSync(
    new URL('../../../../shared/protocol/fixtures/crypto/pywa_webhook_signature_vector.json', import.meta.url),
    'utf8',
  ),
) as SignatureVector;

const SECRET = vector.app_secret;
const BODY = vector.raw_request_body_utf8;
const HEADER = vector.x_hub_signature_256_header;
const DIGEST = HEADER.slice('sha256='.length);

/** Independent reference implementation, so the tests do not just check signBody against itself. */
function referenceHeader(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('verifyWebhookSignature — real vector (pywa)', () => {
  it('accepts the captured body as a string', () => {
    expect(verifyWebhookSignature(BODY, HEADER, [SECRET])).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts the captured body as bytes', () => {
    expect(verifyWebhookSignature(Buffer.from(BODY, 'utf8'), HEADER, [SECRET])).toEqual({ ok: true, secretIndex: 0 });
    expect(verifyWebhookSignature(new TextEncoder().encode(BODY), HEADER, [SECRET])).toEqual({
      ok: true,
      secretIndex: 0,
    });
  });

  it('signBody reproduces the captured header', () => {
    expect(signBody(BODY, SECRET)).toBe(HEADER);
    expect(referenceHeader(BODY, SECRET)).toBe(HEADER);
  });

  it('rejects a wrong secret', () => {
    expect(verifyWebhookSignature(BODY, HEADER, ['0'.repeat(32)])).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a body changed by one byte', () => {
    expect(verifyWebhookSignature(BODY.replace('PyWa', 'Pywa'), HEADER, [SECRET])).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects a re-serialized body even when it is the same JSON value', () => {
    const reserialized = JSON.stringify(JSON.parse(BODY), null, 1);
    expect(verifyWebhookSignature(reserialized, HEADER, [SECRET])).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('verifyWebhookSignature — header shape', () => {
  it.each([null, undefined, ''])('%j is missing', (header) => {
    expect(verifyWebhookSignature(BODY, header, [SECRET])).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['short digest', `sha256=${DIGEST.slice(0, 63)}`],
    ['long digest', `sha256=${DIGEST}0`],
    ['upper-case digest', `sha256=${DIGEST.toUpperCase()}`],
    ['non-hex digest', `sha256=${DIGEST.slice(0, 63)}g`],
    ['empty digest', 'sha256='],
    ['sha1 prefix', `sha1=${DIGEST}`],
    ['upper-case prefix', `SHA256=${DIGEST}`],
    ['no prefix', DIGEST],
    ['leading space', ` ${HEADER}`],
    ['trailing newline', `${HEADER}\n`],
    ['two signatures', `${HEADER},${HEADER}`],
  ])('%s is malformed', (_name, header) => {
    expect(verifyWebhookSignature(BODY, header, [SECRET])).toEqual({ ok: false, reason: 'malformed' });
  });

  it('checks the shape before any secret (malformed even with no secrets)', () => {
    expect(verifyWebhookSignature(BODY, 'sha256=xyz', [])).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('verifyWebhookSignature — \\u-escaped non-ASCII (Graph API payload rule)', () => {
  const secret = 'rotation-test-secret';
  // The exact bytes Meta sends: non-ASCII escaped as \uXXXX with lower-case hex.
  const escapedBody = String.raw`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"text":{"body":"\u00e4\u00f6\u00e5"}}}]}]}`;
  const header = referenceHeader(escapedBody, secret);

  it('verifies on the raw escaped bytes', () => {
    expect(escapedBody).toContain('\\u00e4');
    expect(verifyWebhookSignature(escapedBody, header, [secret])).toEqual({ ok: true, secretIndex: 0 });
    expect(verifyWebhookSignature(Buffer.from(escapedBody), header, [secret])).toEqual({ ok: true, secretIndex: 0 });
  });

  it('fails when someone HMACs the decoded, re-serialized form', () => {
    const decoded = JSON.stringify(JSON.parse(escapedBody));
    expect(decoded).toContain('äöå');
    expect(referenceHeader(decoded, secret)).not.toBe(header);
    expect(verifyWebhookSignature(decoded, header, [secret])).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(Buffer.from(decoded, 'utf8'), header, [secret])).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});

describe('verifyWebhookSignature — secret rotation', () => {
  const current = 'current-app-secret';
  const previous = 'previous-app-secret';

  it('accepts the previous secret with secretIndex 1', () => {
    const header = signBody(BODY, previous);
    expect(verifyWebhookSignature(BODY, header, [current, previous])).toEqual({ ok: true, secretIndex: 1 });
  });

  it('prefers the first matching secret', () => {
    const header = signBody(BODY, current);
    expect(verifyWebhookSignature(BODY, header, [current, previous])).toEqual({ ok: true, secretIndex: 0 });
    expect(verifyWebhookSignature(BODY, header, [current, current])).toEqual({ ok: true, secretIndex: 0 });
  });

  it('rejects when no secret matches or none is configured', () => {
    const header = signBody(BODY, 'someone-else');
    expect(verifyWebhookSignature(BODY, header, [current, previous])).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(BODY, header, [])).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('never authenticates with an empty secret', () => {
    const header = referenceHeader(BODY, '');
    expect(verifyWebhookSignature(BODY, header, [''])).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(BODY, header, ['', current])).toEqual({ ok: false, reason: 'mismatch' });
  });
});
