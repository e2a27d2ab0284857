// Public types of the emulator's Flow client: how a test opens a flow the way WhatsApp does, the
// session it gets back, the validated endpoint answers and the PhotoPicker/DocumentPicker item.

import type { FlowJson, WireFlowMediaEncryptionMetadata } from '../protocol/index.js';

export interface FlowClientOptions {
  /** The business's flow endpoint, e.g. http://127.0.0.1:3000/flows/booking. */
  endpointUrl: string;
  /** Whose business public key to use; default the emulator's phone number. */
  phoneNumberId?: string;
  /** The customer who opened the flow (digits); the completion webhook comes from them. */
  waId: string;
  flowToken: string;
  /** When given, answers are checked like WhatsApp's client checks them (routing_model, screen data). */
  flowJson?: FlowJson | string;
  /** The Flow message the completion answers (context.id of the nfm_reply); see complete(). */
  contextMessageId?: string;
  /**
   * Whether a SUCCESS answer posts the nfm_reply completion webhook (default true). false stands for a
   * completion the business never receives (Meta's deliveries given up): the answer's wamid is null.
   */
  completionWebhook?: boolean;
  /**
   * Payload `version`; default the Flow JSON's `data_api_version`, else "3.0". With "4.0" every
   * payload carrying the token also has flow_token_signature.
   */
  version?: string;
  /** Injected fetch for the endpoint POSTs (real HTTP by default). */
  fetch?: typeof fetch;
  /** Per request (endpoint POSTs and the public key GET); default 10 000 (WhatsApp's endpoint timeout). */
  timeoutMs?: number;
  /** Base delay before the single 421 retry (× attempt, plus jitter); default 500. */
  retryDelayMs?: number;
  /** How long an uploaded picker file stays on the emulated CDN (injected clock); default 20 days. */
  mediaTtlMs?: number;
}

/** A validated endpoint answer. */
export type FlowResponse =
  | {
      kind: 'screen';
      screen: string;
      /** Without `error_message`. */
      data: Record<string, unknown>;
      /** `data.error_message`, shown as a snackbar on the screen. */
      errorMessage: string | null;
      /** The decrypted body as sent. */
      body: Record<string, unknown>;
    }
  | {
      kind: 'success';
      /** `extension_message_response.params`, flow_token included. */
      params: Record<string, unknown> & { flow_token: string };
      body: Record<string, unknown>;
      /**
       * The flow closed and the client posted the nfm_reply with exactly `params` as its response_json
       * (SPEC A.5): its wamid. null when the business sent this customer no Flow message to reply to
       * (and no contextMessageId was given), so there was nothing to answer, or with completionWebhook false.
       */
      wamid: string | null;
    };

/** An answer as checked, before the client acts on it (a SUCCESS has not been replied to yet). */
export type CheckedAnswer =
  Exclude<FlowResponse, { kind: 'success' }> | Omit<Extract<FlowResponse, { kind: 'success' }>, 'wamid'>;

/**
 * What submit() did: the endpoint's answer, a screen reached by navigate, the completion, the
 * screen's data after update_data, the address open_url opens, or the form after a tap that performs nothing.
 */
export type FlowSubmitResult =
  | FlowResponse
  | {
      kind: 'completed';
      /** wamid of the nfm_reply message. */
      wamid: string;
      /** The completion's response_json, flow_token included. */
      responseJson: Record<string, unknown>;
    }
  | {
      /** update_data (SPEC E.6): the screen stays, its data now updated by the action's payload. */
      kind: 'updated';
      screen: string;
      data: Record<string, unknown>;
    }
  | {
      /** open_url (SPEC E.6): the client opens this address; the flow stays where it is. */
      kind: 'url';
      url: string;
    }
  | {
      /** An option tapped on a component with no action for the tap: only the form changed. */
      kind: 'selected';
      screen: string;
      /** The screen's form as the tap left it. */
      form: Record<string, unknown>;
    };

export interface FlowSubmitOptions {
  /**
   * Tap this component instead of pressing the Footer: its `name` (an EmbeddedLink by its
   * `text`); its `on-click-action` (else `on-select-action`) is performed.
   */
  component?: string;
  /**
   * With `component`: the id of the NavigationList item tapped (its on-click-action, else the
   * list's), or of the data-source option selected (put in the form; its on-select-action, else
   * the component's). An option a CheckboxGroup or ChipsSelector already holds is unselected (taken
   * out of the form; its on-unselect-action, else the component's).
   */
  item?: string;
}

/** One PhotoPicker/DocumentPicker item as a data_exchange payload carries it (SPEC B.2). */
export interface WirePickerItem {
  media_id: string;
  cdn_url: string;
  file_name: string;
  encryption_metadata: WireFlowMediaEncryptionMetadata;
}

/** A picker file in the completion's response_json (SPEC B.4): a regular Cloud API media object. */
export interface WireResponseMedia {
  file_name: string;
  mime_type: string;
  /** base64 SHA-256 of the file. */
  sha256: string;
  /** Graph media id: GET /{id} → url → download with the access token. */
  id: string;
}

/** What the client reports after an invalid answer (SPEC A.4 error notification). */
export interface FlowErrorReport {
  /** Error key, e.g. "invalid-screen-transition". */
  error: string;
  error_message: string;
}

export interface FlowSession {
  readonly flowToken: string;
  /** The screen shown after the last validated answer, or null before the first one. */
  readonly currentScreen: string | null;
  /** Health check: `{"version":"3.0","action":"ping"}`; resolves with `data.status`, which must be "active". */
  ping(): Promise<string>;
  /** The flow opened with flow_action data_exchange. */
  init(data?: Record<string, unknown>): Promise<FlowResponse>;
  /** A data_exchange request from `screen` with `data` as its payload, exactly as given. */
  dataExchange(screen: string, data: Record<string, unknown>): Promise<FlowResponse>;
  /**
   * The user fills the form of `screen` (the current one) with `values` (by component name;
   * picker values are uploadMedia() items) and presses its Footer, like WhatsApp's client: the
   * Flow JSON's on-click-action is performed with its payload resolved (`${form.x}`,
   * `${data.x}`, `${screen.ID.form|data.x}`, literals). data_exchange → the request to the
   * endpoint; navigate → the next screen locally, its data checked against the screen's model;
   * complete → the nfm_reply completion (picker files become Cloud API media); update_data → the
   * screen's data updated locally, checked against its model; open_url → the address. Needs flowJson.
   * Throws TypeError where a user could not press (no such input, a required one empty).
   */
  submit(screen: string, values?: Record<string, unknown>, options?: FlowSubmitOptions): Promise<FlowSubmitResult>;
  /**
   * Back pressed on `screen` (default the current one). With the Flow JSON known, a BACK request
   * goes to the endpoint only when `screen` has refresh_on_back (SPEC E.2); otherwise the client
   * shows the previous screen again with the data it had. Without the Flow JSON, always BACK.
   */
  back(screen?: string): Promise<FlowResponse>;
  /** Reports an invalid previous answer; resolves when the endpoint acknowledged it. */
  errorNotification(screen: string, error: FlowErrorReport, action?: 'data_exchange' | 'INIT'): Promise<void>;
  /**
   * The customer's nfm_reply completion webhook to the gateway; flow_token is filled in when
   * absent. Resolves with its wamid. A SUCCESS answer already sends one (see FlowResponse); this is
   * for a Flow JSON `complete` action done by hand, or to send a reply again.
   */
  complete(responseJson: Record<string, unknown>): Promise<string>;
  /** Encrypts a file like WhatsApp's CDN and serves it at GET /_emulator/cdn/:id. */
  uploadMedia(bytes: Uint8Array, fileName: string, mimeType?: string): WirePickerItem;
  /**
   * The same file as the completion webhook carries it (SPEC B.4): stored as Graph media the
   * business downloads like any inbound media; put the result in complete()'s response_json.
   */
  responseMedia(bytes: Uint8Array, fileName: string, mimeType: string): WireResponseMedia;
}
