// flow_token_signature (data_api_version 4.0, SPEC A.4): HS256 JWTs signed with the app secret.
// Tokens are also built here by hand, so the verifier is not only checked against its own signer.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signFlowToken, verifyFlowTokenSignature } from './flow-token.js';

const SECRET = '1222e786b144d0e85b9f365372d93676';
const OLD_SECRET = 'previous-app-secret';
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Independent JWT construction: any header, any claims. */
function jwt(header: unknown, claims: unknown, secret = SECRET): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('verifyFlowTokenSignature', () => {
  it('accepts a token from signFlowToken and one built by hand', () => {
    expect(verifyFlowTokenSignature(signFlowToken('tok-1', SECRET, NOW), 'tok-1', [SECRET], NOW)).toBe(true);
    expect(verifyFlowTokenSignature(jwt({ alg: 'HS256' }, { flow_token: 'tok-1' }), 'tok-1', [SECRET], NOW)).toBe(true);
  });

  it('tries every secret (rotation)', () => {
    const token = signFlowToken('tok-1', OLD_SECRET, NOW);
    expect(verifyFlowTokenSignature(token, 'tok-1', [SECRET, OLD_SECRET], NOW)).toBe(true);
    expect(verifyFlowTokenSignature(token, 'tok-1', [SECRET], NOW)).toBe(false);
  });

  it('refuses a wrong secret, an empty secret list and empty secrets', () => {
    expect(verifyFlowTokenSignature(signFlowToken('tok-1', 'other', NOW), 'tok-1', [SECRET], NOW)).toBe(false);
    expect(verifyFlowTokenSignature(signFlowToken('tok-1', SECRET, NOW), 'tok-1', [], NOW)).toBe(false);
    expect(verifyFlowTokenSignature(jwt({ alg: 'HS256' }, { flow_token: 'tok-1' }, ''), 'tok-1', [''], NOW)).toBe(
      false,
    );
  });

  it('refuses an altered payload or header', () => {
    const [header = '', , signature = ''] = signFlowToken('tok-1', SECRET, NOW).split('.');
    const forged = `${header}.${b64url({ flow_token: 'tok-2', iat: NOW / 1000 })}.${signature}`;
    expect(verifyFlowTokenSignature(forged, 'tok-2', [SECRET], NOW)).toBe(false);
    const [, payload = ''] = signFlowToken('tok-1', SECRET, NOW).split('.');
    expect(
      verifyFlowTokenSignature(
        `${b64url({ alg: 'HS256', typ: 'JWS' })}.${payload}.${signature}`,
        'tok-1',
        [SECRET],
        NOW,
      ),
    ).toBe(false);
  });

  it('refuses alg none, other algorithms and a critical header', () => {
    const claims = { flow_token: 'tok-1' };
    expect(verifyFlowTokenSignature(`${b64url({ alg: 'none' })}.${b64url(claims)}.`, 'tok-1', [SECRET], NOW)).toBe(
      false,
    );
    expect(verifyFlowTokenSignature(jwt({ alg: 'none' }, claims), 'tok-1', [SECRET], NOW)).toBe(false);
    expect(verifyFlowTokenSignature(jwt({ alg: 'HS512' }, claims), 'tok-1', [SECRET], NOW)).toBe(false);
    expect(verifyFlowTokenSignature(jwt({ alg: 'hs256' }, claims), 'tok-1', [SECRET], NOW)).toBe(false);
    expect(verifyFlowTokenSignature(jwt({ alg: 'RS256' }, claims), 'tok-1', [SECRET], NOW)).toBe(false);
    expect(verifyFlowTokenSignature(jwt({ alg: 'HS256', crit: ['exp'] }, claims), 'tok-1', [SECRET], NOW)).toBe(false);
  });

  it('refuses a mismatched or missing flow_token claim', () => {
    expect(verifyFlowTokenSignature(signFlowToken('tok-1', SECRET, NOW), 'tok-2', [SECRET], NOW)).toBe(false);
    expect(verifyFlowTokenSignature(jwt({ alg: 'HS256' }, { sub: 'tok-1' }), 'tok-1', [SECRET], NOW)).toBe(false);
    expect(verifyFlowTokenSignature(jwt({ alg: 'HS256' }, { flow_token: 1 }), '1', [SECRET], NOW)).toBe(false);
  });

  it('honours exp and nbf', () => {
    const token = signFlowToken('tok-1', SECRET, NOW, 60);
    expect(verifyFlowTokenSignature(token, 'tok-1', [SECRET], NOW + 59_000)).toBe(true);
    expect(verifyFlowTokenSignature(token, 'tok-1', [SECRET], NOW + 60_000)).toBe(false);
    expect(
      verifyFlowTokenSignature(jwt({ alg: 'HS256' }, { flow_token: 't', exp: '9999999999' }), 't', [SECRET], NOW),
    ).toBe(false);
    const nowSeconds = NOW / 1000;
    expect(
      verifyFlowTokenSignature(jwt({ alg: 'HS256' }, { flow_token: 't', nbf: nowSeconds + 30 }), 't', [SECRET], NOW),
    ).toBe(true);
    expect(
      verifyFlowTokenSignature(jwt({ alg: 'HS256' }, { flow_token: 't', nbf: nowSeconds + 3600 }), 't', [SECRET], NOW),
    ).toBe(false);
  });

  it('refuses malformed tokens without throwing', () => {
    const valid = signFlowToken('tok-1', SECRET, NOW);
    for (const token of [
      '',
      'a.b',
      'a.b.c.d',
      `${valid}.`,
      valid.replace('.', '.!'),
      `${b64url('[1]')}.${b64url({})}.x`,
      'e30.e30.AAAA',
    ]) {
      expect(verifyFlowTokenSignature(token, 'tok-1', [SECRET], NOW)).toBe(false);
    }
    expect(verifyFlowTokenSignature(jwt({ alg: 'HS256' }, 'not an object'), 'tok-1', [SECRET], NOW)).toBe(false);
  });
});

describe('signFlowToken', () => {
  it('writes a standard HS256 JWT with flow_token and iat', () => {
    const [header = '', payload = ''] = signFlowToken('tok-1', SECRET, NOW).split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ flow_token: 'tok-1', iat: NOW / 1000 });
    expect(signFlowToken('tok-1', SECRET, NOW)).toBe(
      jwt({ alg: 'HS256', typ: 'JWT' }, { flow_token: 'tok-1', iat: NOW / 1000 }),
    );
  });
});
