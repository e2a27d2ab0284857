// KYC logic: FRONT and BACK each take exactly one stored file (the runtime downloads, verifies,
// decrypts, MIME-sniffs and stores it before the step runs, within the picker's type and size
// limits) and check its type and size; a file the runtime refused is reported with the runtime's
// reason, as the snackbar and per media_id in the picker's error-message. FRONT starts a generation
// of the form (common/revision.ts): BACK and REVIEW of another open copy are refused. REVIEW needs the consent
// and stores the submission with both files, status pending_review, and finishes the flow keeping only
// those two files: the ones it received but the submission does not point at (replaced by going back)
// are deleted then, whether or not the completion webhook ever comes (named again when it does).
import type { StoredFlowMedia } from '../common/host.js';
import { STALE_FORM_MESSAGE, currentDraft, newRevision, reviewRevision, reviewedDraft } from '../common/revision.js';
import { done, fail, next, type StepInput, type StepResult, type Steps } from '../common/steps.js';
import type { AppStorage } from '../common/storage.js';
import { flag, text } from '../common/values.js';
import { DOCUMENT_TYPES, sizeLabel, typesLabel } from './flow-json.js';

export const KYC_APP = 'kyc';

export interface KycSubmission {
  document_type: string;
  front: StoredFlowMedia;
  back: StoredFlowMedia;
  consent_at: number;
}

const TYPES = new Map(DOCUMENT_TYPES.map((o) => [o.id, o.title]));

export function kycSteps(
  settings: { allowedMimeTypes: readonly string[]; maxFileBytes: number },
  storage: () => AppStorage,
): Steps {
  /** The one acceptable file of a picker step, or the message to show. */
  function oneFile(input: StepInput, side: string): StoredFlowMedia | string {
    // The runtime's reason (too large, type not accepted, damaged…) is what the person can act on.
    const [error] = Object.values(input.mediaErrors);
    if (error !== undefined) return `${side === 'front' ? 'Front' : 'Back'} of your ID: ${error}`;
    const [file, ...rest] = input.media;
    if (file === undefined) return `Please add the ${side} of your ID.`;
    if (rest.length > 0) return `Please add only one file for the ${side}.`;
    if (!settings.allowedMimeTypes.includes(file.mimeType)) return `Please use a ${typesLabel(settings.allowedMimeTypes)} file.`;
    if (file.size > settings.maxFileBytes) return `The file is too large (max ${sizeLabel(settings.maxFileBytes / 1024)}).`;
    return file;
  }

  const media = (value: unknown): StoredFlowMedia | null =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StoredFlowMedia).blobKey === 'string' &&
    typeof (value as StoredFlowMedia).mediaId === 'string'
      ? (value as StoredFlowMedia)
      : null;

  /** What the review shows, from the draft: its revision carries a digest of this. */
  const shown = (draft: Record<string, unknown>) => {
    const side = (value: unknown) => {
      const file = media(value);
      return file === null ? null : [file.mediaId, file.sha256, file.fileName];
    };
    return [draft.document_type, side(draft.front), side(draft.back)];
  };

  return {
    init: () => Promise.resolve(next('FRONT', { front_errors: {} })),
    screens: {
      async FRONT(input): Promise<StepResult> {
        // The picker shows the per-file reasons of this request (none: earlier ones are cleared).
        const errors = { front_errors: { ...input.mediaErrors } };
        const documentType = text(input.data, 'document_type');
        if (!TYPES.has(documentType)) return fail('Please choose the document type.', errors);
        const file = oneFile(input, 'front');
        if (typeof file === 'string') return fail(file, errors);
        // A new generation: the later screens of another open copy of this form are stale (common/revision.ts),
        // and a back picked for an earlier front no longer applies.
        const revision = newRevision();
        await storage().saveDraft(
          KYC_APP,
          input.flowToken,
          input.waId,
          { document_type: documentType, front: file, back: null, revision },
          input.now,
        );
        return next('BACK', { front_name: `Front: ${file.fileName}`.slice(0, 200), back_errors: {}, revision });
      },
      async BACK(input): Promise<StepResult> {
        const current = await currentDraft(storage(), KYC_APP, input);
        if (current === null) return fail(STALE_FORM_MESSAGE, { back_errors: {} });
        const file = oneFile(input, 'back');
        if (typeof file === 'string') return fail(file, { back_errors: { ...input.mediaErrors } });
        const front = media(current.front);
        if (front === null) return fail('Please go back and add the front of your ID.');
        if (file.sha256 === front.sha256)
          return fail('That is the same file as the front. Please add a photo of the back of your ID.', {
            back_errors: { [file.mediaId]: 'Same file as the front' },
          });
        const draft = await storage().saveDraft(KYC_APP, input.flowToken, input.waId, { back: file }, input.now);
        const type = TYPES.get(String(draft.document_type)) ?? 'Document';
        return next('REVIEW', {
          summary: `${type}: ${front.fileName} (front), ${file.fileName} (back)`.slice(0, 300),
          revision: reviewRevision(draft.revision, shown(draft)),
        });
      },
      async REVIEW(input) {
        if (!flag(input.data, 'consent')) return fail('Please agree so we can check your ID.');
        // What is submitted is what this review showed, to the file.
        const draft = await reviewedDraft(storage(), KYC_APP, input, shown);
        if (typeof draft === 'string') return fail(draft);
        const front = media(draft.front);
        const back = media(draft.back);
        if (front === null || back === null || typeof draft.document_type !== 'string') {
          return fail('Please go back and add both sides of your ID.');
        }
        const submission: KycSubmission = { document_type: draft.document_type, front, back, consent_at: input.now };
        const record = await storage().submit(KYC_APP, input.flowToken, input.waId, { ...submission }, 'pending_review', input.now);
        return done({ submission_id: String(record.id), status: 'pending_review' }, [front.mediaId, back.mediaId]);
      },
    },
    async completed(flowToken, now, flow) {
      await storage().markCompleted(KYC_APP, flowToken, now);
      // Going back and picking another file leaves the first one stored: an ID image nobody will look at.
      // Only the two files the record points at stay, and only once the record is known to point at both
      // (keeping nothing would delete the very images under review). REVIEW named them already; naming them
      // again here finishes a release that failed or was cut short (idempotent).
      const record = await storage().record(KYC_APP, flowToken);
      const front = media(record?.data.front);
      const back = media(record?.data.back);
      if (record?.status === 'pending_review' && front !== null && back !== null) {
        await flow.keepOnlyMedia([front.mediaId, back.mediaId]);
      }
    },
    async confirmation(flowToken) {
      const record = await storage().record(KYC_APP, flowToken);
      return record?.status === 'pending_review'
        ? 'Thank you. We received your ID documents and will let you know once they are reviewed.'
        : null;
    },
  };
}
