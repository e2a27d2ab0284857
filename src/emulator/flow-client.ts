// The emulator's Flow client: opens a flow the way WhatsApp does (SPEC A). It takes the business
// public key from the emulated encryption endpoint, encrypts every request with a fresh AES-128
// key and IV, signs the exact body with the app secret (X-Hub-Signature-256), re-fetches the key
// and retries once on 421, surfaces 427/432 as typed errors, decrypts and checks 200 answers
// against the Flow JSON (reporting bad ones back as error notifications), sends the nfm_reply
// completion webhook and serves PhotoPicker/DocumentPicker files from the emulated CDN.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { decryptFlowResponse, encryptFlowRequest, signBody, signFlowToken, type FlowJson } from '../protocol/index.js';
import { checkFlowAnswer, parseFlowJson, type FlowAction } from './flow-answer-check.js';
import type { FlowCdn } from './flow-cdn.js';
import { FlowClientError } from './flow-client-errors.js';
import type {
  FlowClientOptions,
  FlowErrorReport,
  FlowResponse,
  FlowSession,
  WirePickerItem,
  WireResponseMedia,
} from './flow-client-types.js';
import type { KeyStatus, SimulatedCustomer } from './types.js';

/** What the client needs from the emulator around it. */
export interface FlowClientDeps {
  appSecret: string;
  defaultPhoneNumberId: string;
  /** The business key as GET /{phone-number-id}/whatsapp_business_encryption reports it. */
  businessKey(phoneNumberId: string): { pem: string; status: KeyStatus } | null;
  customer(waId: string): SimulatedCustomer;
  /** wamid of the latest Flow message the business sent to `waId`, or null. */
  lastFlowMessageTo(waId: string): string | null;
  cdn: FlowCdn;
  /** Stores bytes as Graph media (as media a customer sent), returning the wire media object. */
  storeMedia(bytes: Uint8Array, fileName: string, mimeType: string): WireResponseMedia;
  /** The injected clock (flow_token_signature iat). */
  now: () => number;
  /** Origin for CDN URLs. */
  baseUrl(): string;
  random: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_DELAY_MS = 500;
/** WhatsApp re-sends once after a 421 (SPEC A.6). */
const MAX_ATTEMPTS = 2;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positive(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new TypeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  return value;
}

export class FlowClientSession implements FlowSession {
  readonly flowToken: string;
  #currentScreen: string | null = null;
  #lastAction: 'INIT' | 'data_exchange' = 'INIT';
  #publicKey: KeyObject | null = null;
  readonly #deps: FlowClientDeps;
  readonly #endpointUrl: string;
  readonly #phoneNumberId: string;
  readonly #waId: string;
  readonly #flow: FlowJson | null;
  readonly #version: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #retryDelayMs: number;
  readonly #mediaTtlMs: number | undefined;
  readonly #contextMessageId: string | undefined;

  constructor(deps: FlowClientDeps, options: FlowClientOptions) {
    const url = URL.canParse(options.endpointUrl) ? new URL(options.endpointUrl) : null;
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new TypeError('endpointUrl must be an http(s) URL');
    if (options.flowToken === '') throw new TypeError('flowToken must not be empty');
    this.#deps = deps;
    this.#endpointUrl = url.href;
    this.#phoneNumberId = options.phoneNumberId ?? deps.defaultPhoneNumberId;
    this.#waId = options.waId;
    this.flowToken = options.flowToken;
    this.#flow = options.flowJson === undefined ? null : parseFlowJson(options.flowJson);
    this.#version = options.version ?? '3.0';
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.#retryDelayMs = positive(options.retryDelayMs, DEFAULT_RETRY_DELAY_MS, 'retryDelayMs', true);
    this.#mediaTtlMs = options.mediaTtlMs;
    this.#contextMessageId = options.contextMessageId;
    deps.customer(options.waId); // validates the wa_id now rather than at complete()
  }

  get currentScreen(): string | null {
    return this.#currentScreen;
  }

  async ping(): Promise<string> {
    const answer = await this.#exchange({ version: this.#version, action: 'ping' });
    const status = isRecord(answer) && isRecord(answer.data) ? answer.data.status : undefined;
    if (typeof status !== 'string')
      throw new FlowClientError('payload-schema-error', 'A ping answer must be {"data":{"status":"active"}}.', {
        status: 200,
      });
    return status;
  }

  init(data: Record<string, unknown> = {}): Promise<FlowResponse> {
    return this.#navigate('INIT', '', data);
  }

  dataExchange(screen: string, data: Record<string, unknown>): Promise<FlowResponse> {
    return this.#navigate('data_exchange', screen, data);
  }

  back(screen: string): Promise<FlowResponse> {
    return this.#navigate('BACK', screen, {});
  }

  async errorNotification(
    screen: string,
    error: FlowErrorReport,
    action: 'data_exchange' | 'INIT' = this.#lastAction,
  ): Promise<void> {
    const answer = await this.#exchange({
      version: this.#version,
      action,
      screen,
      data: { error: error.error, error_message: error.error_message },
      ...this.#token(),
    });
    const acknowledged = isRecord(answer) && isRecord(answer.data) ? answer.data.acknowledged : undefined;
    if (acknowledged !== true)
      throw new FlowClientError(
        'payload-schema-error',
        'An error notification must be answered {"data":{"acknowledged":true}}.',
        { status: 200 },
      );
  }

  complete(responseJson: Record<string, unknown>): Promise<string> {
    const { flow_token: given, ...rest } = responseJson;
    if (given !== undefined && given !== this.flowToken)
      return Promise.reject(new TypeError('response_json.flow_token is not the flow token of this session'));
    const contextId = this.#contextMessageId ?? this.#deps.lastFlowMessageTo(this.#waId);
    if (contextId === null)
      return Promise.reject(
        new TypeError('complete() needs contextMessageId: the business has sent no Flow message to this customer'),
      );
    return this.#deps.customer(this.#waId).sendFlowReply({ flow_token: this.flowToken, ...rest }, contextId);
  }

  /** The CDN file is ciphertext, so the MIME type only matters to the picker UI, which this is not. */
  uploadMedia(bytes: Uint8Array, fileName: string, _mimeType?: string): WirePickerItem {
    return this.#deps.cdn.publish(bytes, fileName, this.#deps.baseUrl(), this.#mediaTtlMs);
  }

  responseMedia(bytes: Uint8Array, fileName: string, mimeType: string): WireResponseMedia {
    if (fileName === '') throw new TypeError('fileName must not be empty');
    return this.#deps.storeMedia(bytes, fileName, mimeType);
  }

  /** The token fields of a payload: flow_token, and flow_token_signature from data API 4.0 on. */
  #token(): Record<string, string> {
    if (this.#version !== '4.0') return { flow_token: this.flowToken };
    const signature = signFlowToken(this.flowToken, this.#deps.appSecret, this.#deps.now());
    return { flow_token: this.flowToken, flow_token_signature: signature };
  }

  async #navigate(action: FlowAction, screen: string, data: Record<string, unknown>): Promise<FlowResponse> {
    const payload = { version: this.#version, action, screen, data, ...this.#token() };
    const answer = await this.#exchange(payload);
    let checked: FlowResponse;
    try {
      checked = checkFlowAnswer({ flow: this.#flow, action, from: screen, flowToken: this.flowToken }, answer);
    } catch (error) {
      if (error instanceof FlowClientError)
        await this.#report(screen === '' ? (this.#currentScreen ?? '') : screen, error, action);
      throw error;
    }
    this.#lastAction = action === 'INIT' ? 'INIT' : 'data_exchange';
    this.#currentScreen = checked.kind === 'success' ? null : checked.screen;
    return checked;
  }

  /** WhatsApp tells the endpoint about an answer it could not use; a failing report changes nothing. */
  async #report(screen: string, error: FlowClientError, action: FlowAction): Promise<void> {
    try {
      await this.errorNotification(
        screen,
        { error: error.code, error_message: error.message },
        action === 'INIT' ? 'INIT' : 'data_exchange',
      );
    } catch {
      // The original error is what the caller needs to see.
    }
  }

  #key(refresh: boolean): KeyObject {
    if (this.#publicKey !== null && !refresh) return this.#publicKey;
    const key = this.#deps.businessKey(this.#phoneNumberId);
    if (key === null)
      throw new FlowClientError('public-key-missing', 'No business public key is uploaded for this phone number.');
    if (key.status !== 'VALID')
      throw new FlowClientError(
        'public-key-signature-verification',
        `The business public key's signature status is ${key.status}.`,
      );
    this.#publicKey = createPublicKey(key.pem);
    return this.#publicKey;
  }

  /** Encrypts, signs and POSTs one payload; returns the decrypted 200 answer. */
  async #exchange(payload: Record<string, unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      const request = encryptFlowRequest(payload, this.#key(attempt > 1));
      const body = JSON.stringify(request.body);
      const response = await this.#post(body);
      switch (response.status) {
        case 200:
          return this.#decrypt(await response.text(), request.aesKey, request.iv);
        case 421:
          await response.body?.cancel();
          if (attempt >= MAX_ATTEMPTS)
            throw new FlowClientError(
              'business-decryption-error',
              'The endpoint answered 421 even after the public key was re-fetched.',
              { status: 421 },
            );
          await this.#pause(attempt);
          continue;
        case 427:
          throw await this.#invalidToken(response, request.aesKey, request.iv);
        case 432:
          await response.body?.cancel();
          throw new FlowClientError('signature-verification-failed', 'The endpoint rejected the request signature.', {
            status: 432,
          });
        default:
          await response.body?.cancel();
          throw new FlowClientError('unexpected_http_status_code', `The endpoint answered HTTP ${response.status}.`, {
            status: response.status,
          });
      }
    }
  }

  async #post(body: string): Promise<Response> {
    try {
      return await this.#fetch(this.#endpointUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signBody(body, this.#deps.appSecret),
        },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw timedOut
        ? new FlowClientError('timeout_error', `The endpoint did not answer within ${this.#timeoutMs} ms.`, {
            cause: error,
          })
        : new FlowClientError('no_http_response_error', 'The endpoint could not be reached.', { cause: error });
    }
  }

  #decrypt(text: string, aesKey: Buffer, iv: Buffer): unknown {
    try {
      return decryptFlowResponse(text, aesKey, iv);
    } catch (error) {
      throw new FlowClientError('response-decryption-error', 'The endpoint answer could not be decrypted.', {
        status: 200,
        cause: error,
      });
    }
  }

  /** 427: an empty body, or the encrypted {"error_msg": …} Meta's own server sends. */
  async #invalidToken(response: Response, aesKey: Buffer, iv: Buffer): Promise<FlowClientError> {
    const text = (await response.text()).trim();
    let errorMessage: string | null = null;
    if (text !== '') {
      try {
        const body = decryptFlowResponse(text, aesKey, iv);
        if (isRecord(body) && typeof body.error_msg === 'string') errorMessage = body.error_msg;
      } catch {
        errorMessage = null;
      }
    }
    return new FlowClientError('invalid-flow-token', 'The endpoint says the flow token is no longer valid.', {
      status: 427,
      errorMessage,
    });
  }

  #pause(attempt: number): Promise<void> {
    const ms = this.#retryDelayMs * attempt * (1 + 0.2 * this.#deps.random());
    return ms === 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
  }
}
