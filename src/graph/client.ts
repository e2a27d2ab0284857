// GraphClient: typed calls to the WhatsApp Cloud API (messages, media, business public key, Flows
// management) over an injected fetch. Wire shapes follow SPEC D; results are camelCase. Retries,
// timeouts and typed errors live in transport.ts and retry.ts.

import { randomUUID } from 'node:crypto';
import { GraphApiError } from '../protocol/graph-errors/index.js';
import { GraphArgumentError, MediaUrlExpiredError } from './errors.js';
import { mapCreatedFlow, mapFlowDetails, mapFlowJsonUpload, mapFlowList, mapFlowPreview } from './map-flows.js';
import {
  expectSuccess,
  mapBusinessPublicKey,
  mapMediaInfo,
  mapSentMessage,
  mapUploadedMedia,
} from './map-responses.js';
import { buildMultipart, type MultipartBody, type MultipartPart } from './multipart.js';
import { DEFAULT_RETRY_POLICY } from './retry.js';
import { Transport, type CallSpec, type FetchLike, type PreparedBody } from './transport.js';
import type {
  BusinessPublicKey,
  CreatedFlow,
  CreateFlowInput,
  DownloadedMedia,
  FlowDetails,
  FlowJsonUpload,
  FlowList,
  FlowPreview,
  MediaInfo,
  MediaUploadInput,
  SentMessage,
  UpdateFlowMetadataInput,
  UploadedMedia,
} from './types.js';

export interface GraphClientOptions {
  /** e.g. `https://graph.facebook.com`, or the emulator's URL. */
  baseUrl: string;
  /** e.g. `v24.0`. */
  version: string;
  accessToken: string;
  fetch?: FetchLike;
  /** Per attempt; default 20 s. */
  timeoutMs?: number;
  /** Default 4. */
  maxRetries?: number;
  /** First backoff step; default 500 ms, doubling per retry. */
  baseDelayMs?: number;
  /** Cap on one backoff delay; default 30 s. */
  maxDelayMs?: number;
  /** A longer Retry-After is not waited for; the error surfaces with its retryAfterMs. Default 60 s. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  now?: () => number;
  userAgent?: string;
}

type Query = Record<string, string | undefined>;

const FLOW_PREVIEW = (invalidate: boolean) => `preview.invalidate(${invalidate})`;

export class GraphClient {
  readonly #transport: Transport;
  readonly #root: string;

  constructor(options: GraphClientOptions) {
    const base = URL.canParse(options.baseUrl) ? new URL(options.baseUrl) : null;
    if (base === null) throw new GraphArgumentError('baseUrl is not a URL');
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new GraphArgumentError(`baseUrl must be http(s), got ${base.protocol}`);
    }
    if (options.accessToken === '') throw new GraphArgumentError('accessToken is empty');
    this.#root = `${base.origin}${base.pathname.replace(/\/+$/, '')}/${segment(options.version, 'version')}`;
    this.#transport = new Transport({
      fetch: options.fetch ?? ((url, init) => fetch(url, init)),
      accessToken: options.accessToken,
      timeoutMs: positive(options.timeoutMs, 20_000, 'timeoutMs'),
      policy: {
        maxRetries: Math.floor(nonNegative(options.maxRetries, DEFAULT_RETRY_POLICY.maxRetries, 'maxRetries')),
        baseDelayMs: nonNegative(options.baseDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs, 'baseDelayMs'),
        maxDelayMs: nonNegative(options.maxDelayMs, DEFAULT_RETRY_POLICY.maxDelayMs, 'maxDelayMs'),
        maxRetryAfterMs: nonNegative(options.maxRetryAfterMs, DEFAULT_RETRY_POLICY.maxRetryAfterMs, 'maxRetryAfterMs'),
      },
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      userAgent: options.userAgent ?? 'Flowgate',
    });
  }

  // --- messages (SPEC D.2) -------------------------------------------------------------------

  /** POST /<PHONE_NUMBER_ID>/messages with an already-built wire body. */
  async sendMessage(phoneNumberId: string, body: object): Promise<SentMessage> {
    return this.#transport.json(this.#post([phoneNumberId, 'messages'], jsonBody(body)), mapSentMessage);
  }

  /** POST /<PHONE_NUMBER_ID>/messages with a `status: "read"` body (optionally a typing indicator). */
  async markRead(phoneNumberId: string, body: object): Promise<void> {
    await this.#transport.json(this.#post([phoneNumberId, 'messages'], jsonBody(body)), expectSuccess);
  }

  // --- media (SPEC D.1) ----------------------------------------------------------------------

  /** Multipart upload; a stream input is streamed, never buffered. */
  async uploadMedia(phoneNumberId: string, input: MediaUploadInput): Promise<UploadedMedia> {
    const parts: MultipartPart[] = [
      { name: 'messaging_product', value: 'whatsapp' },
      { name: 'type', value: input.mimeType },
      { name: 'file', filename: input.filename, contentType: input.mimeType, data: input.data },
    ];
    return this.#transport.json(this.#post([phoneNumberId, 'media'], multipartBody(parts)), mapUploadedMedia);
  }

  async getMedia(mediaId: string, options: { phoneNumberId?: string } = {}): Promise<MediaInfo> {
    const spec = this.#spec('GET', [mediaId], { phone_number_id: options.phoneNumberId });
    return this.#transport.json(spec, mapMediaInfo);
  }

  /** Streams a media URL from getMedia. A 404 means the 5-minute URL expired: MediaUrlExpiredError. */
  async downloadMedia(url: string): Promise<DownloadedMedia> {
    const target = URL.canParse(url) ? new URL(url) : null;
    if (target === null) throw new GraphArgumentError('media URL is not a URL');
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw new GraphArgumentError(`media URL must be http(s), got ${target.protocol}`);
    }
    let response: Response;
    try {
      response = await this.#transport.stream({ method: 'GET', url: target, accept: '*/*' });
    } catch (error) {
      if (error instanceof GraphApiError && error.httpStatus === 404) {
        throw new MediaUrlExpiredError(error);
      }
      throw error;
    }
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    return {
      body:
        response.body ??
        new ReadableStream<Uint8Array>({
          start: (c) => {
            c.close();
          },
        }),
      contentType: response.headers.get('content-type'),
      contentLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
    };
  }

  async deleteMedia(mediaId: string, options: { phoneNumberId?: string } = {}): Promise<void> {
    const spec = this.#spec('DELETE', [mediaId], { phone_number_id: options.phoneNumberId });
    await this.#transport.json(spec, expectSuccess);
  }

  // --- business public key (SPEC D.5) --------------------------------------------------------

  async getBusinessPublicKey(phoneNumberId: string): Promise<BusinessPublicKey> {
    const spec = this.#spec('GET', [phoneNumberId, 'whatsapp_business_encryption']);
    return this.#transport.json(spec, mapBusinessPublicKey);
  }

  /** Uploads a 2048-bit RSA public key PEM; Meta signs it. Replaces the number's previous key. */
  async setBusinessPublicKey(phoneNumberId: string, pem: string): Promise<void> {
    const form = new URLSearchParams({ business_public_key: pem }).toString();
    const body = (): PreparedBody => ({ body: form, contentType: 'application/x-www-form-urlencoded' });
    await this.#transport.json(this.#post([phoneNumberId, 'whatsapp_business_encryption'], body), expectSuccess);
  }

  // --- Flows management (SPEC D.6) -----------------------------------------------------------

  async createFlow(wabaId: string, input: CreateFlowInput): Promise<CreatedFlow> {
    const wire = {
      name: input.name,
      categories: input.categories,
      flow_json: input.flowJson,
      publish: input.publish,
      endpoint_uri: input.endpointUri,
      clone_flow_id: input.cloneFlowId,
    };
    return this.#transport.json(this.#post([wabaId, 'flows'], jsonBody(wire)), mapCreatedFlow);
  }

  async updateFlowMetadata(flowId: string, input: UpdateFlowMetadataInput): Promise<void> {
    const wire = {
      name: input.name,
      categories: input.categories,
      endpoint_uri: input.endpointUri,
      application_id: input.applicationId,
    };
    await this.#transport.json(this.#post([flowId], jsonBody(wire)), expectSuccess);
  }

  /** Uploads Flow JSON as the flow.json asset; Meta answers with its validation errors. */
  async uploadFlowJson(flowId: string, json: string): Promise<FlowJsonUpload> {
    const parts: MultipartPart[] = [
      { name: 'name', value: 'flow.json' },
      { name: 'asset_type', value: 'FLOW_JSON' },
      { name: 'file', filename: 'flow.json', contentType: 'application/json', data: new TextEncoder().encode(json) },
    ];
    return this.#transport.json(this.#post([flowId, 'assets'], multipartBody(parts)), mapFlowJsonUpload);
  }

  /** Irreversible: a published Flow can no longer be edited or deleted. */
  async publishFlow(flowId: string): Promise<void> {
    await this.#transport.json(this.#post([flowId, 'publish']), expectSuccess);
  }

  async deprecateFlow(flowId: string): Promise<void> {
    await this.#transport.json(this.#post([flowId, 'deprecate']), expectSuccess);
  }

  /** Only DRAFT Flows can be deleted. */
  async deleteFlow(flowId: string): Promise<void> {
    await this.#transport.json(this.#spec('DELETE', [flowId]), expectSuccess);
  }

  /** Without `fields`, Meta returns id, name, status, categories and validation_errors. */
  async getFlow(flowId: string, fields?: readonly string[]): Promise<FlowDetails> {
    const spec = this.#spec('GET', [flowId], { fields: fields === undefined ? undefined : fields.join(',') });
    return this.#transport.json(spec, mapFlowDetails);
  }

  /** The public preview link; `invalidate: true` revokes the previous one and issues a new link. */
  async getFlowPreview(flowId: string, options: { invalidate?: boolean } = {}): Promise<FlowPreview> {
    const spec = this.#spec('GET', [flowId], { fields: FLOW_PREVIEW(options.invalidate ?? false) });
    return this.#transport.json(spec, mapFlowPreview);
  }

  async listFlows(wabaId: string, options: { after?: string; limit?: number } = {}): Promise<FlowList> {
    const limit = options.limit === undefined ? undefined : String(positive(options.limit, 0, 'limit'));
    const spec = this.#spec('GET', [wabaId, 'flows'], { after: options.after, limit });
    return this.#transport.json(spec, mapFlowList);
  }

  // --- helpers -------------------------------------------------------------------------------

  #spec(method: CallSpec['method'], path: readonly string[], query: Query = {}): CallSpec {
    const url = new URL(`${this.#root}/${path.map((p) => segment(p, 'id')).join('/')}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    return { method, url };
  }

  #post(path: readonly string[], body?: () => PreparedBody | null): CallSpec {
    return body === undefined ? this.#spec('POST', path) : { ...this.#spec('POST', path), body };
  }
}

/** One path segment: non-empty, not a dot segment, percent-encoded so it cannot change the path. */
function segment(value: string, what: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new GraphArgumentError(`invalid ${what} ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(value);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new GraphArgumentError(`${name} must be a positive number`);
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new GraphArgumentError(`${name} must be a non-negative number`);
  return value;
}

function jsonBody(value: unknown): () => PreparedBody {
  const text = JSON.stringify(value);
  return () => ({ body: text, contentType: 'application/json' });
}

/** Rebuilt per attempt; a stream source can be sent again only while nothing has been read from it. */
function multipartBody(parts: readonly MultipartPart[]): () => PreparedBody | null {
  let last: MultipartBody | null = null;
  return () => {
    if (last?.sourceTouched() === true) return null;
    last = buildMultipart(parts, `flowgate-${randomUUID().replace(/-/g, '')}`);
    return { body: last.body, contentType: last.contentType };
  };
}
