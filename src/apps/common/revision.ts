// One open copy of a form at a time. A flow token may be open twice (the phone and WhatsApp Desktop), and
// both copies write the same draft. The first screen's step starts a generation that every later screen
// is shown with and its Footer sends back; a screen of another generation (the other copy started again)
// is refused instead of mixing its answers into what the other copy entered. Going back on the phone and
// sending a screen again stays within the generation, so it works. The review screen is shown with the
// generation and a digest of what it shows: it saves only if the draft still holds exactly that.
import { createHash, randomBytes } from 'node:crypto';
import type { StepInput } from './steps.js';
import type { AppStorage } from './storage.js';

/** The data key every screen after the first declares and its Footer sends back. */
export const REVISION_KEY = 'revision';

export const STALE_FORM_MESSAGE =
  'These answers were changed in another window. Please go back to the first screen and start again.';

export const CHANGED_REVIEW_MESSAGE =
  'Your answers changed since this summary was shown. Please go back and review them.';

/** A new generation, for the first screen's step. */
export function newRevision(): string {
  return randomBytes(9).toString('base64url');
}

/** The review screen's revision: the generation and a digest of what the review shows. */
export function reviewRevision(generation: unknown, shown: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(shown)).digest('base64url').slice(0, 12);
  return `${String(generation)}.${digest}`;
}

function sentRevision(input: StepInput): string | null {
  const sent = input.data[REVISION_KEY];
  return typeof sent === 'string' && sent !== '' ? sent : null;
}

/** The draft, when the screen sent back the generation the draft holds now. */
export async function currentDraft(
  storage: AppStorage,
  app: string,
  input: StepInput,
): Promise<Record<string, unknown> | null> {
  const draft = await thisCopysDraft(storage, app, input, STALE_FORM_MESSAGE);
  return typeof draft === 'string' ? null : draft;
}

/**
 * currentDraft, else the message to answer with: `notStarted` when no generation was started yet (the first
 * screen was never sent), STALE_FORM_MESSAGE when another copy of the form started one.
 */
export async function thisCopysDraft(
  storage: AppStorage,
  app: string,
  input: StepInput,
  notStarted: string,
): Promise<Record<string, unknown> | string> {
  const draft = await storage.draft(app, input.flowToken);
  const sent = sentRevision(input);
  if (sent !== null && sent === draft[REVISION_KEY]) return draft;
  return draft[REVISION_KEY] === undefined ? notStarted : STALE_FORM_MESSAGE;
}

/**
 * For the review screen's step: the draft when it still holds what the review showed (`shown` recomputes
 * that from the draft); else the message to answer with.
 */
export async function reviewedDraft(
  storage: AppStorage,
  app: string,
  input: StepInput,
  shown: (draft: Record<string, unknown>) => unknown,
): Promise<Record<string, unknown> | string> {
  const draft = await storage.draft(app, input.flowToken);
  const sent = sentRevision(input);
  if (sent === null || !sent.startsWith(`${String(draft[REVISION_KEY])}.`)) return STALE_FORM_MESSAGE;
  return sent === reviewRevision(draft[REVISION_KEY], shown(draft)) ? draft : CHANGED_REVIEW_MESSAGE;
}
