// Survey logic: each screen's answers are checked against the offered options and kept as a draft;
// THANKS stores the whole response as one record: the one it showed (RATINGS starts a generation of the
// form, THANKS carries a digest of the draft, so another open copy's screens are refused; common/revision.ts).
import { newRevision, reviewRevision, reviewedDraft, thisCopysDraft } from '../common/revision.js';
import { done, fail, next, type StepInput, type Steps } from '../common/steps.js';
import type { AppStorage } from '../common/storage.js';
import { flag, list, optionalText, text } from '../common/values.js';
import { ASPECT_OPTIONS, RATING_OPTIONS, RECOMMEND_OPTIONS } from './flow-json.js';

export const SURVEY_APP = 'survey';

export interface SurveyResponse {
  rating: number;
  recommend: string;
  liked: string[];
  improve: string[];
  comments: string | null;
  contact_ok: boolean;
}

const ids = (options: readonly { id: string }[]): Set<string> => new Set(options.map((o) => o.id));
const RATINGS = ids(RATING_OPTIONS);
const RECOMMEND = ids(RECOMMEND_OPTIONS);
const ASPECTS = ids(ASPECT_OPTIONS);

/** What THANKS shows and sends, from the draft: its revision carries a digest of this. */
const shown = (d: Record<string, unknown>) => [d.rating, d.recommend, d.liked, d.improve, d.comments, d.contact_ok];

const UNANSWERED = 'Please go back and answer the questions.';

export function surveySteps(settings: { business: string }, storage: () => AppStorage): Steps {
  /** This copy's draft; else why not: no questions answered yet, or another open copy started again. */
  const draftOf = (input: StepInput) => thisCopysDraft(storage(), SURVEY_APP, input, UNANSWERED);

  return {
    init: () => Promise.resolve(next('RATINGS', { business: settings.business })),
    screens: {
      async RATINGS(input) {
        const rating = text(input.data, 'rating');
        const recommend = text(input.data, 'recommend');
        if (!RATINGS.has(rating)) return fail('Please rate your overall experience.');
        if (!RECOMMEND.has(recommend)) return fail('Please tell us if you would recommend us.');
        const revision = newRevision();
        await storage().saveDraft(
          SURVEY_APP,
          input.flowToken,
          input.waId,
          { rating: Number(rating), recommend, liked: null, improve: null, comments: null, contact_ok: null, revision },
          input.now,
        );
        return next('CHOICES', { revision });
      },
      async CHOICES(input) {
        const current = await draftOf(input);
        if (typeof current === 'string') return fail(current);
        const liked = list(input.data, 'liked');
        const improve = list(input.data, 'improve');
        if (liked.length < 1 || liked.length > 3) return fail('Pick one to three things you liked.');
        if (![...liked, ...improve].every((id) => ASPECTS.has(id))) return fail('Please pick from the list.');
        await storage().saveDraft(SURVEY_APP, input.flowToken, input.waId, { liked, improve }, input.now);
        return next('COMMENTS', { revision: current.revision });
      },
      async COMMENTS(input) {
        const comments = optionalText(input.data, 'comments');
        if (comments !== null && comments.length > 1000) return fail('Please keep comments under 1000 characters.');
        // The summary shows the earlier answers: without them it would thank for a rating never given.
        const before = await draftOf(input);
        if (typeof before === 'string') return fail(before);
        if (typeof before.rating !== 'number' || !Array.isArray(before.liked)) return fail(UNANSWERED);
        const draft = await storage().saveDraft(
          SURVEY_APP,
          input.flowToken,
          input.waId,
          { comments, contact_ok: flag(input.data, 'contact_ok') },
          input.now,
        );
        const rating = RATING_OPTIONS.find((o) => o.id === String(draft.rating));
        const liked = Array.isArray(draft.liked) ? draft.liked : [];
        const likedTitles = ASPECT_OPTIONS.filter((o) => liked.includes(o.id)).map((o) => o.title);
        return next('THANKS', {
          rating_label: rating?.title ?? '',
          liked_label: likedTitles.length > 0 ? `You liked: ${likedTitles.join(', ')}` : 'Thank you',
          revision: reviewRevision(draft.revision, shown(draft)),
        });
      },
      async THANKS(input) {
        const draft = await reviewedDraft(storage(), SURVEY_APP, input, shown);
        if (typeof draft === 'string') return fail(draft);
        if (typeof draft.rating !== 'number' || !Array.isArray(draft.liked)) return fail(UNANSWERED);
        const response: SurveyResponse = {
          rating: draft.rating,
          recommend: typeof draft.recommend === 'string' ? draft.recommend : '',
          liked: draft.liked.filter((x): x is string => typeof x === 'string'),
          improve: Array.isArray(draft.improve) ? draft.improve.filter((x): x is string => typeof x === 'string') : [],
          comments: typeof draft.comments === 'string' ? draft.comments : null,
          contact_ok: draft.contact_ok === true,
        };
        const record = await storage().submit(SURVEY_APP, input.flowToken, input.waId, { ...response }, 'submitted', input.now);
        return done({ response_id: String(record.id), rating: response.rating });
      },
    },
    async completed(flowToken, now) {
      await storage().markCompleted(SURVEY_APP, flowToken, now);
    },
  };
}
