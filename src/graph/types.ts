// The camelCase results GraphClient returns, mapped from Meta's snake_case responses (SPEC D).
// Open string unions keep values Meta adds later instead of failing on them.

type Open<T extends string> = T | (string & Record<never, never>);

/** POST /<PHONE_NUMBER_ID>/messages accepted the message (acceptance only, not delivery). */
export interface SentMessage {
  wamid: string;
  /** WhatsApp id of the recipient; null when Meta sends no `contacts` (e.g. group sends). */
  waId: string | null;
  /** The recipient as given in the request. */
  input: string | null;
  /** Only for paced templates: `accepted` or `held_for_quality_assessment`. */
  messageStatus: Open<'accepted' | 'held_for_quality_assessment'> | null;
}

export interface UploadedMedia {
  id: string;
}

export interface MediaInfo {
  id: string;
  /** Valid for 5 minutes; download it with the bearer token (downloadMedia). */
  url: string;
  mimeType: string;
  sha256: string;
  /** Bytes; Meta sends it as a string. */
  fileSize: number;
}

export interface DownloadedMedia {
  body: ReadableStream<Uint8Array>;
  contentType: string | null;
  contentLength: number | null;
}

export interface BusinessPublicKey {
  publicKey: string | null;
  signatureStatus: Open<'VALID' | 'MISMATCH'> | null;
}

export type FlowCategory = Open<
  | 'SIGN_UP'
  | 'SIGN_IN'
  | 'APPOINTMENT_BOOKING'
  | 'LEAD_GENERATION'
  | 'CONTACT_US'
  | 'CUSTOMER_SUPPORT'
  | 'SURVEY'
  | 'OTHER'
>;

export type FlowStatus = Open<'DRAFT' | 'PUBLISHED' | 'DEPRECATED' | 'BLOCKED' | 'THROTTLED'>;

export interface FlowValidationPointer {
  path: string | null;
  lineStart: number | null;
  lineEnd: number | null;
  columnStart: number | null;
  columnEnd: number | null;
}

/** One entry of `validation_errors` (older responses carry no `pointers`: []). */
export interface FlowValidationError {
  error: string | null;
  errorType: string | null;
  message: string | null;
  lineStart: number | null;
  lineEnd: number | null;
  columnStart: number | null;
  columnEnd: number | null;
  pointers: FlowValidationPointer[];
}

export interface CreatedFlow {
  id: string;
  validationErrors: FlowValidationError[];
}

export interface FlowJsonUpload {
  validationErrors: FlowValidationError[];
}

export interface FlowPreview {
  previewUrl: string;
  /** As Meta sends it, e.g. `2023-05-21T11:18:09+0000`. */
  expiresAt: string | null;
}

export interface FlowHealthError {
  errorCode: number | null;
  errorDescription: string | null;
  possibleSolution: string | null;
}

export interface FlowHealthEntity {
  entityType: Open<'FLOW' | 'WABA' | 'BUSINESS' | 'APP'> | null;
  id: string | null;
  canSendMessage: Open<'AVAILABLE' | 'LIMITED' | 'BLOCKED'> | null;
  errors: FlowHealthError[];
  additionalInfo: string[];
}

export interface FlowHealthStatus {
  canSendMessage: Open<'AVAILABLE' | 'LIMITED' | 'BLOCKED'> | null;
  entities: FlowHealthEntity[];
}

/** A Flow as GET returns it; fields that were not requested (or not sent) are null. */
export interface FlowDetails {
  id: string;
  name: string | null;
  status: FlowStatus | null;
  categories: FlowCategory[] | null;
  validationErrors: FlowValidationError[] | null;
  jsonVersion: string | null;
  dataApiVersion: string | null;
  /** `endpoint_uri`, or the deprecated `data_channel_uri` when only that is sent. */
  endpointUri: string | null;
  preview: FlowPreview | null;
  healthStatus: FlowHealthStatus | null;
  whatsappBusinessAccount: { id: string | null; name: string | null } | null;
  application: { id: string | null; name: string | null; link: string | null } | null;
}

export interface FlowList {
  flows: FlowDetails[];
  /** Paging cursors; pass `after` to listFlows for the next page while `hasNext`. */
  before: string | null;
  after: string | null;
  hasNext: boolean;
}

export interface CreateFlowInput {
  name: string;
  categories: readonly FlowCategory[];
  /** Flow JSON as a string. */
  flowJson?: string;
  /** Publish at once; needs a valid flowJson. */
  publish?: boolean;
  endpointUri?: string;
  cloneFlowId?: string;
}

export interface UpdateFlowMetadataInput {
  name?: string;
  categories?: readonly FlowCategory[];
  endpointUri?: string;
  applicationId?: string;
}

export interface MediaUploadInput {
  data: Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
  mimeType: string;
  filename: string;
}
