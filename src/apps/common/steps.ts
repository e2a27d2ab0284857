// Screen steps as plain functions: (input) → next screen / error / complete. Each app writes its logic
// as steps (tested directly against a real database) and `flowOptions` turns them into the runtime's
// screen handlers, so the ctx plumbing is written once.
import type { FlowJson } from '../../protocol/index.js';
import type { FlowCompletionContext, FlowOptions, FlowReply, FlowScreenContext, StoredFlowMedia } from './host.js';
import { REVISION_KEY, STALE_FORM_MESSAGE } from './revision.js';

export interface StepInput {
  flowToken: string;
  waId: string;
  /** The submitted values (already checked against the screen's components by the runtime). */
  data: Record<string, unknown>;
  /** Picker files stored for this request (flows registered with awaitMedia). */
  media: readonly StoredFlowMedia[];
  mediaErrors: Readonly<Record<string, string>>;
  now: number;
}

export type StepResult =
  | { kind: 'next'; screen: string; data: Record<string, unknown> }
  | { kind: 'error'; message: string; data?: Record<string, unknown> }
  | { kind: 'complete'; params: Record<string, unknown>; keepOnlyMedia?: readonly string[] };

export type Step = (input: StepInput) => Promise<StepResult>;

export const next = (screen: string, data: Record<string, unknown> = {}): StepResult => ({ kind: 'next', screen, data });
export const fail = (message: string, data?: Record<string, unknown>): StepResult =>
  data === undefined ? { kind: 'error', message } : { kind: 'error', message, data };
/** Finish the flow; `keepOnlyMedia`: the picker files it keeps, the others deleted (FlowCompleteOptions). */
export const done = (params: Record<string, unknown>, keepOnlyMedia?: readonly string[]): StepResult =>
  keepOnlyMedia === undefined ? { kind: 'complete', params } : { kind: 'complete', params, keepOnlyMedia };

/** What a step may do once its flow completed (the completion context's part of it). */
export type CompletedFlow = Pick<FlowCompletionContext, 'keepOnlyMedia'>;

export interface Steps {
  init: Step;
  screens: Record<string, Step>;
  /** The nfm_reply arrived for this token; `flow` can delete the files it received that the record does not keep. */
  completed(flowToken: string, now: number, flow: CompletedFlow): Promise<void>;
  /** The text message to send the customer once the flow completed (null: none). */
  confirmation?(flowToken: string): Promise<string | null>;
}

export function toInput(ctx: FlowScreenContext, now: number): StepInput {
  return {
    flowToken: ctx.token.token,
    waId: ctx.contact.waId,
    data: ctx.data,
    media: ctx.media,
    mediaErrors: ctx.mediaErrors,
    now,
  };
}

export function toReply(ctx: FlowScreenContext, result: StepResult): FlowReply {
  switch (result.kind) {
    case 'next':
      return ctx.next(result.screen, result.data);
    case 'error':
      return ctx.error(result.message, result.data);
    case 'complete':
      return result.keepOnlyMedia === undefined
        ? ctx.complete(result.params)
        : ctx.complete(result.params, { keepOnlyMedia: result.keepOnlyMedia });
  }
}

export function flowOptions(
  json: FlowJson,
  steps: Steps,
  now: () => number,
  extra: Pick<FlowOptions, 'awaitMedia' | 'allowedMimeTypes'> & { confirm?: boolean } = {},
): FlowOptions {
  const { confirm = true, ...runtime } = extra;
  const handler =
    (step: Step) =>
    async (ctx: FlowScreenContext): Promise<FlowReply> =>
      toReply(ctx, await step(toInput(ctx, now())));
  return {
    json,
    init: handler(steps.init),
    screens: Object.fromEntries(Object.entries(steps.screens).map(([id, step]) => [id, handler(step)])),
    // A screen of the form's other open copy (another revision) is refused before its input is checked
    // against data it never showed: its options are the other copy's (common/revision.ts).
    formCopy: { field: REVISION_KEY, message: STALE_FORM_MESSAGE },
    onComplete: async (ctx: FlowCompletionContext) => {
      await steps.completed(ctx.token.token, now(), ctx);
      const text = confirm && steps.confirmation !== undefined ? await steps.confirmation(ctx.token.token) : null;
      // Meta recommends a summary message after a flow; reply() is idempotent across handler retries.
      if (text !== null) await ctx.handler.reply({ type: 'text', body: text }, { quote: false });
    },
    ...runtime,
  };
}
