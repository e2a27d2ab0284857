// The emulator's Flow client: opens a flow the way WhatsApp does (SPEC A). It fetches the business
// public key from the emulated Graph API (GET /{phone-number-id}/whatsapp_business_encryption),
// encrypts every request with a fresh AES-128 key and IV, signs the exact body with the app secret
// (X-Hub-Signature-256), re-fetches the key and retries once on 421, surfaces 427/432 as typed
// errors, decrypts and checks 200 answers against the Flow JSON (reporting bad ones back as error
// notifications), keeps the screens shown so far so submit() can press a screen's Footer and back()
// can go back locally, sends the nfm_reply completion webhook and serves picker files from the
// emulated CDN.

import type { KeyObject } from 'node:crypto';
import {
  compareVersions,
  decryptFlowResponse,
  encryptFlowRequest,
  screenById,
  signBody,
  signFlowToken,
  type FlowJson,
} from '../protocol/index.js';
import {
  checkFlowAnswer,
  checkNavigate,
  checkUpdateData,
  parseFlowJson,
  type FlowAction,
} from './flow-answer-check.js';
import { fetchBusinessKey, type GraphGet } from './flow-business-key.js';
import type { FlowCdn } from './flow-cdn.js';
import { FlowClientError } from './flow-client-errors.js';
import type {
  CheckedAnswer,
  FlowClientOptions,
  FlowErrorReport,
  FlowResponse,
  FlowSession,
  FlowSubmitOptions,
  FlowSubmitResult,
  WirePickerItem,
  WireResponseMedia,
} from './flow-client-types.js';
import { planAction } from './flow-submit.js';
import type { SimulatedCustomer } from './types.js';
import { isRecord } from './graph-common.js';
import { isTimeout, timedRead } from './timed-read.js';

/** What the client needs from the emulator around it. */
export interface FlowClientDeps {
  appSecret: string;
  defaultPhoneNumberId: string;
  /** GETs a Graph path with the access token: the business key comes from the encryption endpoint. */
  graphGet: GraphGet;
  customer(waId: string): SimulatedCustomer;
  /** wamid of the Flow message carrying `flowToken` to `waId`, else of the latest Flow message to them, or null. */
  flowMessageTo(waId: string, flowToken: string): string | null;
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

function positive(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new TypeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  return value;
}

/** A screen the client shows, with the data it was rendered with. */
interface Shown {
  id: string;
  data: Record<string, unknown>;
}

interface Upload {
  bytes: Uint8Array;
  fileName: string;
  mimeType: string;
}

function shownScreen(shown: Shown): FlowResponse {
  return {
    kind: 'screen',
    screen: shown.id,
    data: shown.data,
    errorMessage: null,
    body: { screen: shown.id, data: shown.data },
  };
}

export class FlowClientSession implements FlowSession {
  readonly flowToken: string;
  /** The screens shown, the current one last (what the back button walks). */
  #stack: Shown[] = [];
  /** The flow closed (SUCCESS or completion); init() opens it again. */
  #closed = false;
  /** Last form values and data per screen, for `${screen.ID.form|data.x}`. */
  readonly #forms = new Map<string, Record<string, unknown>>();
  readonly #rendered = new Map<string, Record<string, unknown>>();
  /** Files given to uploadMedia, by media_id: a complete payload sends them as Cloud API media. */
  readonly #uploads = new Map<string, Upload>();
  #lastAction: 'INIT' | 'data_exchange' = 'INIT';
  /** What the user entered on the screen shown, kept across local actions (update_data, open_url). */
  #kept: { screen: string; values: Record<string, unknown> } | null = null;
  #publicKey: Promise<KeyObject> | null = null;
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
  readonly #completionWebhook: boolean;

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
    this.#version = options.version ?? this.#flow?.data_api_version ?? '3.0';
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.#retryDelayMs = positive(options.retryDelayMs, DEFAULT_RETRY_DELAY_MS, 'retryDelayMs', true);
    this.#mediaTtlMs = options.mediaTtlMs;
    this.#contextMessageId = options.contextMessageId;
    this.#completionWebhook = options.completionWebhook ?? true;
    deps.customer(options.waId); // validates the wa_id now rather than at complete()
  }

  get currentScreen(): string | null {
    return this.#stack.at(-1)?.id ?? null;
  }

  async ping(): Promise<string> {
    const answer = await this.#exchange({ version: this.#version, action: 'ping' });
    const status = isRecord(answer) && isRecord(answer.data) ? answer.data.status : undefined;
    // WhatsApp's health check accepts exactly {"data":{"status":"active"}} (SPEC A.4).
    if (status !== 'active')
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

  async submit(
    screen: string,
    values: Record<string, unknown> = {},
    options: FlowSubmitOptions = {},
  ): Promise<FlowSubmitResult> {
    const flow = this.#flow;
    if (flow === null) throw new TypeError('submit() needs the Flow JSON (flowJson) to know what the screen does');
    if (this.#closed) throw new TypeError('The flow is closed.');
    const current = this.#stack.at(-1);
    if (current !== undefined && current.id !== screen)
      throw new TypeError(`The client shows screen "${current.id}", not "${screen}".`);
    const data = current?.data ?? {};
    const plan = planAction({
      flow,
      screen,
      values,
      data,
      screens: (id) => ({ form: this.#forms.get(id) ?? {}, data: this.#rendered.get(id) ?? {} }),
      ...(options.component === undefined ? {} : { component: options.component }),
      ...(options.item === undefined ? {} : { item: options.item }),
      ...(this.#kept?.screen === screen ? { kept: this.#kept.values } : {}),
    });
    this.#forms.set(screen, plan.form);
    const local = plan.name === 'update_data' || plan.name === 'open_url' || plan.name === 'select';
    this.#kept = local ? { screen, values: plan.entered } : null;
    if (current === undefined) this.#show({ id: screen, data });
    switch (plan.name) {
      case 'data_exchange':
        return this.#navigate('data_exchange', screen, plan.payload);
      case 'navigate': {
        const next = plan.next ?? '';
        checkNavigate(flow, screen, next, plan.payload);
        const shown = { id: next, data: plan.payload };
        this.#show(shown);
        return shownScreen(shown);
      }
      case 'complete': {
        const responseJson = this.#asResponseMedia(plan.payload);
        const wamid = await this.complete(responseJson);
        this.#close();
        return { kind: 'completed', wamid, responseJson: { flow_token: this.flowToken, ...responseJson } };
      }
      case 'update_data': {
        checkUpdateData(flow, screen, plan.payload);
        const shown = { id: screen, data: { ...data, ...plan.payload } };
        this.#stack[this.#stack.length - 1] = shown;
        this.#rendered.set(screen, shown.data);
        return { kind: 'updated', screen, data: shown.data };
      }
      case 'open_url':
        return { kind: 'url', url: plan.url ?? '' };
      case 'select':
        return { kind: 'selected', screen, form: plan.form };
    }
  }

  async back(screen?: string): Promise<FlowResponse> {
    const flow = this.#flow;
    const leaving = screen ?? this.currentScreen;
    if (flow === null) return this.#navigate('BACK', leaving ?? '', {});
    if (leaving === null) throw new TypeError('No screen is shown.');
    if (screenById(flow, leaving)?.refresh_on_back === true) return this.#navigate('BACK', leaving, {});
    const at = this.#stack.findLastIndex((shown) => shown.id === leaving);
    if (at < 0) throw new TypeError(`The client does not show screen "${leaving}".`);
    const previous = this.#stack[at - 1];
    if (previous === undefined) throw new TypeError(`"${leaving}" is the first screen: back closes the flow.`);
    this.#stack = this.#stack.slice(0, at);
    this.#kept = null;
    return shownScreen(previous);
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
    const contextId = this.#contextMessageId ?? this.#deps.flowMessageTo(this.#waId, this.flowToken);
    if (contextId === null)
      return Promise.reject(
        new TypeError('complete() needs contextMessageId: the business has sent no Flow message to this customer'),
      );
    return this.#reply({ flow_token: this.flowToken, ...rest }, contextId);
  }

  #reply(responseJson: Record<string, unknown>, contextId: string): Promise<string> {
    return this.#deps.customer(this.#waId).sendFlowReply(responseJson, contextId);
  }

  /**
   * The CDN file is ciphertext, so the MIME type only matters to the picker UI and to the Cloud API
   * media a complete payload turns the file into.
   */
  uploadMedia(bytes: Uint8Array, fileName: string, mimeType = 'application/octet-stream'): WirePickerItem {
    const item = this.#deps.cdn.publish(bytes, fileName, this.#deps.baseUrl(), this.#mediaTtlMs);
    this.#uploads.set(item.media_id, { bytes, fileName, mimeType });
    return item;
  }

  responseMedia(bytes: Uint8Array, fileName: string, mimeType: string): WireResponseMedia {
    if (fileName === '') throw new TypeError('fileName must not be empty');
    return this.#deps.storeMedia(bytes, fileName, mimeType);
  }

  /**
   * The token fields of a payload: flow_token, and flow_token_signature with data API 4.0 on Flow JSON 7.3 or
   * later (SPEC A.4; without a Flow JSON, data API 4.0 alone decides).
   */
  #token(): Record<string, string> {
    const signs = this.#version === '4.0' && (this.#flow === null || compareVersions(this.#flow.version, '7.3') >= 0);
    if (!signs) return { flow_token: this.flowToken };
    const signature = signFlowToken(this.flowToken, this.#deps.appSecret, this.#deps.now());
    return { flow_token: this.flowToken, flow_token_signature: signature };
  }

  async #navigate(action: FlowAction, screen: string, data: Record<string, unknown>): Promise<FlowResponse> {
    const payload = { version: this.#version, action, screen, data, ...this.#token() };
    let checked: CheckedAnswer;
    try {
      const answer = await this.#exchange(payload);
      checked = checkFlowAnswer({ flow: this.#flow, action, from: screen, flowToken: this.flowToken }, answer);
    } catch (error) {
      // An answer the client could not use (it came, but does not decrypt or fails the checks) is reported
      // back as an error notification; a request that got no usable answer (timeout, 421 twice, another
      // status) is not, as there is nothing to report about. SPEC C.6 lists all of these error types.
      const reported = ['response-decryption-error', 'payload-schema-error', 'invalid-screen-transition'];
      if (error instanceof FlowClientError && reported.includes(error.code))
        await this.#report(screen === '' ? (this.currentScreen ?? '') : screen, error, action);
      throw error;
    }
    this.#lastAction = action === 'INIT' ? 'INIT' : 'data_exchange';
    this.#record(action, screen, checked);
    if (checked.kind !== 'success') return checked;
    if (!this.#completionWebhook) return { ...checked, wamid: null };
    // SUCCESS closes the flow and posts the response message with every key of params (SPEC A.5).
    const contextId = this.#contextMessageId ?? this.#deps.flowMessageTo(this.#waId, this.flowToken);
    const wamid = contextId === null ? null : await this.#reply(checked.params, contextId);
    return { ...checked, wamid };
  }

  /** Where the answer leaves the screens shown. */
  #record(action: FlowAction, from: string, answer: CheckedAnswer): void {
    this.#kept = null;
    if (answer.kind === 'success') {
      this.#close();
      return;
    }
    this.#closed = false;
    const target = answer.screen;
    if (action === 'INIT') this.#stack = [];
    const at = this.#stack.findLastIndex((shown) => shown.id === from);
    if (action === 'BACK' && at >= 0) this.#stack = this.#stack.slice(0, at);
    else if (at >= 0) this.#stack = this.#stack.slice(0, at + 1);
    const top = this.#stack.at(-1);
    if (top?.id === target) {
      // An error_message re-render keeps the data the screen already has.
      const data = answer.errorMessage === null ? answer.data : { ...top.data, ...answer.data };
      this.#stack[this.#stack.length - 1] = { id: target, data };
      this.#rendered.set(target, data);
      return;
    }
    this.#show({ id: target, data: answer.data });
  }

  #show(shown: Shown): void {
    this.#stack.push(shown);
    this.#rendered.set(shown.id, shown.data);
  }

  #close(): void {
    this.#stack = [];
    this.#closed = true;
  }

  /** Picker values of a complete payload go out as Cloud API media objects (SPEC B.4). */
  #asResponseMedia(payload: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(payload)) {
      const items = Array.isArray(value) ? (value as unknown[]) : null;
      const uploads = items?.map((item) =>
        isRecord(item) && typeof item.media_id === 'string' ? this.#uploads.get(item.media_id) : undefined,
      );
      out[key] =
        uploads !== undefined && uploads.length > 0 && uploads.every((u) => u !== undefined)
          ? uploads.map((u) => this.responseMedia(u.bytes, u.fileName, u.mimeType))
          : value;
    }
    return out;
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

  /** The business key, fetched once per session and again after a 421. */
  #key(refresh: boolean): Promise<KeyObject> {
    if (this.#publicKey === null || refresh) {
      const fetching = fetchBusinessKey(this.#deps.graphGet, this.#phoneNumberId, this.#timeoutMs);
      this.#publicKey = fetching;
      // A failed fetch is not cached: the next request tries again.
      fetching.catch(() => {
        if (this.#publicKey === fetching) this.#publicKey = null;
      });
    }
    return this.#publicKey;
  }

  /** Encrypts, signs and POSTs one payload; returns the decrypted 200 answer. */
  async #exchange(payload: Record<string, unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      const request = encryptFlowRequest(payload, await this.#key(attempt > 1));
      const body = JSON.stringify(request.body);
      const response = await this.#post(body);
      switch (response.status) {
        case 200:
          return this.#decrypt(response.text, request.aesKey, request.iv);
        case 421:
          if (attempt >= MAX_ATTEMPTS)
            throw new FlowClientError(
              'business-decryption-error',
              'The endpoint answered 421 even after the public key was re-fetched.',
              { status: 421 },
            );
          await this.#pause(attempt);
          continue;
        case 427:
          throw this.#invalidToken(response.text, request.aesKey, request.iv);
        case 432:
          throw new FlowClientError('signature-verification-failed', 'The endpoint rejected the request signature.', {
            status: 432,
          });
        default:
          throw new FlowClientError('unexpected_http_status_code', `The endpoint answered HTTP ${response.status}.`, {
            status: response.status,
          });
      }
    }
  }

  /** The POST and its whole answer within the timeout (a body that stalls after the headers is a timeout too). */
  async #post(body: string): Promise<{ status: number; text: string }> {
    try {
      return await timedRead(
        (signal) =>
          this.#fetch(this.#endpointUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-hub-signature-256': signBody(body, this.#deps.appSecret),
            },
            body,
            signal,
          }),
        this.#timeoutMs,
      );
    } catch (error) {
      throw isTimeout(error)
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
  #invalidToken(answer: string, aesKey: Buffer, iv: Buffer): FlowClientError {
    const text = answer.trim();
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
