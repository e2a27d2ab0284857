// Maps Flows management responses (SPEC D.6) to camelCase results: validation errors with their
// pointers, Flow details including health status, lists with paging cursors, and previews.

import { idText, isRecord, list, num, prop, rec, str, type JsonRecord } from '../protocol/webhook/read.js';
import { record, requiredId, ShapeError } from './map-responses.js';
import type {
  CreatedFlow,
  FlowDetails,
  FlowHealthEntity,
  FlowHealthStatus,
  FlowJsonUpload,
  FlowList,
  FlowPreview,
  FlowValidationError,
  FlowValidationPointer,
} from './types.js';

function records(value: unknown[] | null): JsonRecord[] {
  return (value ?? []).filter(isRecord);
}

function int(obj: JsonRecord, key: string): number | null {
  const value = num(obj, key);
  return value !== null && Number.isSafeInteger(value) ? value : null;
}

function strings(value: unknown[] | null): string[] {
  return (value ?? []).filter((item): item is string => typeof item === 'string');
}

function span(obj: JsonRecord): Omit<FlowValidationPointer, 'path'> {
  return {
    lineStart: int(obj, 'line_start'),
    lineEnd: int(obj, 'line_end'),
    columnStart: int(obj, 'column_start'),
    columnEnd: int(obj, 'column_end'),
  };
}

export function mapValidationErrors(value: unknown[] | null): FlowValidationError[] {
  return records(value).map((entry) => ({
    error: str(entry, 'error'),
    errorType: str(entry, 'error_type'),
    message: str(entry, 'message'),
    ...span(entry),
    pointers: records(list(entry, 'pointers')).map((pointer) => ({ path: str(pointer, 'path'), ...span(pointer) })),
  }));
}

export function mapCreatedFlow(json: unknown): CreatedFlow {
  const body = record(json);
  return { id: requiredId(body, 'id'), validationErrors: mapValidationErrors(list(body, 'validation_errors')) };
}

export function mapFlowJsonUpload(json: unknown): FlowJsonUpload {
  const body = record(json);
  if (prop(body, 'success') === false) throw new ShapeError('"success" is false');
  return { validationErrors: mapValidationErrors(list(body, 'validation_errors')) };
}

function mapPreviewObject(preview: JsonRecord): FlowPreview | null {
  const previewUrl = str(preview, 'preview_url');
  return previewUrl === null ? null : { previewUrl, expiresAt: str(preview, 'expires_at') };
}

export function mapFlowPreview(json: unknown): FlowPreview {
  const preview = rec(record(json), 'preview');
  const mapped = preview ? mapPreviewObject(preview) : null;
  if (mapped === null) throw new ShapeError('"preview.preview_url" is missing');
  return mapped;
}

function mapHealthEntity(entity: JsonRecord): FlowHealthEntity {
  return {
    entityType: str(entity, 'entity_type'),
    id: idText(entity, 'id'),
    canSendMessage: str(entity, 'can_send_message'),
    errors: records(list(entity, 'errors')).map((error) => ({
      errorCode: int(error, 'error_code'),
      errorDescription: str(error, 'error_description'),
      possibleSolution: str(error, 'possible_solution'),
    })),
    additionalInfo: strings(list(entity, 'additional_info')),
  };
}

function mapHealthStatus(health: JsonRecord): FlowHealthStatus {
  return {
    canSendMessage: str(health, 'can_send_message'),
    entities: records(list(health, 'entities')).map(mapHealthEntity),
  };
}

function mapFlowRecord(flow: JsonRecord): FlowDetails {
  const categories = list(flow, 'categories');
  const validationErrors = list(flow, 'validation_errors');
  const preview = rec(flow, 'preview');
  const health = rec(flow, 'health_status');
  const waba = rec(flow, 'whatsapp_business_account');
  const application = rec(flow, 'application');
  return {
    id: requiredId(flow, 'id'),
    name: str(flow, 'name'),
    status: str(flow, 'status'),
    categories: categories === null ? null : strings(categories),
    validationErrors: validationErrors === null ? null : mapValidationErrors(validationErrors),
    jsonVersion: str(flow, 'json_version'),
    dataApiVersion: str(flow, 'data_api_version'),
    endpointUri: str(flow, 'endpoint_uri') ?? str(flow, 'data_channel_uri'),
    preview: preview ? mapPreviewObject(preview) : null,
    healthStatus: health ? mapHealthStatus(health) : null,
    whatsappBusinessAccount: waba ? { id: idText(waba, 'id'), name: str(waba, 'name') } : null,
    application: application
      ? { id: idText(application, 'id'), name: str(application, 'name'), link: str(application, 'link') }
      : null,
  };
}

export function mapFlowDetails(json: unknown): FlowDetails {
  return mapFlowRecord(record(json));
}

export function mapFlowList(json: unknown): FlowList {
  const body = record(json);
  const data = list(body, 'data');
  if (data === null) throw new ShapeError('"data" is not a list');
  const paging = rec(body, 'paging');
  const cursors = paging ? rec(paging, 'cursors') : null;
  return {
    flows: records(data).map(mapFlowRecord),
    before: cursors ? str(cursors, 'before') : null,
    after: cursors ? str(cursors, 'after') : null,
    // Graph keeps sending cursors on the last page; only `paging.next` says there is more.
    hasNext: paging ? str(paging, 'next') !== null : false,
  };
}
