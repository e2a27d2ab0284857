// Public types of the flow runtime: the key source the endpoint decrypts with, a flow's definition
// (its Flow JSON and screen handlers), the context a screen handler receives, and the responses it builds.
import type { KeyObject } from 'node:crypto';
import type { FlowJson } from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import type { HandlerContext } from '../gateway/index.js';
import type { FlowReplyMessageEvent } from '../protocol/index.js';

/** Private keys to try for a Flow request on a business number, active first. KeyRing satisfies it. */
export interface FlowKeySource {
  /**
   * The private keys to try, in order. `fresh`: none of the keys given last could decrypt a request, so a
   * source that caches its list should read it again (it may rate-limit that; another process may have
   * begun uploading a new key).
   */
  decryptionKeys(phoneNumberId: string, options?: { fresh?: boolean }): Promise<readonly KeyObject[]>;
}

/** What WhatsApp's client sends in `action`. */
export type FlowAction = 'INIT' | 'BACK' | 'data_exchange';

export type FlowTokenState = 'issued' | 'in_progress' | 'completed' | 'expired';

/** A flow token Flowgate issued when it sent a Flow message (table `flow_tokens`). */
export interface FlowTokenRecord {
  token: string;
  flow: string;
  waId: string;
  phoneNumberId: string | null;
  state: FlowTokenState;
  /** The `data` given to sendFlow (the first screen's data with navigate), or null. */
  data: Record<string, unknown> | null;
  outboundId: string | null;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
}

export interface FlowContact {
  waId: string;
  /** E.164, e.g. "+15551234567". */
  phone: string;
  /** The WhatsApp profile name, when the customer ever messaged the business. */
  profileName: string | null;
}

/** A PhotoPicker/DocumentPicker file stored in the blob store (from src/flows/flow-media.ts). */
export interface StoredFlowMedia {
  mediaId: string;
  fileName: string;
  blobKey: string;
  mimeType: string;
  size: number;
  sha256: string;
}

/** Screen data sent to the client: must match the target screen's declared `data` model. */
export type ScreenDataValues = Record<string, unknown>;

/** The decrypted answers WhatsApp's client accepts (SPEC A.5). */
export type FlowEndpointResponse =
  | { screen: string; data: ScreenDataValues & { error_message?: string } }
  | {
      screen: 'SUCCESS';
      data: { extension_message_response: { params: Record<string, unknown> & { flow_token: string } } };
    };

/** What a screen handler returns: build it with ctx.next / ctx.error / ctx.complete. */
export interface FlowReply {
  readonly kind: 'next' | 'error' | 'complete';
  readonly response: FlowEndpointResponse;
  /** complete only: the picker files the flow keeps (FlowCompleteOptions.keepOnlyMedia). */
  readonly keepOnlyMedia?: readonly string[];
}

export interface FlowCompleteOptions {
  /**
   * The picker files (by media id) the finished flow keeps: the others it received are deleted once the
   * SUCCESS answer is recorded, as FlowCompletionContext.keepOnlyMedia does, without waiting for the
   * completion webhook (which may never come). For a flow whose record, stored by this handler, points at
   * its final files. What is deleted stays deleted: an onComplete that calls keepOnlyMedia too should name
   * the same files (as the ready KYC flow does). Anything but an array of strings is a handler bug (the safe
   * error answer, the flow left open).
   */
  keepOnlyMedia?: readonly string[];
}

export interface FlowScreenContext {
  readonly flow: string;
  readonly action: FlowAction;
  /** The screen the request came from ('' for INIT). */
  readonly screen: string;
  /** The decrypted `data` of the request, already validated against the screen's inputs. */
  readonly data: Record<string, unknown>;
  readonly token: FlowTokenRecord;
  readonly contact: FlowContact;
  /** Picker files of this request, stored before the handler runs (only with `awaitMedia: true`). */
  readonly media: readonly StoredFlowMedia[];
  /** Per picker media_id: why it could not be stored (only with `awaitMedia: true`); answer it through the
   * picker's `error-message` (a `${data.…}` object keyed by media_id). */
  readonly mediaErrors: Readonly<Record<string, string>>;
  /** Aborted when the handler runs over its budget (config.flowHandlerBudgetMs). */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Go to `screen` with `data` (checked against routing_model and the screen's data model). */
  next(screen: string, data?: ScreenDataValues): FlowReply;
  /** Stay on the current screen and show `message` (its last data is re-sent with it). */
  error(message: string, data?: ScreenDataValues): FlowReply;
  /** Finish the flow: SUCCESS with extension_message_response.params (flow_token filled in). */
  complete(params?: Record<string, unknown>, options?: FlowCompleteOptions): FlowReply;
}

export type FlowScreenHandler = (ctx: FlowScreenContext) => FlowReply | Promise<FlowReply>;

export interface FlowSubmission {
  id: number;
  flow: string;
  token: string;
  waId: string;
  /** The parsed response_json of the nfm_reply (flow_token plus the completion params/payload). */
  response: Record<string, unknown>;
  eventId: number;
  createdAt: number;
}

export interface FlowCompletionContext {
  readonly flow: string;
  readonly submission: FlowSubmission;
  readonly token: FlowTokenRecord;
  readonly contact: FlowContact;
  /** The gateway handler context of the nfm_reply event (ctx.reply, ctx.send, ctx.once, ctx.log…). */
  readonly handler: HandlerContext<FlowReplyMessageEvent>;
  readonly log: Logger;
  /**
   * Keeps only these of the picker files this flow received (by media id) and deletes the others now: for a
   * record that points at its final files only (a file replaced by going back is personal data nobody uses).
   * Their flow_media rows stay, marked `superseded`; a file under a key another row shares (stored when keys
   * were named by content) stays until none needs it. Only files Flowgate stored (not a custom `flowMedia`
   * store); idempotent. Resolves to how many files were deleted. Needs the completion webhook, which may never
   * come: a screen handler that knows the files at SUCCESS names them there (FlowCompleteOptions.keepOnlyMedia).
   */
  keepOnlyMedia(mediaIds: readonly string[]): Promise<number>;
}

export type FlowCompletionHandler = (ctx: FlowCompletionContext) => void | Promise<void>;

export interface FlowOptions {
  /** The Flow JSON (validated with validateFlowJson when registered; errors throw). */
  json: FlowJson;
  /** Handlers by screen id, for data_exchange (and BACK) requests coming from that screen. */
  screens?: Record<string, FlowScreenHandler>;
  /** INIT (flows sent with flow_action data_exchange). Default: the routing_model's entry screen, no data. */
  init?: FlowScreenHandler;
  onComplete?: FlowCompletionHandler;
  /** Store picker files before the handler runs (ctx.media); default false: a queued job stores them. */
  awaitMedia?: boolean;
  /** How long an issued token stays valid; default 3 days (SPEC A.7 advises 2–3 days). */
  tokenTtlMs?: number;
  /** The flow in Meta's account: flow_id, or flow_name (default: this flow's name). */
  flowId?: string;
  flowName?: string;
  /** MIME types a DocumentPicker file may have (checked by sniffing); default any. */
  allowedMimeTypes?: readonly string[];
  /**
   * A screen data field naming the copy of the form a client shows (a token open on the phone and on
   * WhatsApp Desktop at once, each answered in turn). A data_exchange request that sends back
   * `${data.<field>}` with another value than the one last answered for its screen comes from the other copy:
   * it is answered `message` on its screen, before its input is checked against data that copy never showed
   * (its options would be refused as "not in the list"). Its handler does not run; nothing is stored.
   */
  formCopy?: { field: string; message: string };
}

export interface SendFlowOptions {
  /** Button label, 1–30 characters, no emoji. */
  cta: string;
  /** Message body text (≤ 1024). Default: the flow's name. */
  body?: string;
  header?: string;
  footer?: string;
  mode?: 'draft' | 'published';
  /** navigate (default when initialScreen/data are given or the flow has no init handler) or data_exchange. */
  action?: 'navigate' | 'data_exchange';
  /** navigate only: the first screen (an entry screen); default the flow's first entry screen. */
  initialScreen?: string;
  /** navigate only: the first screen's data; also kept on the token record. */
  data?: Record<string, unknown>;
  /** Overrides the definition's flowId / flowName. */
  flowId?: string;
  flowName?: string;
  tokenTtlMs?: number;
  idempotencyKey?: string;
  phoneNumberId?: string;
}

export interface SendFlowResult {
  token: string;
  outboundId: string;
  expiresAt: number;
}
