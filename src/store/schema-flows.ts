// Table types of the flow runtime: issued flow tokens, completed submissions (nfm_reply), error
// notifications WhatsApp's client sent, and picker files stored from data_exchange requests.
import type { Generated } from 'kysely';

export interface FlowTokensTable {
  /** Random, url-safe, 192 bits; the flow_token of the Flow message. */
  token: string;
  flow: string;
  wa_id: string;
  phone_number_id: string | null;
  state: 'issued' | 'in_progress' | 'completed' | 'expired';
  /** JSON: the data sent with the Flow message (navigate), or null. */
  data: string | null;
  /** JSON: screen id → the last data Flowgate answered for it (re-sent with error messages). */
  screens: string | null;
  outbound_id: string | null;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  /**
   * JSON: the media ids a completed flow keeps (ctx.keepOnlyMedia), or null when it keeps every file. A file
   * recorded later for the token (a download still finishing) is superseded unless listed.
   */
  media_kept: string | null;
  /**
   * When the files not in `media_kept` were marked superseded (supersedeMedia); null while that is still to
   * be done (media_kept written with the SUCCESS answer, the release after it interrupted).
   */
  media_released_at: number | null;
}

export interface FlowSubmissionsTable {
  id: Generated<number>;
  flow: string;
  /** Unique: one submission per token, so a re-delivered completion is stored once. */
  token: string;
  wa_id: string;
  response_json: string;
  event_id: number;
  wamid: string | null;
  created_at: number;
}

export interface FlowErrorsTable {
  id: Generated<number>;
  flow: string;
  token: string | null;
  screen: string | null;
  error: string | null;
  error_message: string | null;
  at: number;
}

export interface FlowMediaTable {
  id: Generated<number>;
  flow: string;
  token: string;
  screen: string | null;
  media_id: string;
  file_name: string | null;
  blob_key: string | null;
  mime_type: string | null;
  size: number | null;
  sha256: string | null;
  /**
   * Why the file could not be stored (code), or why it is gone: `purged` (its flow was abandoned), `superseded`
   * (its flow completed without keeping it; the blob key stays while another row needs the same bytes). Null
   * for a file that is stored and kept.
   */
  error: string | null;
  created_at: number;
}

export interface FlowsTables {
  flow_tokens: FlowTokensTable;
  flow_submissions: FlowSubmissionsTable;
  flow_errors: FlowErrorsTable;
  flow_media: FlowMediaTable;
}
