// `flow_token_signature` (data_api_version 4.0, SPEC A.4): a JWT, HS256, signed with the Meta app
// secret, whose payload carries the flow token. Meta documents nothing beyond that, so only
// `flow_token` is required; `exp` and `nbf` are honoured when present. Hand-rolled on purpose:
// one algorithm, no key discovery, nothing for an attacker to choose.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeBase64Url, parseJsonObject } from './encoding.js';

/** Tolerated clock difference for `nbf` only: a Meta clock a little ahead must not fail every request. */
const NBF_LEEWAY_SECONDS = 60;

function base64UrlJson(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function hs256(secret: string, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

function decodeJsonPart(part: string): Record<string, unknown> | null {
  const bytes = decodeBase64Url(part);
  if (bytes === null) return null;
  const parsed = parseJsonObject(bytes);
  return parsed.ok ? parsed.value : null;
}

function claimsAcceptable(claims: Record<string, unknown>, flowToken: string, nowMs: number): boolean {
  if (claims.flow_token !== flowToken) return false;
  const nowSeconds = nowMs / 1000;
  const { exp, nbf } = claims;
  if (exp !== undefined && (typeof exp !== 'number' || exp <= nowSeconds)) return false;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSeconds + NBF_LEEWAY_SECONDS)) return false;
  return true;
}

/**
 * True when `jwt` is an HS256 JWT signed with one of `appSecrets` (current first, previous while
 * rotating), its `flow_token` claim equals `flowToken`, and it has not expired at `nowMs`.
 * Any other algorithm, including `none`, is refused. Every secret is tried, so timing does not
 * reveal which one matched.
 */
export function verifyFlowTokenSignature(
  jwt: string,
  flowToken: string,
  appSecrets: readonly string[],
  nowMs: number = Date.now(),
): boolean {
  const parts = jwt.split('.');
  if (parts.length !== 3) return false;
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJsonPart(headerPart);
  if (header?.alg !== 'HS256') return false;
  if (header.crit !== undefined) return false; // no extensions understood (RFC 7515 §4.1.11)
  const signature = decodeBase64Url(signaturePart);
  if (signature?.length !== 32) return false;

  const signingInput = `${headerPart}.${payloadPart}`;
  let matched = false;
  for (const secret of appSecrets) {
    // An HMAC keyed with "" is one anybody can compute.
    if (secret.length === 0) continue;
    if (timingSafeEqual(hs256(secret, signingInput), signature)) matched = true;
  }
  if (!matched) return false;

  const claims = decodeJsonPart(payloadPart);
  return claims !== null && claimsAcceptable(claims, flowToken, nowMs);
}

/**
 * Creates the JWT WhatsApp would attach (for the emulator's Flow client and tests): header
 * `{"alg":"HS256","typ":"JWT"}`, claims `flow_token`, `iat`, and `exp` when `ttlSeconds` is given.
 */
export function signFlowToken(
  flowToken: string,
  appSecret: string,
  nowMs: number = Date.now(),
  ttlSeconds?: number,
): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = { flow_token: flowToken, iat };
  if (ttlSeconds !== undefined) claims.exp = iat + ttlSeconds;
  const signingInput = `${base64UrlJson({ alg: 'HS256', typ: 'JWT' })}.${base64UrlJson(claims)}`;
  return `${signingInput}.${hs256(appSecret, signingInput).toString('base64url')}`;
}
