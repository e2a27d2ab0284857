// One open copy of a form at a time. A flow token may be open twice (the phone and WhatsApp Desktop), and
// both copies write the same draft: each screen after the first is shown with a fresh revision that its
// Footer sends back, and a step accepts only the revision the draft holds now. A stale copy's screen is
// refused instead of mixing its answers into what the other copy entered.
import { randomBytes } from 'node:crypto';
import type { StepInput } from './steps.js';
import type { AppStorage } from './storage.js';

/** The data key every screen after the first declares and its Footer sends back. */
export const REVISION_KEY = 'revision';

export const STALE_FORM_MESSAGE =
  'These answers were changed in another window. Please go back to the first screen and start again.';

export function newRevision(): string {
  return randomBytes(9).toString('base64url');
}

/** The draft, when the screen sent back the revision it was shown with and no other screen has written since. */
export async function currentDraft(
  storage: AppStorage,
  app: string,
  input: StepInput,
): Promise<Record<string, unknown> | null> {
  const draft = await storage.draft(app, input.flowToken);
  const sent = input.data[REVISION_KEY];
  return typeof sent === 'string' && sent !== '' && sent === draft[REVISION_KEY] ? draft : null;
}
