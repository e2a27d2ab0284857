// The flow endpoint, POST /flows/<name> (SPEC A), in exactly this order: body limit (413) → X-Hub-Signature-256
// with the app secret(s) (432) → the flow exists (404) → decrypt with the key source (421) → ping → error
// notification (recorded, acknowledged) → flow token (427, encrypted error_msg; 4.0 flow_token_signature)
// → input validation → the screen handler → the answer checked and encrypted, text/plain. Every answer
// after decryption is encrypted; before it nothing can be. One token's requests run one after another
// (token-turns.ts), a SUCCESS answer completes the token, and BACK reaches a handler only from a screen with
// refresh_on_back, without data (SPEC A.4).
import type { KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RsaUnwrapPool } from './rsa-pool.js';
import {
  FlowCryptoError,
  decodeFlowEnvelope,
  decryptFlowRequest,
  openFlowRequest,
  unwrapFailed,
  type DecryptedFlowRequest,
  encryptFlowResponse,
  screenById,
  verifyWebhookSignature,
  type FlowJson,
  type InputConstraints,
} from '../protocol/index.js';
import { BodyTooLargeError, readBodyLimited } from '../support/body.js';
import type { BodySource } from '../support/body.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { FlowDefinition, FlowRegistry } from './definition.js';
import { errorLabel, type FlowMetrics, type FlowOutcome } from './metrics.js';
import { dynamicConstraints, dynamicDataSources, updatesOwnData } from './data-sources.js';
import { patternSandbox } from './validate-input-rules.js';
import { refusalMessage } from './validate-input.js';
import { PatternPenalty } from './pattern-penalty.js';
import { mimeAllowed } from './flow-media-sniff.js';
import { pickerLimits } from './picker-limits.js';
import { SUCCESS_FROM, TokenAdmission } from './token-admission.js';
import { TokenTurns } from './token-turns.js';
import { pickerItems, type FlowMediaService, type PickerFile } from './picker-media.js';
import {
  currentScreen,
  errorResponse,
  loggedScreen,
  runScreen,
  safeErrorResponse,
  screensAsShown,
  otherCopyResponse,
  sentResponse,
  type ScreenRequest,
} from './run-screen.js';
import { TOKEN_MESSAGES, isRecord, toContact } from './tokens.js';
import type { FlowAction, FlowEndpointResponse, FlowKeySource } from './types.js';

/** Error notifications kept per flow token (the rest are acknowledged and counted, not stored). */
const MAX_ERRORS_PER_TOKEN = 20;

/** Meta caps the data channel at 1 MB; picker files arrive as CDN descriptors, so requests stay small. */
export const FLOW_REQUEST_MAX_BYTES = 1024 * 1024;

export interface FieldError {
  field: string;
  /** The component's label when it is plain text. */
  label?: string;
  message: string;
  /** validateSubmission's FieldErrorCode. */
  code?: string;
}
/** validateSubmission's shape (src/flows/validate-input.ts). */
export type ValidateInput = (
  flow: FlowJson,
  screenId: string,
  payload: Record<string, unknown>,
  options?: {
    dataSources?: Readonly<Record<string, readonly (string | { id: string })[]>>;
    constraints?: Readonly<Record<string, Partial<InputConstraints>>>;
    data?: Readonly<Record<string, unknown>>;
    runPatterns?: boolean;
  },
) => FieldError[];

export interface FlowEndpointDeps {
  registry: FlowRegistry;
  store: Store;
  keys: FlowKeySource | null;
  appSecrets: readonly string[];
  /** Asked of the key source; '' when no business number is configured. */
  phoneNumberId: string | null;
  budgetMs: number;
  logger: Logger;
  metrics: FlowMetrics;
  media: FlowMediaService | null;
  validateInput: ValidateInput | null;
  /** Largest picker file stored (config.flowMediaMaxBytes). */
  mediaMaxBytes?: number;
  now?: () => number;
  maxBytes?: number;
  /** Unwraps the AES key in other threads; without it, decryption runs on the calling thread. */
  rsa?: RsaUnwrapPool;
  /** Deletes the finished flow's files but these (FlowCompleteOptions.keepOnlyMedia); none: nothing deleted. */
  keepOnlyMedia?: (token: string, mediaIds: readonly string[]) => Promise<number>;
}

export interface FlowHttpResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

function plain(status: number, body: string): FlowHttpResponse {
  return { status, body, headers: TEXT };
}

/** A refused token's answer: 427, or 200 for the SUCCESS answered again (token-admission.ts). */
function refusedOutcome(status: 200 | 427): FlowOutcome {
  return status === 427 ? 'invalid_token' : 'complete';
}

/** Encrypts `response` and sends it with `status`, counted as `outcome`. */
type Answer = (status: number, response: unknown, outcome: FlowOutcome) => FlowHttpResponse;

interface Decrypted {
  payload: Record<string, unknown>;
  aesKey: Buffer;
  iv: Buffer;
}

export class FlowEndpoint {
  private readonly now: () => number;
  /** One child logger per flow, made once: pino's child() costs (redaction setup) on every request otherwise. */
  private readonly flowLogs = new Map<string, Logger>();
  private readonly turns = new TokenTurns();
  private readonly admission: TokenAdmission;
  private readonly patternPenalty = new PatternPenalty();

  constructor(private readonly deps: FlowEndpointDeps) {
    this.now = deps.now ?? Date.now;
    this.admission = new TokenAdmission(deps.store, deps.appSecrets, this.now);
  }

  /** The registered flows (for the admin API). */
  get registry(): FlowRegistry {
    return this.deps.registry;
  }

  get store(): Store {
    return this.deps.store;
  }

  async handle(
    flowName: string,
    body: BodySource,
    headers: { get(name: string): string | null },
  ): Promise<FlowHttpResponse> {
    const { metrics } = this.deps;
    const def = this.deps.registry.get(flowName);
    const label = def?.name ?? '(unknown)';
    const done = (r: FlowHttpResponse, outcome: FlowOutcome): FlowHttpResponse => {
      metrics.request(label, r.status, outcome);
      return r;
    };

    let raw: Uint8Array;
    try {
      raw = await readBodyLimited(body, this.deps.maxBytes ?? FLOW_REQUEST_MAX_BYTES, headers.get('content-length'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // The rest of the body is left unread: closing the connection is what drops it.
        const refused = plain(413, 'request body too large');
        return done({ ...refused, headers: { ...refused.headers, connection: 'close' } }, 'too_large');
      }
      throw error;
    }
    if (this.deps.appSecrets.length === 0) {
      return done(plain(503, 'flows not configured: set FLOWGATE_APP_SECRET'), 'not_configured');
    }
    const signature = verifyWebhookSignature(raw, headers.get('x-hub-signature-256'), this.deps.appSecrets);
    if (!signature.ok) {
      this.deps.logger.warn({ flow: label, reason: signature.reason }, 'flow request signature check failed (432)');
      return done(plain(432, 'invalid signature'), 'invalid_signature');
    }
    // After the signature, so nobody without the app secret can find out which flows exist.
    if (def === undefined) return done(plain(404, 'no such flow'), 'unknown_flow');
    const log = this.flowLog(def.name);

    const decrypted = await this.decrypt(raw, log);
    if (decrypted === null) return done(plain(421, 'request cannot be decrypted'), 'decrypt_failed');
    const { payload, aesKey, iv } = decrypted;
    const send = (status: number, sealed: string, outcome: FlowOutcome) =>
      done({ status, body: sealed, headers: TEXT }, outcome);
    const seal = (response: unknown) => encryptFlowResponse(response, aesKey, iv);
    const answer: Answer = (status, response, outcome) => send(status, seal(response), outcome);

    const action = payload.action;
    if (typeof action === 'string' && action.toLowerCase() === 'ping') {
      return answer(200, { data: { status: 'active' } }, 'ping');
    }
    const data = isRecord(payload.data) ? payload.data : {};
    const screen = typeof payload.screen === 'string' ? payload.screen : '';
    const flowToken = typeof payload.flow_token === 'string' ? payload.flow_token : null;
    if ('error' in data || 'error_message' in data || 'error_key' in data) {
      await this.recordErrorNotification(def, flowToken, screen, data, log);
      return answer(200, { data: { acknowledged: true } }, 'error_ack');
    }

    if (flowToken === null) {
      log.info({ reason: 'unknown' }, 'flow token refused (427)');
      return answer(427, { error_msg: TOKEN_MESSAGES.unknown }, 'invalid_token');
    }
    const reply = { answer, send, seal };
    // The budget counts from here, so time spent waiting for the token's turn is not given twice.
    const arrived = performance.now();
    return this.turns.run(flowToken, {
      deadline: arrived + this.deps.budgetMs,
      run: (hold) => this.exchange(def, payload, flowToken, { action, screen, data, arrived, hold }, log, reply),
      late: () => this.lateAnswer(def, payload, flowToken, { action, screen, data }, log, answer),
    });
  }

  /**
   * The token's earlier requests still ran when this one's budget was up (a pile of them, or one past its
   * budget): the same screen with the safe error and the data last answered for it, nothing run or stored.
   * The token is checked as for any request, so this answers nothing a refused request would not get.
   */
  private async lateAnswer(
    def: FlowDefinition,
    payload: Record<string, unknown>,
    flowToken: string,
    { action, screen, data }: { action: unknown; screen: string; data: Record<string, unknown> },
    log: Logger,
    answer: Answer,
  ): Promise<FlowHttpResponse> {
    const admitted = await this.admission.admit(def, payload, flowToken, log);
    if (!admitted.ok) return answer(admitted.status, admitted.response, refusedOutcome(admitted.status));
    log.warn(
      { screen: loggedScreen(screen), budgetMs: this.deps.budgetMs },
      "flow request's turn did not come within its budget (the token's earlier requests still ran); answered a safe error",
    );
    this.deps.metrics.handlerFailures.inc({ flow: def.name, reason: 'turn_wait' });
    return answer(200, safeErrorResponse(def, { action, screen, data, screens: admitted.screens }), 'handler_error');
  }

  private async exchange(
    def: FlowDefinition,
    payload: Record<string, unknown>,
    flowToken: string,
    request: {
      action: unknown;
      screen: string;
      data: Record<string, unknown>;
      /** performance.now() when the request was decrypted: the budget's start. */
      arrived: number;
      hold: (work: Promise<unknown>) => void;
    },
    log: Logger,
    reply: {
      answer: Answer;
      send: (status: number, sealed: string, outcome: FlowOutcome) => FlowHttpResponse;
      seal: (response: unknown) => string;
    },
  ): Promise<FlowHttpResponse> {
    const { action, screen } = request;
    const { answer } = reply;
    const { metrics } = this.deps;
    const admitted = await this.admission.admit(def, payload, flowToken, log);
    if (!admitted.ok) return answer(admitted.status, admitted.response, refusedOutcome(admitted.status));
    if (action !== 'INIT' && action !== 'BACK' && action !== 'data_exchange') {
      log.warn({ action: typeof action === 'string' ? action.slice(0, 40) : typeof action }, 'unsupported flow action');
      return answer(400, { error_msg: 'unsupported action' }, 'bad_request');
    }

    const req: ScreenRequest = {
      action,
      screen,
      // BACK carries nothing to act on (SPEC A.4): its handler refreshes the screen the user goes back to.
      data: action === 'BACK' ? {} : request.data,
      token: admitted.record,
      contact: toContact(admitted.record.waId, admitted.contact),
      screens: admitted.screens,
      media: [],
      mediaErrors: {},
    };
    if (action === 'BACK' && screenById(def.json, screen)?.refresh_on_back !== true) {
      // WhatsApp sends BACK only from a screen with refresh_on_back; nothing else may reach a handler this way.
      log.warn({ screen: loggedScreen(screen) }, 'BACK from a screen without refresh_on_back; answered a safe error');
      return answer(200, safeErrorResponse(def, req), 'bad_request');
    }
    // A request from the form's other open copy, or invalid input, changes nothing: the same screen again.
    const rejected = this.validate(def, req, log);
    if (rejected !== null) return answer(200, rejected, 'input_rejected');
    // One budget for the picker files stored before the handler and the handler itself: the files may take
    // two thirds of it, so that a handler is left time to answer their per-media_id errors.
    const deadline = request.arrived + this.deps.budgetMs;
    const files = action === 'data_exchange' ? this.pickerFiles(def, screen, request.data) : [];
    const mediaJob = { flow: def.name, token: req.token.token, screen, files };
    if (files.length > 0 && def.awaitMedia && this.deps.media !== null) {
      const { stored, errors } = await this.deps.media.storeNow(mediaJob, Math.floor((this.deps.budgetMs * 2) / 3));
      req.media = stored;
      req.mediaErrors = errors;
    }

    const budgetMs = Math.max(1, Math.floor(deadline - performance.now()));
    const outcome = await runScreen(def, req, { budgetMs, log });
    if (outcome.kind === 'failed') {
      // A handler past its budget may still be writing: the token's next request waits for it.
      if (outcome.running !== undefined) request.hold(outcome.running);
      metrics.handlerFailures.inc({ flow: def.name, reason: outcome.reason });
      return answer(200, outcome.response, 'handler_error');
    }
    // Plain JSON already (runScreen checked it as serialised), so sealing it cannot throw. An error answer is
    // sent as this copy of the screen shows it; the server's own answer is what is remembered.
    const response = outcome.reply.response;
    const sealed = reply.seal(sentResponse(outcome.reply));
    if (files.length > 0 && !def.awaitMedia && outcome.reply.kind !== 'error' && this.deps.media !== null) {
      await this.deps.media.enqueue(mediaJob);
    }
    if (response.screen === 'SUCCESS') {
      const kept = { ...req.screens, SUCCESS: response.data, [SUCCESS_FROM]: { screen: req.screen } };
      // What the finished flow keeps is stored with the answer; the others are deleted after it (what is cut
      // short, the media sweep finishes).
      const keep = this.deps.keepOnlyMedia === undefined ? undefined : outcome.reply.keepOnlyMedia;
      if (!(await this.deps.store.flows.finish(req.token.token, this.now(), kept, keep))) {
        log.info({ reason: 'completed' }, 'flow token completed meanwhile (427)');
        return answer(427, { error_msg: TOKEN_MESSAGES.completed }, 'invalid_token');
      }
      if (keep !== undefined && this.deps.keepOnlyMedia !== undefined) {
        this.deps.keepOnlyMedia(req.token.token, keep).catch((error: unknown) => {
          log.error({ err: String(error) }, 'could not delete the files a finished flow did not keep');
        });
      }
    } else {
      await this.remember(req, response);
    }
    return reply.send(200, sealed, outcome.reply.kind === 'complete' ? 'complete' : 'screen');
  }

  private flowLog(flow: string): Logger {
    let log = this.flowLogs.get(flow);
    if (log === undefined) {
      log = this.deps.logger.child({ flow });
      this.flowLogs.set(flow, log);
    }
    return log;
  }

  /** Picker files with what their picker accepts (the flow's allowedMimeTypes narrow the picker's list). */
  private pickerFiles(def: FlowDefinition, screen: string, data: Record<string, unknown>): PickerFile[] {
    const limits = pickerLimits(def.json, screen, data);
    const items = pickerItems(data, limits);
    if (items.length === 0) return [];
    const maxBytes = this.deps.mediaMaxBytes;
    return items.map(({ key, item }) => {
      const picker = limits[key];
      const pickerTypes = picker?.allowedMimeTypes;
      const own = def.allowedMimeTypes;
      // Both lists apply: an empty intersection accepts nothing (never the default list).
      const allowed =
        own === undefined
          ? pickerTypes
          : pickerTypes === undefined
            ? own
            : own.filter((type) => mimeAllowed(type.toLowerCase(), pickerTypes));
      const bytes = Math.min(picker?.maxBytes ?? maxBytes ?? Infinity, maxBytes ?? Infinity);
      return {
        item,
        limits: {
          ...(allowed === undefined ? {} : { allowedMimeTypes: allowed }),
          ...(Number.isFinite(bytes) ? { maxBytes: bytes } : {}),
        },
      };
    });
  }

  private async decrypt(raw: Uint8Array, log: Logger): Promise<Decrypted | null> {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      log.warn('flow request is not JSON (421)');
      return null;
    }
    try {
      const { payload, aesKey, iv } = await this.decryptWithKeys(body);
      return { payload, aesKey, iv };
    } catch (error) {
      if (error instanceof FlowCryptoError) {
        log.warn({ code: error.code, reason: error.reason }, `flow request not decrypted (421): ${error.message}`);
      } else {
        log.error({ err: error }, 'flow keys unavailable (421)');
      }
      return null;
    }
  }

  /**
   * Decrypts with the key source's keys. When none of them unwraps the AES key, the list is asked for again,
   * fresh, and the keys not tried yet are tried: another process of this deployment may have begun uploading
   * a new key (WhatsApp encrypts to it from then on) since this one read its list, which it keeps a second.
   */
  private async decryptWithKeys(body: unknown): Promise<DecryptedFlowRequest> {
    const source = this.deps.keys;
    const phoneNumberId = this.deps.phoneNumberId ?? '';
    const keys = source === null ? [] : await source.decryptionKeys(phoneNumberId);
    try {
      return await this.decryptWith(body, keys);
    } catch (error) {
      // No key unwrapped it, or there was none yet (a number's first key, uploaded by another process).
      const keyMissing =
        error instanceof FlowCryptoError && (error.reason === 'rsa_unwrap_failed' || error.reason === 'no_keys');
      if (source === null || !keyMissing) throw error;
      const untried = (await source.decryptionKeys(phoneNumberId, { fresh: true })).filter((k) => !keys.includes(k));
      if (untried.length === 0) throw error;
      return await this.decryptWith(body, untried);
    }
  }

  private async decryptWith(body: unknown, keys: readonly KeyObject[]): Promise<DecryptedFlowRequest> {
    const rsa = this.deps.rsa;
    if (rsa === undefined || keys.length === 0) return decryptFlowRequest(body, keys);
    const envelope = decodeFlowEnvelope(body); // malformed bodies fail here, before any RSA work
    const unwrapped = await rsa.unwrap(envelope.encrypted_aes_key, keys);
    if (unwrapped === null) throw unwrapFailed(keys.length);
    return openFlowRequest(envelope, unwrapped.aesKey, unwrapped.keyIndex);
  }

  private validate(def: FlowDefinition, req: ScreenRequest, log: Logger): FlowEndpointResponse | null {
    const otherCopy = otherCopyResponse(def, req);
    if (otherCopy !== null) {
      log.info({ screen: loggedScreen(req.screen) }, 'flow request from another open copy of the form; refused');
      return otherCopy;
    }
    if (req.action !== 'data_exchange' || this.deps.validateInput === null) return null;
    // update_data (6.0+) changes the screen's data on the phone without a request: then the data last
    // answered for it is not what it shows, and checks bound to that data are left out (fail open).
    const shown = updatesOwnData(def.json, req.screen) ? {} : (req.screens[req.screen] ?? {});
    const dataSources = dynamicDataSources(def.json, req.screen, shown);
    const constraints = dynamicConstraints(def.json, req.screen, shown);
    const token = req.token.token;
    const runPatterns = this.patternPenalty.allows(token, this.now());
    const timeoutsBefore = patternSandbox.timeouts;
    const errors = this.deps.validateInput(def.json, req.screen, req.data, {
      dataSources,
      constraints,
      data: shown,
      runPatterns,
    });
    // A value of this token ran a pattern match out (and cost a worker): for a while its pattern values
    // are refused without matching, so one sender cannot keep everyone's checks failing.
    if (patternSandbox.timeouts > timeoutsBefore) this.patternPenalty.impose(token, this.now());
    if (errors.length === 0) return null;
    const unchecked = errors.filter((e) => e.code === 'pattern_unchecked').map((e) => e.field);
    if (unchecked.length > 0)
      log.warn(
        { screen: loggedScreen(req.screen), fields: unchecked },
        'TextInput pattern not decided within its time bound (a backtracking regex?); the value was refused',
      );
    log.info({ screen: loggedScreen(req.screen), fields: errors.map((e) => e.field) }, 'flow input rejected');
    // Never stored (invalid input changes nothing): sent as this copy of the screen shows it.
    const message = refusalMessage(errors).slice(0, 300);
    return errorResponse(def.json, currentScreen(def, req), message, screensAsShown(def, req));
  }

  /** Keeps the data answered per screen (re-sent with error messages) and moves the token to in_progress. */
  private async remember(req: ScreenRequest, response: FlowEndpointResponse): Promise<void> {
    const { error_message: _message, ...data } = response.data as Record<string, unknown>;
    const screens = { ...req.screens, [response.screen]: data };
    await this.deps.store.flows.recordAnswer(req.token.token, screens);
  }

  private async recordErrorNotification(
    def: FlowDefinition,
    token: string | null,
    screen: string,
    data: Record<string, unknown>,
    log: Logger,
  ): Promise<void> {
    const error = str(data.error) ?? str(data.error_key);
    const message = str(data.error_message);
    this.deps.metrics.errorNotifications.inc({ flow: def.name, error: errorLabel(error) });
    // Kept for people to read only when it concerns a token Flowgate issued for this flow, and at most
    // MAX_ERRORS_PER_TOKEN per token: any sender can make up the rest (acknowledged and counted all the same).
    const known = token === null ? null : await this.deps.store.flows.getToken(token);
    if (token === null || known === null || known.flow !== def.name) {
      log.warn({ error: error?.slice(0, 80) }, 'error notification for a token this flow did not issue; not kept');
      return;
    }
    if ((await this.deps.store.flows.errorCount(token)) >= MAX_ERRORS_PER_TOKEN) return;
    log.warn(
      { error: error?.slice(0, 80), screen: loggedScreen(screen) },
      'WhatsApp client reported an invalid endpoint answer',
    );
    await this.deps.store.flows.recordError({
      flow: def.name,
      token,
      screen: screen === '' ? null : screen.slice(0, 200),
      error: error?.slice(0, 200) ?? null,
      error_message: message?.slice(0, 2000) ?? null,
      at: this.now(),
    });
  }
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export type { FlowAction };
