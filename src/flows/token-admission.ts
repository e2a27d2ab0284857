// Whether a request's flow token admits it to the flow's screens: known, of this flow, not expired, not
// completed (SPEC A.5, 427 otherwise, with what the customer is shown), and signed when the flow is on
// data_api_version 4.0 (SPEC A.4). A completed token whose SUCCESS never led to WhatsApp's completion gets
// that SUCCESS again instead of a 427: for a data_exchange from the screen that completed it (the press that
// got no answer; not another open copy of the form), while the token is unexpired and for SUCCESS_REPLAY_MS
// after the completion; after that it is refused like any completed one.
import { compareVersions, verifyFlowTokenSignature } from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { FlowContactRow, FlowTokenRow } from '../store/flows.js';
import type { FlowDefinition } from './definition.js';
import { otherCopyMessage } from './run-screen.js';
import { TOKEN_MESSAGES, isRecord, judgeToken, parseObject } from './tokens.js';
import type { FlowEndpointResponse, FlowTokenRecord } from './types.js';

/** How long after the endpoint completed a token a lost SUCCESS is answered again (each replay posts a message). */
export const SUCCESS_REPLAY_MS = 15 * 60_000;

/**
 * Where the screens kept for a completed token say which screen's request got the SUCCESS (`{ screen }`): a
 * key no screen id can be (ids are letters and underscores).
 */
export const SUCCESS_FROM = 'SUCCESS:from';

export type Admission =
  | {
      ok: true;
      record: FlowTokenRecord;
      /** The data last answered per screen. */
      screens: Record<string, Record<string, unknown>>;
      contact: FlowContactRow | null;
    }
  /** 427 with an error_msg, or 200 with the SUCCESS answered before. */
  | { ok: false; status: 200 | 427; response: FlowEndpointResponse | { error_msg: string } };

export class TokenAdmission {
  constructor(
    private readonly store: Store,
    private readonly appSecrets: readonly string[],
    private readonly now: () => number,
  ) {}

  async admit(def: FlowDefinition, payload: Record<string, unknown>, token: string, log: Logger): Promise<Admission> {
    const now = this.now();
    const found = await this.store.flows.getTokenWithContact(token);
    const verdict = judgeToken(found?.row ?? null, def.name, now);
    if (!verdict.ok) {
      // Only a request the token's signature (4.0) would admit may have the SUCCESS again.
      const replay =
        verdict.reason === 'completed' &&
        payload.action === 'data_exchange' &&
        this.signatureOk(def, payload, token, now)
          ? await this.lostSuccess(def, verdict.row, payload, now)
          : null;
      if (replay !== null) {
        log.info('flow token completed by the endpoint, no completion yet: its SUCCESS answered again');
        return { ok: false, status: 200, response: replay };
      }
      if (verdict.reason === 'expired' && verdict.row !== null) await this.store.flows.markExpired(verdict.row.token);
      log.info({ reason: verdict.reason }, 'flow token refused (427)');
      return { ok: false, status: 427, response: { error_msg: TOKEN_MESSAGES[verdict.reason] } };
    }
    if (!this.signatureOk(def, payload, token, now)) {
      log.warn('flow_token_signature missing or invalid (427)');
      return { ok: false, status: 427, response: { error_msg: TOKEN_MESSAGES.unknown } };
    }
    return { ok: true, record: verdict.record, screens: verdict.screens, contact: found?.contact ?? null };
  }

  /**
   * SPEC A.4: WhatsApp signs the token (flow_token_signature) with Flow JSON ≥ 7.3 and data_api_version 4.0;
   * such a flow requires it. Whenever a signature is present it must be valid for this token.
   */
  private signatureOk(def: FlowDefinition, payload: Record<string, unknown>, token: string, now: number): boolean {
    const jwt = payload.flow_token_signature;
    const required = def.json.data_api_version === '4.0' && compareVersions(def.json.version, '7.3') >= 0;
    if (jwt === undefined) return !required;
    return typeof jwt === 'string' && verifyFlowTokenSignature(jwt, token, this.appSecrets, now);
  }

  /**
   * The SUCCESS this endpoint answered for a completed token, when WhatsApp never sent the completion
   * (nfm_reply) that would follow it: the answer did not reach the phone, and the customer pressed again.
   * Answering it again (sealed for this request) lets the flow finish without running the handler twice.
   */
  private async lostSuccess(
    def: FlowDefinition,
    row: FlowTokenRow | null,
    payload: Record<string, unknown>,
    now: number,
  ): Promise<FlowEndpointResponse | null> {
    if (row === null || row.screens === null || row.expires_at <= now) return null;
    if (row.completed_at === null || now - row.completed_at > SUCCESS_REPLAY_MS) return null;
    const kept = parseObject(row.screens) ?? {};
    const data = kept.SUCCESS;
    if (!isRecord(data)) return null;
    // The press that got no answer came from the screen that completed, and from the copy of the form it
    // showed: another open copy (any other screen, or the same one of another revision) is told it is over.
    const screen = typeof payload.screen === 'string' ? payload.screen : '';
    const from = kept[SUCCESS_FROM];
    if (isRecord(from) && typeof from.screen === 'string' && from.screen !== screen) return null;
    const sent = isRecord(payload.data) ? payload.data : {};
    const screens = kept as Record<string, Record<string, unknown>>;
    if (otherCopyMessage(def, { action: payload.action, screen, data: sent, screens }) !== null) return null;
    if ((await this.store.flows.submissionByToken(row.token)) !== null) return null;
    return { screen: 'SUCCESS', data };
  }
}
