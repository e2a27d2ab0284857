// Meta's health check of a flow endpoint before the flow is published (SPEC A.7 publishing checks,
// A.4 / [S13]): an encrypted ping, signed with the app secret, POSTed to endpoint_uri. It passes only
// when the answer is 200 and decrypts, with the request's AES key and the flipped IV, to exactly
// {"data":{"status":"active"}}. The emulator runs it on publish, so an endpoint that would fail
// Meta's check (clear-text answer, wrong key, wrong status) fails here too, with the reason.

import { decryptFlowResponse, encryptFlowRequest, signBody } from '../protocol/index.js';
import { isRecord } from './graph-common.js';
import { isTimeout, timedRead } from './timed-read.js';

/** Meta's endpoint timeout (SPEC A.7). */
export const HEALTH_CHECK_TIMEOUT_MS = 10_000;

export interface HealthCheckTarget {
  endpointUri: string;
  /** The payload version: the Flow JSON's data_api_version. */
  version: string;
  /** SPKI PEM of the business public key on the phone number. */
  publicKeyPem: string;
  appSecret: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}

/** Why the endpoint fails the health check, or null when it passes. */
export async function endpointHealthProblem(target: HealthCheckTarget): Promise<string | null> {
  const timeoutMs = target.timeoutMs ?? HEALTH_CHECK_TIMEOUT_MS;
  const request = encryptFlowRequest({ version: target.version, action: 'ping' }, target.publicKeyPem);
  const body = JSON.stringify(request.body);
  let answer: { status: number; text: string };
  try {
    answer = await timedRead(
      (signal) =>
        target.fetch(target.endpointUri, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, target.appSecret) },
          body,
          signal,
        }),
      timeoutMs,
    );
  } catch (error) {
    return isTimeout(error)
      ? `The endpoint did not answer the health check within ${timeoutMs} ms.`
      : 'The endpoint could not be reached for the health check.';
  }
  if (answer.status !== 200) return `The endpoint answered the health check with HTTP ${answer.status}.`;
  let decrypted: unknown;
  try {
    decrypted = decryptFlowResponse(answer.text, request.aesKey, request.iv);
  } catch {
    return "The endpoint's health check answer is not base64 AES-128-GCM under the request's key and the flipped IV.";
  }
  const data = isRecord(decrypted) ? decrypted.data : undefined;
  const exact = isRecord(decrypted) && Object.keys(decrypted).length === 1 && isRecord(data);
  if (!exact || data.status !== 'active' || Object.keys(data).length !== 1)
    return 'The endpoint\'s health check answer must be {"data":{"status":"active"}}.';
  return null;
}
