// Completion: the nfm_reply webhook (event 'message.flow_reply') becomes a flow_submissions row linked to
// flow, token and contact, and the token becomes completed, in one transaction; then the flow's onComplete
// runs. It is a gateway handler, so a duplicate delivery (same wamid) is never handled twice, and a second
// nfm_reply for the same token finds the submission of the first and does not run onComplete again.
import type { Handler, HandlerContext } from '../gateway/index.js';
import type { FlowReplyMessageEvent } from '../protocol/index.js';
import type { Kysely } from 'kysely';
import type { Database, Store } from '../store/index.js';
import type { FlowRegistry } from './definition.js';
import { parseObject, toContact, toTokenRecord } from './tokens.js';
import type { FlowSubmission } from './types.js';

export const FLOW_COMPLETION_HANDLER = 'flowgate.flows.complete';

export function createCompletionHandler(deps: {
  registry: FlowRegistry;
  store: () => Store;
  now: () => number;
  /** Deletes the files of a completed flow but the named ones (FlowCompletionContext.keepOnlyMedia). */
  keepOnlyMedia: (token: string, mediaIds: readonly string[]) => Promise<number>;
  /** Runs inside the transaction that stores a new submission (the media pipeline queues its media jobs). */
  onSubmission?: (
    trx: Kysely<Database>,
    s: { response: Record<string, unknown>; eventId: number; waId: string; phoneNumberId: string | null },
  ) => Promise<unknown>;
}): Handler<FlowReplyMessageEvent> {
  return async (ctx: HandlerContext<FlowReplyMessageEvent>) => {
    const { event } = ctx;
    const token = event.flow.flowToken;
    if (token === null) {
      ctx.log.info('flow reply without a flow token: not one Flowgate sent');
      return;
    }
    const store = deps.store();
    const row = await store.flows.getToken(token);
    if (row === null) {
      ctx.log.info('flow reply for a token Flowgate did not issue: ignored');
      return;
    }
    if (row.wa_id !== event.fromWaId) {
      ctx.log.warn({ flow: row.flow }, 'flow reply from another contact than the token was issued to: ignored');
      return;
    }
    const response = event.flow.responseJson ?? parseObject(event.flow.responseJsonRaw) ?? {};
    const stored = await store.transaction(async (trx) => {
      const saved = await store.flows.complete(trx, {
        flow: row.flow,
        token,
        waId: row.wa_id,
        response,
        eventId: ctx.eventId,
        wamid: event.id,
        now: deps.now(),
      });
      if (saved.event_id === ctx.eventId) {
        await deps.onSubmission?.(trx, {
          response,
          eventId: ctx.eventId,
          waId: row.wa_id,
          phoneNumberId: event.phoneNumberId,
        });
      }
      return saved;
    });
    // Only the event that stored the submission runs onComplete (and again on its own retries).
    if (stored.event_id !== ctx.eventId) {
      ctx.log.info({ flow: row.flow }, 'flow already completed by an earlier reply: onComplete not run again');
      return;
    }
    const def = deps.registry.get(row.flow);
    const fn = def?.completionHandler;
    if (fn === undefined) return;
    const submission: FlowSubmission = {
      id: stored.id,
      flow: stored.flow,
      token: stored.token,
      waId: stored.wa_id,
      response: parseObject(stored.response_json) ?? {},
      eventId: stored.event_id,
      createdAt: stored.created_at,
    };
    // The token as completion left it, and its contact, in one query (the contact alone if the token is gone).
    const completed = await store.flows.getTokenWithContact(token);
    await fn({
      flow: row.flow,
      submission,
      token: toTokenRecord(completed?.row ?? row),
      contact: toContact(row.wa_id, completed === null ? await store.flows.contact(row.wa_id) : completed.contact),
      handler: ctx,
      log: ctx.log.child({ flow: row.flow }),
      keepOnlyMedia: (mediaIds) => deps.keepOnlyMedia(token, mediaIds),
    });
  };
}
